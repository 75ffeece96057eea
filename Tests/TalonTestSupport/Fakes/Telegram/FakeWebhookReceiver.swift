import Foundation
import Hummingbird
import Synchronization

/// A loopback endpoint that records every request and answers a set status: the other end of
/// `FakeTelegram.deliverToWebhook` when no gateway is listening (tests of the fake itself).
public final class FakeWebhookReceiver: Sendable {
    private final class Shared: Sendable {
        let requests = Mutex<[FakeRequest]>([])
        let status = Mutex(200)
    }

    public let port: Int
    private let shared: Shared
    private let task: Task<Void, Never>

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, shared: Shared, task: Task<Void, Never>) {
        self.port = port
        self.shared = shared
        self.task = task
    }

    public static func start() async throws -> FakeWebhookReceiver {
        let shared = Shared()
        let router = Router()
        router.post("**") { request, _ in
            let recorded = try await FakeServerBoot.record(request)
            shared.requests.withLock { $0.append(recorded) }
            return Response(status: .init(code: shared.status.withLock { $0 }))
        }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-webhook-receiver")
        return FakeWebhookReceiver(port: port, shared: shared, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    /// The status every later request gets (200 at first).
    public func respond(with status: Int) {
        shared.status.withLock { $0 = status }
    }

    public var requests: [FakeRequest] { shared.requests.withLock { $0 } }
}

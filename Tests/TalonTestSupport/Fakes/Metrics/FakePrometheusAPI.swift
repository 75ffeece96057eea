import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A loopback Prometheus HTTP API for the metrics client's error handling: every request is
/// recorded and answered from a queue of scripted answers (status, body, optional stall); with the
/// queue empty it answers a successful empty matrix. The real data path is tested against
/// VictoriaMetrics itself.
public final class FakePrometheusAPI: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        public var stallSeconds: Double?
        public init(status: Int = 200, body: String, stallSeconds: Double? = nil) {
            self.status = status
            self.body = body
            self.stallSeconds = stallSeconds
        }
    }

    public static let emptyMatrix = #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#

    public let port: Int
    private let state: LockedState
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`, to pass as `VICTORIAMETRICS_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, state: LockedState, task: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.task = task
    }

    public static func start() async throws -> FakePrometheusAPI {
        let state = LockedState()
        let router = Router()
        router.get("/**") { request, _ -> Response in
            let recorded = try await FakeServerBoot.record(request)
            let answer = state.withLock { state -> Answer in
                state.requests.append(recorded)
                return state.answers.isEmpty ? Answer(body: emptyMatrix) : state.answers.removeFirst()
            }
            if let stall = answer.stallSeconds { try await Task.sleep(for: .seconds(stall)) }
            return Response(
                status: .init(code: answer.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-prometheus")
        return FakePrometheusAPI(port: port, state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    /// Queues answers for the next requests, in order.
    public func enqueue(_ answers: Answer...) {
        state.withLock { $0.answers.append(contentsOf: answers) }
    }

    public var requests: [FakeRequest] { state.withLock { $0.requests } }

    /// Scripted answers and recorded requests, shared by the route closure.
    private final class LockedState: Sendable {
        private let mutex = Mutex<(answers: [Answer], requests: [FakeRequest])>(([], []))
        func withLock<T: Sendable>(_ body: (inout (answers: [Answer], requests: [FakeRequest])) -> T) -> T {
            mutex.withLock { body(&$0) }
        }
    }
}

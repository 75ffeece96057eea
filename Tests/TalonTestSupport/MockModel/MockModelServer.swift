import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real loopback HTTP server speaking the OpenAI Chat Completions, OpenAI Responses and Anthropic
/// Messages wire APIs, answering from a FIFO queue of scripted scenarios (echo when empty).
public final class MockModelServer: Sendable {
    public let port: Int
    private let state: MockModelState
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`; OpenAI-style clients use `baseURL + "/v1"`, Anthropic clients `baseURL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, state: MockModelState, task: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.task = task
    }

    /// Binds 127.0.0.1 on a free port and serves until `stop()`.
    public static func start() async throws -> MockModelServer {
        let state = MockModelState()
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in try await state.respond(to: request, wire: MockChatCompletionsWire()) }
        router.post("/v1/responses") { request, _ in try await state.respond(to: request, wire: MockResponsesWire()) }
        router.post("/v1/messages") { request, _ in try await state.respond(to: request, wire: MockAnthropicWire()) }
        router.get("/v1/models") { request, _ in
            state.record(request, bodyText: "")
            let body = "{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\",\"owned_by\":\"talon-tests\"}]}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        var logger = Logger(label: "talon.mock-model")
        logger.logLevel = .critical
        let bound = PortSignal()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in bound.resolve(.success(channel.localAddress?.port ?? 0)) }, logger: logger)
        let task = Task {
            do {
                try await app.run()
            } catch {
                bound.resolve(.failure(error))
            }
            bound.resolve(.failure(CancellationError()))
        }
        do {
            let port = try await bound.value()
            return MockModelServer(port: port, state: state, task: task)
        } catch {
            task.cancel()
            await task.value
            throw error
        }
    }

    /// Queues answers for the next requests, in order.
    public func enqueue(_ scenarios: MockScenario...) {
        state.enqueue(scenarios)
    }

    /// Queues an answer computed from the request it answers (its messages carry earlier tool results).
    public func enqueue(dynamic: @escaping @Sendable (MockRecordedRequest) -> MockScenario) {
        state.enqueue(dynamic: dynamic)
    }

    public func enqueue(contentsOf scenarios: [MockScenario]) {
        state.enqueue(scenarios)
    }

    /// Scenarios not consumed yet.
    public var pendingScenarios: Int { state.pendingCount }

    /// Every request received so far, in order.
    public func requests() -> [MockRecordedRequest] {
        state.recorded
    }

    /// Forgets recorded requests and queued scenarios.
    public func reset() {
        state.reset()
    }

    public func stop() async {
        state.markStopping()
        // Let streams still being written end first: cancelling the server under an open response writer trips
        // NIO's "writer deinited without finish" check.
        let deadline = ContinuousClock.now + .seconds(3)
        while state.activeStreams > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        await task.value
    }
}

/// Hands the bound port from `onServerRunning` to `start()`, once.
private final class PortSignal: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func resolve(_ result: Result<Int, any Error>) {
        let waiter: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

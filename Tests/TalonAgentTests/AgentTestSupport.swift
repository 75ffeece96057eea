import Foundation
import Logging
import Synchronization
import TalonAgent
import TalonCore
import TalonModels
import TalonStore
import TalonTestSupport

/// A scripted in-process model: `handler(request, callIndex)` returns the events of each call.
final class ScriptedProvider: ModelProvider {
    typealias Handler = @Sendable (ModelRequest, Int) async throws -> [ModelStreamEvent]
    let id: String
    private let handler: Handler
    private let recorded = Mutex<[ModelRequest]>([])

    init(id: String = "test", handler: @escaping Handler) {
        self.id = id
        self.handler = handler
    }

    var requests: [ModelRequest] { recorded.withLock { $0 } }
    var callCount: Int { recorded.withLock { $0.count } }

    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        let index = recorded.withLock { list in
            list.append(request)
            return list.count - 1
        }
        let handler = handler
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for event in try await handler(request, index) { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func text(_ text: String, usage: Usage = Usage(inputTokens: 10, outputTokens: 5)) -> [ModelStreamEvent] {
        [.textDelta(text), .finished(ModelResponse(text: text, toolCalls: [], usage: usage, stopReason: .stop, modelRef: "test/m"))]
    }

    static func calls(_ calls: [ToolCall]) -> [ModelStreamEvent] {
        calls.map { .toolCall($0) } + [
            .finished(
                ModelResponse(
                    text: "", toolCalls: calls, usage: Usage(inputTokens: 10, outputTokens: 5), stopReason: .toolUse, modelRef: "test/m"))
        ]
    }
}

/// Counts concurrent holders and lets tests wait until `target` are inside at once.
actor ConcurrencyProbe {
    private(set) var current = 0
    private(set) var maximum = 0

    func enter() {
        current += 1
        maximum = max(maximum, current)
    }

    func leave() { current -= 1 }

    /// Waits (bounded) until `target` holders were seen together; returns whether they were.
    func reached(_ target: Int, timeout: Duration = .seconds(3)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while maximum < target, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return maximum >= target
    }
}

/// A one-shot gate a scripted model waits on.
actor Gate {
    private var open = false
    func release() { open = true }
    func wait() async throws {
        while !open { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Collects events from a subscription in the background.
final class EventLog: Sendable {
    private let box = EventsBox()
    private let task: Task<Void, Never>

    init(_ runtime: AgentRuntime) {
        let subscription = runtime.subscribe()
        let box = box
        self.task = Task { for await event in subscription.events { box.append(event) } }
    }

    var all: [AgentEvent] { box.all }

    func of(_ runId: String) -> [AgentEvent] { all.filter { $0.runId == runId } }

    func waitFinished(_ runIds: [String], timeout: Duration = .seconds(10)) async throws {
        try await Wait.until(timeout: timeout, "finished events for \(runIds)") {
            let finished = Set(all.compactMap { if case .finished(let id, _, _, _) = $0 { id } else { nil } })
            return runIds.allSatisfy(finished.contains)
        }
    }

    deinit { task.cancel() }
}

final class EventsBox: Sendable {
    private let list = Mutex<[AgentEvent]>([])
    func append(_ event: AgentEvent) { list.withLock { $0.append(event) } }
    var all: [AgentEvent] { list.withLock { $0 } }
}

/// A runtime over a temp-dir SQLite store and a scripted provider `test`.
struct Harness {
    let dir: TempDir
    let store: SQLiteStore
    let provider: ScriptedProvider
    let runtime: AgentRuntime

    static func config(messages: JSONValue = [:], tools: JSONValue = [:], maxConcurrent: Int = 8, raw: JSONValue = [:]) -> TalonConfig {
        TalonConfig(
            agents: AgentsConfig(defaults: AgentDefaults(model: ModelSelection(primary: "test/m"), maxConcurrent: maxConcurrent)),
            tools: tools, messages: messages, raw: raw)
    }

    static func make(
        config: TalonConfig = Harness.config(), tools: [any AgentTool] = [], limits: AgentLimits = AgentLimits(),
        environment: [String: String] = ["PATH": "/usr/bin:/bin"], handler: @escaping ScriptedProvider.Handler
    ) async throws -> Harness {
        let dir = try TempDir("talon-agent")
        var logger = Logger(label: "talon.agent.test")
        logger.logLevel = .critical
        let store = try await SQLiteStore.open(path: dir.file("talon.sqlite"), logger: logger)
        try await store.migrate()
        let provider = ScriptedProvider(handler: handler)
        let models = ModelClient(providers: ["test": provider], logger: logger, retryPolicy: RetryPolicy(maxRetries: 0))
        let runtime = AgentRuntime(
            config: config, store: store, models: models, tools: tools, stateDir: dir.path, logger: logger, environment: environment,
            limits: limits)
        return Harness(dir: dir, store: store, provider: provider, runtime: runtime)
    }

    func request(_ message: String, key: String = "agent:main:main", timeout: Int? = nil) -> RunRequest {
        RunRequest(sessionKey: key, message: message, timeoutSeconds: timeout, channel: "test")
    }

    func transcript(key: String = "agent:main:main") async throws -> [JSONValue] {
        guard let session = try await store.session(key: key) else { return [] }
        return try await store.transcript(sessionId: session.sessionId, afterSeq: 0, limit: 1000).compactMap {
            JSONText.parse($0.payloadJSON)
        }
    }
}

extension RunOutcome {
    var text: String? {
        if case .completed(let text, _, _, _) = self { return text }
        return nil
    }
}

/// A tool that echoes its arguments (optionally waiting on a probe first).
func echoTool(name: String = "echo", probe: ConcurrencyProbe? = nil, waitFor: Int = 0) -> ClosureTool {
    ClosureTool(name: name, description: "Echoes its arguments.") { arguments, _ in
        if let probe {
            await probe.enter()
            let ok = await probe.reached(waitFor)
            await probe.leave()
            if !ok { return ToolOutput(text: "not concurrent", isError: true) }
        }
        return ToolOutput(text: "echo " + arguments.serialized())
    }
}

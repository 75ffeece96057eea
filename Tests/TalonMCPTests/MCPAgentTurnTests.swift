import Foundation
import Synchronization
import TalonAgent
import TalonCore
import TalonModels
import TalonStore
import Testing

@testable import TalonMCP

/// Issue 7's interop check: the PyPI server as `mcp.servers.pyserver`, its tool called in a real agent turn
/// (the manager plugged in as a `ToolSource`, a scripted model asking for `pyserver__add`).
@Suite("MCP in an agent turn", .enabled("python3 with the PyPI mcp package (pip install mcp)") { await PythonMCP.available() })
struct MCPAgentTurnTests {
    @Test func anAgentTurnCallsTheServersTool() async throws {
        let dir = NSTemporaryDirectory() + "talon-mcp-agent-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await SQLiteStore.open(path: dir + "/talon.sqlite", logger: quietLogger())
        try await store.migrate()
        let model = TwoStepModel()
        let config = TalonConfig(agents: AgentsConfig(defaults: AgentDefaults(model: ModelSelection(primary: "test/m"))))
        let models = ModelClient(providers: ["test": model], logger: quietLogger(), retryPolicy: RetryPolicy(maxRetries: 0))
        try await using(
            MCPServerManager(settings: PythonMCP.settings(["pyserver": PythonMCP.stdioServer()]), bearer: nil, logger: quietLogger())
        ) { mcp in
            let runtime = AgentRuntime(
                config: config, store: store, models: models, tools: [], stateDir: dir, logger: quietLogger(), toolSources: [mcp])
            let outcome = await runtime.run(RunRequest(sessionKey: "main", message: "what is 19 + 23?", channel: "test"))
            guard case .completed(let text, _, _, _) = outcome else { throw FixtureError(description: "run ended \(outcome)") }
            #expect(text == "The sum is 42.")
            let requests = model.requests
            #expect(requests.first?.tools.contains { $0.name == "pyserver__add" } == true)
            let result = requests.last?.messages.last
            #expect(result?.role == .tool && result?.toolName == "pyserver__add" && result?.text == "42" && result?.isError == false)
        }
    }
}

/// Asks for `pyserver__add(19, 23)`, then answers with the tool result it got back.
private final class TwoStepModel: ModelProvider {
    let id = "test"
    private let recorded = Mutex<[ModelRequest]>([])

    var requests: [ModelRequest] { recorded.withLock { $0 } }

    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        let index = recorded.withLock { list in
            list.append(request)
            return list.count - 1
        }
        let usage = Usage(inputTokens: 1, outputTokens: 1)
        let events: [ModelStreamEvent]
        if index == 0 {
            let call = ToolCall(id: "call_1", name: "pyserver__add", argumentsJSON: #"{"a":19,"b":23}"#)
            events = [
                .toolCall(call),
                .finished(ModelResponse(text: "", toolCalls: [call], usage: usage, stopReason: .toolUse, modelRef: "test/m")),
            ]
        } else {
            let answer = "The sum is \(request.messages.last?.text ?? "?")."
            events = [
                .textDelta(answer),
                .finished(ModelResponse(text: answer, toolCalls: [], usage: usage, stopReason: .stop, modelRef: "test/m")),
            ]
        }
        return AsyncThrowingStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
    }
}

import Logging
import TalonAgent
import TalonCore
import TalonModels
import TalonStore
import TalonTestSupport
import TalonTools
import Testing

@Suite("Agent over the real ModelClient (loopback mock server)")
struct MockServerTests {
    @Test func toolLoopThroughOpenAIWire() async throws {
        let server = try await MockModelServer.start()
        let dir = try TempDir("talon-agent-mock")
        var logger = Logger(label: "talon.agent.mock")
        logger.logLevel = .critical
        let store = try await SQLiteStore.open(path: dir.file("talon.sqlite"), logger: logger)
        try await store.migrate()
        let config = TalonConfig(
            agents: AgentsConfig(defaults: AgentDefaults(model: ModelSelection(primary: "mock/mock-model"))),
            models: ModelsConfig(providers: [
                "mock": ProviderConfig(
                    baseUrl: server.baseURL + "/v1", apiKey: "k", api: "openai-completions", models: [["id": "mock-model"]])
            ]))
        let models = ModelClient(config: config, environment: [:], logger: logger)
        let runtime = AgentRuntime(
            config: config, store: store, models: models, tools: BuiltinTools.all(config: config, logger: logger), stateDir: dir.path,
            logger: logger, environment: [:])
        server.enqueue(.toolCall(name: "session_status", arguments: "{}", id: "call_1"), .text("All good."))
        let outcome = await runtime.run(RunRequest(sessionKey: "main", message: "status?", channel: "test"))
        guard case .completed(let text, let usage, _, let modelRef) = outcome else {
            Issue.record("expected completion, got \(outcome)")
            await server.stop()
            return
        }
        #expect(text == "All good.")
        #expect(modelRef == "mock/mock-model")
        #expect(usage.inputTokens == 2 * MockUsage.inputTokens)
        let requests = server.requests()
        #expect(requests.count == 2)
        let result = try #require(requests.last?.toolResults.first)
        #expect(result.callId == "call_1")
        #expect(result.content.contains("session: agent:main:main"))
        let history = try await runtime.history(sessionKey: "main", limit: 10)
        #expect(history.map(\.kind) == ["user", "tool_call", "tool_result", "assistant"])
        await server.stop()
        await store.close()
    }
}

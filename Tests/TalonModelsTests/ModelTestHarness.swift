import Logging
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

/// A mock server plus a `ModelClient` whose `mock` provider points at it.
struct ModelHarness {
    let server: MockModelServer
    let client: ModelClient
    let logLines: LockedBox<[String]>

    /// Retries quickly so failure tests stay fast (production uses `RetryPolicy.standard`).
    static let fastRetries = RetryPolicy(maxRetries: 3, baseDelay: 0.02, multiplier: 2, maxDelay: 0.1, maxRetryAfter: 30)

    static func start(
        api: WireAPI = .openAICompletions, apiKey: String? = "sk-test-secret", headers: [String: String] = [:],
        timeoutSeconds: Int? = nil, models: [JSONValue] = [], extraProviders: [String: ProviderConfig] = [:],
        aliases: [String: JSONValue] = [:], environment: [String: String] = [:], retryPolicy: RetryPolicy = fastRetries
    ) async throws -> ModelHarness {
        let server = try await MockModelServer.start()
        let baseURL = api == .anthropicMessages ? server.baseURL : server.baseURL + "/v1"
        var providers = extraProviders
        providers["mock"] = ProviderConfig(
            baseUrl: baseURL, apiKey: apiKey, api: api.rawValue, headers: headers, timeoutSeconds: timeoutSeconds, models: models)
        let config = TalonConfig(
            agents: AgentsConfig(defaults: AgentDefaults(models: aliases)), models: ModelsConfig(providers: providers))
        let lines = LockedBox<[String]>([])
        let client = ModelClient(
            config: config, environment: environment, logger: CapturingLogHandler.logger(lines), retryPolicy: retryPolicy)
        return ModelHarness(server: server, client: client, logLines: lines)
    }

    /// Runs one turn to the end.
    func run(
        _ request: ModelRequest, candidates: [String] = ["mock/mock-model"]
    ) async -> (events: [ModelStreamEvent], error: (any Error)?) {
        let refs = candidates.compactMap(ModelRef.init(parsing:))
        var events: [ModelStreamEvent] = []
        do {
            for try await event in client.stream(request, candidates: refs) { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    func stop() async {
        await server.stop()
    }
}

extension ModelRequest {
    static func hello(_ text: String = "hello") -> ModelRequest {
        ModelRequest(model: "ignored", messages: [.user(text)])
    }
}

extension Array where Element == ModelStreamEvent {
    var text: String {
        compactMap { if case .textDelta(let delta) = $0 { delta } else { nil } }.joined()
    }

    var toolCalls: [ToolCall] {
        compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
    }

    var response: ModelResponse? {
        for case .finished(let response) in self { return response }
        return nil
    }

    var textDeltaCount: Int {
        filter { if case .textDelta = $0 { true } else { false } }.count
    }
}

/// A tool with a small JSON-schema, used in request-shape tests.
let weatherTool = ToolSpec(
    name: "get_weather", description: "Current weather",
    parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

/// A conversation with an image, a tool call and its result, to check request encoding.
let toolConversation: [ChatMessage] = [
    ChatMessage(role: .user, content: [.text("What is in this picture?"), .image(mediaType: "image/png", base64: "iVBORw0KGgo=")]),
    .assistant("Let me check.", toolCalls: [ToolCall(id: "call_1", name: "get_weather", argumentsJSON: "{\"city\":\"Oslo\"}")]),
    .toolResult(callId: "call_1", name: "get_weather", text: "sunny"),
    ChatMessage(role: .user, content: [.imageURL("https://example.com/cat.png"), .text("and this?")]),
]

import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

@Suite("OpenAI chat completions over the wire")
struct OpenAIChatTests {
    @Test func streamsTextWithUsageAndStopReason() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.streamedText(["Hel", "lo ", "world"]))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.textDeltaCount == 3)
        #expect(events.text == "Hello world")
        let response = try #require(events.response)
        #expect(response.text == "Hello world")
        #expect(response.stopReason == .stop)
        #expect(response.usage == Usage(inputTokens: MockUsage.inputTokens, outputTokens: MockUsage.outputTokens))
        #expect(response.modelRef == "mock/mock-model")
        let request = try #require(harness.server.requests().first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.body["stream"]?.boolValue == true)
        #expect(request.body["stream_options"]?["include_usage"]?.boolValue == true)
        #expect(request.model == "mock-model")
    }

    @Test func echoesWhenNothingIsQueued() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        let (events, error) = await harness.run(.hello("ping me"))
        #expect(error == nil)
        #expect(events.text == "echo: ping me")
        #expect(events.textDeltaCount > 1)
    }

    @Test func assemblesOneToolCall() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.toolCall(name: "get_weather", arguments: "{\"city\":\"Oslo, Norway\"}", id: "call_abc"))
        let (events, error) = await harness.run(ModelRequest(model: "x", messages: [.user("weather?")], tools: [weatherTool]))
        #expect(error == nil)
        #expect(events.toolCalls == [ToolCall(id: "call_abc", name: "get_weather", argumentsJSON: "{\"city\":\"Oslo, Norway\"}")])
        #expect(events.response?.stopReason == .toolUse)
        #expect(events.response?.toolCalls.count == 1)
        let body = try #require(harness.server.requests().first?.body)
        #expect(body["tools"]?[0]?["type"]?.stringValue == "function")
        #expect(body["tools"]?[0]?["function"]?["name"]?.stringValue == "get_weather")
        #expect(body["tools"]?[0]?["function"]?["parameters"]?["required"]?[0]?.stringValue == "city")
    }

    @Test func assemblesParallelToolCallsByIndex() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(
            .parallelToolCalls([
                MockToolCall(name: "get_weather", arguments: "{\"city\":\"Oslo\"}"),
                MockToolCall(name: "get_time", arguments: "{\"zone\":\"Europe/Berlin\"}"),
            ]))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(
            events.toolCalls == [
                ToolCall(id: "call_mock_0", name: "get_weather", argumentsJSON: "{\"city\":\"Oslo\"}"),
                ToolCall(id: "call_mock_1", name: "get_time", argumentsJSON: "{\"zone\":\"Europe/Berlin\"}"),
            ])
    }

    @Test func readsANonStreamingJSONAnswer() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.json(.textAndToolCalls("Checking", [MockToolCall(name: "get_weather", arguments: "{}", id: "c1")])))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.text == "Checking")
        #expect(events.toolCalls.map(\.id) == ["c1"])
        #expect(events.response?.usage.inputTokens == MockUsage.inputTokens)
        #expect(events.response?.stopReason == .toolUse)
    }

    @Test func encodesSystemImagesToolCallsAndResults() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        _ = await harness.run(ModelRequest(model: "x", system: "Be brief.", messages: toolConversation, maxTokens: 300, temperature: 0.2))
        let body = try #require(harness.server.requests().first?.body)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "tool", "user"])
        #expect(messages[0]["content"]?.stringValue == "Be brief.")
        #expect(messages[1]["content"]?[1]?["type"]?.stringValue == "image_url")
        #expect(messages[1]["content"]?[1]?["image_url"]?["url"]?.stringValue == "data:image/png;base64,iVBORw0KGgo=")
        #expect(messages[2]["tool_calls"]?[0]?["id"]?.stringValue == "call_1")
        #expect(messages[2]["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue == "{\"city\":\"Oslo\"}")
        #expect(messages[3]["tool_call_id"]?.stringValue == "call_1")
        #expect(messages[4]["content"]?[0]?["image_url"]?["url"]?.stringValue == "https://example.com/cat.png")
        #expect(body["max_tokens"]?.intValue == 300)
        #expect(body["temperature"]?.doubleValue == 0.2)
        #expect(body["reasoning_effort"] == nil)
        #expect(harness.server.requests().first?.toolResults.map(\.content) == ["sunny"])
    }

    @Test(arguments: [ThinkingLevel.minimal, .low, .medium, .high])
    func mapsThinkingToReasoningEffort(level: ThinkingLevel) async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        _ = await harness.run(ModelRequest(model: "x", messages: [.user("hi")], thinking: level))
        #expect(harness.server.requests().first?.body["reasoning_effort"]?.stringValue == level.rawValue)
    }

    @Test func sendsBearerAuthAndCustomHeaders() async throws {
        let harness = try await ModelHarness.start(headers: ["X-Title": "Talon", "HTTP-Referer": "https://talon.local"])
        defer { Task { await harness.stop() } }
        _ = await harness.run(.hello())
        let request = try #require(harness.server.requests().first)
        #expect(request.header("authorization") == "Bearer sk-test-secret")
        #expect(request.header("x-title") == "Talon")
        #expect(request.header("http-referer") == "https://talon.local")
        #expect(request.header("content-type") == "application/json")
    }

    @Test func omitsAuthorizationWithoutAKey() async throws {
        let harness = try await ModelHarness.start(apiKey: nil)
        defer { Task { await harness.stop() } }
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.response != nil)
        #expect(harness.server.requests().first?.header("authorization") == nil)
    }
}

@Suite("Mock model server")
struct MockModelServerTests {
    @Test func listsModelsAndRecordsRequests() async throws {
        let server = try await MockModelServer.start()
        defer { Task { await server.stop() } }
        let response = try await HTTPProbe(port: server.port).get("/v1/models")
        #expect(response.status == 200)
        #expect(response.text.contains("\"mock-model\""))
        #expect(server.requests().map(\.path) == ["/v1/models"])
        server.enqueue(.text("a"), .text("b"))
        #expect(server.pendingScenarios == 2)
        server.reset()
        #expect(server.pendingScenarios == 0)
        #expect(server.requests().isEmpty)
    }
}

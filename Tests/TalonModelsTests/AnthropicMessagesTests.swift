import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

@Suite("Anthropic Messages over the wire")
struct AnthropicMessagesTests {
    @Test func streamsTextWithUsageAndStopReason() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.streamedText(["Bonjour", " le", " monde"]))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.text == "Bonjour le monde")
        #expect(events.textDeltaCount == 3)
        let response = try #require(events.response)
        #expect(response.stopReason == .stop)
        #expect(response.usage == Usage(inputTokens: MockUsage.inputTokens, outputTokens: MockUsage.outputTokens))
        let request = try #require(harness.server.requests().first)
        #expect(request.path == "/v1/messages")
        #expect(request.body["max_tokens"]?.intValue == 4096)
        #expect(request.body["thinking"] == nil)
    }

    @Test func assemblesSequentialToolUseBlocks() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(
            .textAndToolCalls(
                "Let me look.",
                [
                    MockToolCall(name: "get_weather", arguments: "{\"city\":\"Paris\"}", id: "toolu_1"),
                    MockToolCall(name: "get_time", arguments: "{\"tz\":\"CET\"}", id: "toolu_2"),
                ]))
        let (events, error) = await harness.run(ModelRequest(model: "x", messages: [.user("?")], tools: [weatherTool]))
        #expect(error == nil)
        #expect(events.text == "Let me look.")
        #expect(
            events.toolCalls == [
                ToolCall(id: "toolu_1", name: "get_weather", argumentsJSON: "{\"city\":\"Paris\"}"),
                ToolCall(id: "toolu_2", name: "get_time", argumentsJSON: "{\"tz\":\"CET\"}"),
            ])
        #expect(events.response?.stopReason == .toolUse)
        let tool = try #require(harness.server.requests().first?.body["tools"]?[0])
        #expect(tool["name"]?.stringValue == "get_weather")
        #expect(tool["input_schema"]?["type"]?.stringValue == "object")
    }

    @Test func readsANonStreamingJSONAnswer() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.json(.toolCall(name: "get_weather", arguments: "{\"city\":\"Lima\"}", id: "toolu_9")))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.toolCalls == [ToolCall(id: "toolu_9", name: "get_weather", argumentsJSON: "{\"city\":\"Lima\"}")])
        #expect(events.response?.usage == Usage(inputTokens: MockUsage.inputTokens, outputTokens: MockUsage.outputTokens))
    }

    @Test func encodesToolUseResultsAndImages() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        var messages = toolConversation
        // Two results in a row must merge into one user turn, together with the following user text.
        messages.insert(.toolResult(callId: "call_2", name: "get_weather", text: "boom", isError: true), at: 3)
        _ = await harness.run(ModelRequest(model: "x", system: "Be brief.", messages: messages, temperature: 0.5))
        let request = try #require(harness.server.requests().first)
        let body = request.body
        #expect(body["system"]?.stringValue == "Be brief.")
        #expect(body["temperature"]?.doubleValue == 0.5)
        let turns = try #require(body["messages"]?.arrayValue)
        #expect(turns.map { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        let image = try #require(turns[0]["content"]?[1])
        #expect(image["type"]?.stringValue == "image")
        #expect(image["source"]?["type"]?.stringValue == "base64")
        #expect(image["source"]?["media_type"]?.stringValue == "image/png")
        #expect(turns[1]["content"]?[1]?["type"]?.stringValue == "tool_use")
        #expect(turns[1]["content"]?[1]?["input"]?["city"]?.stringValue == "Oslo")
        let userBlocks = try #require(turns[2]["content"]?.arrayValue)
        #expect(userBlocks.map { $0["type"]?.stringValue } == ["tool_result", "tool_result", "image", "text"])
        #expect(userBlocks[1]["is_error"]?.boolValue == true)
        #expect(userBlocks[2]["source"]?["url"]?.stringValue == "https://example.com/cat.png")
        #expect(
            request.toolResults == [
                MockToolResult(callId: "call_1", content: "sunny", isError: false),
                MockToolResult(callId: "call_2", content: "boom", isError: true),
            ])
    }

    @Test(arguments: [(ThinkingLevel.minimal, 1024), (.low, 2048), (.medium, 8192), (.high, 16_384)])
    func mapsThinkingToABudgetBelowMaxTokens(level: ThinkingLevel, budget: Int) async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        _ = await harness.run(ModelRequest(model: "x", messages: [.user("hi")], temperature: 0.3, thinking: level))
        let body = try #require(harness.server.requests().first?.body)
        #expect(body["thinking"]?["type"]?.stringValue == "enabled")
        #expect(body["thinking"]?["budget_tokens"]?.intValue == budget)
        #expect((body["max_tokens"]?.intValue ?? 0) > budget)
        #expect(body["temperature"] == nil)
    }

    @Test func usesTheModelsMaxTokens() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages, models: [["id": "mock-model", "maxTokens": 777]])
        defer { Task { await harness.stop() } }
        _ = await harness.run(.hello())
        #expect(harness.server.requests().first?.body["max_tokens"]?.intValue == 777)
    }

    @Test func sendsAPIKeyAndVersionHeaders() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages, headers: ["anthropic-beta": "tools-2024"])
        defer { Task { await harness.stop() } }
        _ = await harness.run(.hello())
        let request = try #require(harness.server.requests().first)
        #expect(request.header("x-api-key") == "sk-test-secret")
        #expect(request.header("anthropic-version") == "2023-06-01")
        #expect(request.header("anthropic-beta") == "tools-2024")
        #expect(request.header("authorization") == nil)
    }

    @Test func reportsTheAnthropicErrorMessage() async throws {
        let harness = try await ModelHarness.start(api: .anthropicMessages)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(
            .status(400, body: "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}}"))
        let (_, error) = await harness.run(.hello())
        #expect(error as? ModelError == .invalidRequest(provider: "mock", status: 400, message: "prompt is too long"))
    }
}

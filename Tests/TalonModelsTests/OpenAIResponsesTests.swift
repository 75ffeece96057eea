import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

@Suite("OpenAI Responses API over the wire")
struct OpenAIResponsesTests {
    @Test func streamsTextWithUsage() async throws {
        let harness = try await ModelHarness.start(api: .openAIResponses)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.streamedText(["One ", "two ", "three"]))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.text == "One two three")
        #expect(events.textDeltaCount == 3)
        let response = try #require(events.response)
        #expect(response.stopReason == .stop)
        #expect(response.usage == Usage(inputTokens: MockUsage.inputTokens, outputTokens: MockUsage.outputTokens))
        let request = try #require(harness.server.requests().first)
        #expect(request.path == "/v1/responses")
        #expect(request.body["stream"]?.boolValue == true)
        #expect(request.body["input"]?[0]?["content"]?[0]?["type"]?.stringValue == "input_text")
    }

    @Test func assemblesParallelFunctionCalls() async throws {
        let harness = try await ModelHarness.start(api: .openAIResponses)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(
            .textAndToolCalls(
                "Looking", [MockToolCall(name: "a", arguments: "{\"x\":[1,2,3]}"), MockToolCall(name: "b", arguments: "{\"y\":\"zz\"}")]))
        let (events, error) = await harness.run(ModelRequest(model: "x", messages: [.user("go")], tools: [weatherTool]))
        #expect(error == nil)
        #expect(events.text == "Looking")
        #expect(
            events.toolCalls == [
                ToolCall(id: "call_mock_0", name: "a", argumentsJSON: "{\"x\":[1,2,3]}"),
                ToolCall(id: "call_mock_1", name: "b", argumentsJSON: "{\"y\":\"zz\"}"),
            ])
        #expect(events.response?.stopReason == .toolUse)
        let tools = try #require(harness.server.requests().first?.body["tools"])
        #expect(tools[0]?["type"]?.stringValue == "function")
        #expect(tools[0]?["name"]?.stringValue == "get_weather")
    }

    @Test func readsANonStreamingJSONAnswer() async throws {
        let harness = try await ModelHarness.start(api: .openAIResponses)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.json(.toolCall(name: "get_weather", arguments: "{\"city\":\"Rome\"}", id: "call_r")))
        let (events, error) = await harness.run(.hello())
        #expect(error == nil)
        #expect(events.toolCalls == [ToolCall(id: "call_r", name: "get_weather", argumentsJSON: "{\"city\":\"Rome\"}")])
        #expect(events.response?.usage.outputTokens == MockUsage.outputTokens)
    }

    @Test func encodesInputItemsAndReasoning() async throws {
        let harness = try await ModelHarness.start(api: .openAIResponses)
        defer { Task { await harness.stop() } }
        _ = await harness.run(
            ModelRequest(model: "x", system: "Be brief.", messages: toolConversation, maxTokens: 100, thinking: .medium))
        let request = try #require(harness.server.requests().first)
        let body = request.body
        #expect(body["instructions"]?.stringValue == "Be brief.")
        #expect(body["reasoning"]?["effort"]?.stringValue == "medium")
        #expect(body["max_output_tokens"]?.intValue == 100)
        let items = try #require(body["input"]?.arrayValue)
        #expect(items.map { $0["type"]?.stringValue } == ["message", "message", "function_call", "function_call_output", "message"])
        #expect(items[0]["content"]?[1]?["type"]?.stringValue == "input_image")
        #expect(items[0]["content"]?[1]?["image_url"]?.stringValue == "data:image/png;base64,iVBORw0KGgo=")
        #expect(items[1]["content"]?[0]?["type"]?.stringValue == "output_text")
        #expect(items[2]["call_id"]?.stringValue == "call_1")
        #expect(items[3]["output"]?.stringValue == "sunny")
        #expect(items[4]["content"]?[0]?["image_url"]?.stringValue == "https://example.com/cat.png")
        #expect(request.toolResults.map(\.callId) == ["call_1"])
    }

    @Test func omitsReasoningWhenThinkingIsOff() async throws {
        let harness = try await ModelHarness.start(api: .openAIResponses)
        defer { Task { await harness.stop() } }
        _ = await harness.run(.hello())
        #expect(harness.server.requests().first?.body["reasoning"] == nil)
    }
}

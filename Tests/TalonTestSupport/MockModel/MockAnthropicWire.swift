/// Anthropic Messages events (`message_start` … `message_stop`) and `message` bodies.
struct MockAnthropicWire: MockWireRenderer {
    private func event(_ type: String, _ fields: String) -> String {
        sseFrame(event: type, "{\"type\":\"\(type)\"\(fields.isEmpty ? "" : ",")\(fields)}")
    }

    private func toolUse(_ call: MockToolCall, input: String) -> String {
        "{\"type\":\"tool_use\",\"id\":\(MockJSONText.string(call.id ?? "")),\"name\":\(MockJSONText.string(call.name)),\"input\":\(input)}"
    }

    func frames(_ answer: MockAnswer, model: String, ending: MockStreamEnding, includeUsage: Bool) -> [String] {
        let message =
            "{\"id\":\"msg_mock\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\(MockJSONText.string(model)),\"content\":[],"
            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":\(MockUsage.inputTokens),\"output_tokens\":1}}"
        var frames = [event("message_start", "\"message\":\(message)")]
        var index = 0
        if !answer.chunks.isEmpty {
            frames.append(event("content_block_start", "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}"))
            frames.append(event("ping", ""))
            for piece in answer.chunks {
                frames.append(
                    event("content_block_delta", "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\(MockJSONText.string(piece))}"))
            }
            frames.append(event("content_block_stop", "\"index\":0"))
            index = 1
        }
        // Content blocks are sequential in this API, so parallel calls follow one another.
        for call in answer.calls(idPrefix: "toolu_") {
            frames.append(event("content_block_start", "\"index\":\(index),\"content_block\":\(toolUse(call, input: "{}"))"))
            for part in MockAnswer.split(call.arguments) {
                let delta = "{\"type\":\"input_json_delta\",\"partial_json\":\(MockJSONText.string(part))}"
                frames.append(event("content_block_delta", "\"index\":\(index),\"delta\":\(delta)"))
            }
            if ending == .complete { frames.append(event("content_block_stop", "\"index\":\(index)")) }
            index += 1
        }
        guard ending == .complete else { return frames }
        let reason = answer.toolCalls.isEmpty ? "end_turn" : "tool_use"
        let delta =
            "\"delta\":{\"stop_reason\":\"\(reason)\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":\(MockUsage.outputTokens)}"
        frames.append(event("message_delta", delta))
        frames.append(event("message_stop", ""))
        return frames
    }

    func json(_ answer: MockAnswer, model: String) -> String {
        var blocks: [String] = []
        if !answer.chunks.isEmpty { blocks.append("{\"type\":\"text\",\"text\":\(MockJSONText.string(answer.text))}") }
        for call in answer.calls(idPrefix: "toolu_") { blocks.append(toolUse(call, input: call.arguments)) }
        let reason = answer.toolCalls.isEmpty ? "end_turn" : "tool_use"
        return "{\"id\":\"msg_mock\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\(MockJSONText.string(model)),"
            + "\"content\":[\(blocks.joined(separator: ","))],\"stop_reason\":\"\(reason)\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":\(MockUsage.inputTokens),\"output_tokens\":\(MockUsage.outputTokens)}}"
    }

    func errorBody(status: Int, message: String) -> String {
        let type =
            switch status {
            case 401: "authentication_error"
            case 403: "permission_error"
            case 429: "rate_limit_error"
            case 529: "overloaded_error"
            case 500...599: "api_error"
            default: "invalid_request_error"
            }
        return "{\"type\":\"error\",\"error\":{\"type\":\"\(type)\",\"message\":\(MockJSONText.string(message))}}"
    }
}

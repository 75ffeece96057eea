/// OpenAI Chat Completions chunks (`chat.completion.chunk`) and `chat.completion` bodies.
struct MockChatCompletionsWire: MockWireRenderer {
    private func chunk(_ model: String, choices: String, usage: String? = nil) -> String {
        let usagePart = usage.map { ",\"usage\":\($0)" } ?? ""
        let created = "\"created\":1700000000"
        let head = "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\(created),\"model\":\(MockJSONText.string(model))"
        return sseFrame(head + ",\"choices\":\(choices)\(usagePart)}")
    }

    private func delta(_ model: String, _ delta: String, finish: String? = nil) -> String {
        let reason = finish.map(MockJSONText.string) ?? "null"
        return chunk(model, choices: "[{\"index\":0,\"delta\":\(delta),\"finish_reason\":\(reason)}]")
    }

    private var usage: String {
        let total = MockUsage.inputTokens + MockUsage.outputTokens
        return "{\"prompt_tokens\":\(MockUsage.inputTokens),\"completion_tokens\":\(MockUsage.outputTokens),\"total_tokens\":\(total)}"
    }

    func frames(_ answer: MockAnswer, model: String, ending: MockStreamEnding, includeUsage: Bool) -> [String] {
        var frames = [delta(model, "{\"role\":\"assistant\",\"content\":\"\"}")]
        for piece in answer.chunks { frames.append(delta(model, "{\"content\":\(MockJSONText.string(piece))}")) }
        let calls = answer.calls(idPrefix: "call_")
        for (index, call) in calls.enumerated() {
            let start =
                "{\"index\":\(index),\"id\":\(MockJSONText.string(call.id ?? "")),\"type\":\"function\","
                + "\"function\":{\"name\":\(MockJSONText.string(call.name)),\"arguments\":\"\"}}"
            frames.append(delta(model, "{\"tool_calls\":[\(start)]}"))
        }
        // Argument fragments interleave across calls (index 0 part 1, index 1 part 1, …), as parallel calls do.
        let pieces = calls.map { MockAnswer.split($0.arguments) }
        for round in 0..<(pieces.map(\.count).max() ?? 0) {
            for (index, parts) in pieces.enumerated() where round < parts.count {
                let fragment = "{\"index\":\(index),\"function\":{\"arguments\":\(MockJSONText.string(parts[round]))}}"
                frames.append(delta(model, "{\"tool_calls\":[\(fragment)]}"))
            }
        }
        guard ending == .complete else { return frames }
        frames.append(delta(model, "{}", finish: calls.isEmpty ? "stop" : "tool_calls"))
        if includeUsage { frames.append(chunk(model, choices: "[]", usage: usage)) }
        frames.append(sseFrame("[DONE]"))
        return frames
    }

    func json(_ answer: MockAnswer, model: String) -> String {
        let calls = answer.calls(idPrefix: "call_").map { call in
            "{\"id\":\(MockJSONText.string(call.id ?? "")),\"type\":\"function\",\"function\":{\"name\":\(MockJSONText.string(call.name)),"
                + "\"arguments\":\(MockJSONText.string(call.arguments))}}"
        }
        let content = answer.text.isEmpty && !calls.isEmpty ? "null" : MockJSONText.string(answer.text)
        let toolPart = calls.isEmpty ? "" : ",\"tool_calls\":[\(calls.joined(separator: ","))]"
        let message = "{\"role\":\"assistant\",\"content\":\(content)\(toolPart)}"
        let finish = calls.isEmpty ? "stop" : "tool_calls"
        return "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\(MockJSONText.string(model)),"
            + "\"choices\":[{\"index\":0,\"message\":\(message),\"finish_reason\":\"\(finish)\"}],\"usage\":\(usage)}"
    }

    func errorBody(status: Int, message: String) -> String {
        let type = status == 429 ? "rate_limit_exceeded" : status == 401 ? "invalid_request_error" : "server_error"
        return "{\"error\":{\"message\":\(MockJSONText.string(message)),\"type\":\"\(type)\",\"param\":null,\"code\":null}}"
    }
}

/// OpenAI Responses API events and `response` bodies.
struct MockResponsesWire: MockWireRenderer {
    private var usage: String {
        let total = MockUsage.inputTokens + MockUsage.outputTokens
        return "{\"input_tokens\":\(MockUsage.inputTokens),\"output_tokens\":\(MockUsage.outputTokens),\"total_tokens\":\(total)}"
    }

    private func event(_ type: String, _ fields: String) -> String {
        sseFrame(event: type, "{\"type\":\"\(type)\",\(fields)}")
    }

    private func messageItem(_ text: String, status: String) -> String {
        "{\"type\":\"message\",\"id\":\"msg_mock\",\"status\":\"\(status)\",\"role\":\"assistant\","
            + "\"content\":[{\"type\":\"output_text\",\"text\":\(MockJSONText.string(text)),\"annotations\":[]}]}"
    }

    private func callItem(_ call: MockToolCall, index: Int, arguments: String, status: String) -> String {
        "{\"type\":\"function_call\",\"id\":\"fc_mock_\(index)\",\"call_id\":\(MockJSONText.string(call.id ?? "")),"
            + "\"name\":\(MockJSONText.string(call.name)),\"arguments\":\(MockJSONText.string(arguments)),\"status\":\"\(status)\"}"
    }

    private func outputItems(_ answer: MockAnswer) -> [String] {
        let offset = answer.chunks.isEmpty ? 0 : 1
        return (answer.chunks.isEmpty ? [] : [messageItem(answer.text, status: "completed")])
            + answer.calls(idPrefix: "call_").enumerated().map {
                callItem($1, index: $0 + offset, arguments: $1.arguments, status: "completed")
            }
    }

    private func response(_ answer: MockAnswer, model: String, status: String) -> String {
        let output = status == "in_progress" ? "" : outputItems(answer).joined(separator: ",")
        let usagePart = status == "in_progress" ? "null" : usage
        return "{\"id\":\"resp_mock\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"\(status)\","
            + "\"model\":\(MockJSONText.string(model)),\"output\":[\(output)],\"usage\":\(usagePart)}"
    }

    func frames(_ answer: MockAnswer, model: String, ending: MockStreamEnding, includeUsage: Bool) -> [String] {
        var frames = [event("response.created", "\"response\":\(response(answer, model: model, status: "in_progress"))")]
        if !answer.chunks.isEmpty {
            frames.append(event("response.output_item.added", "\"output_index\":0,\"item\":\(messageItem("", status: "in_progress"))"))
            for piece in answer.chunks {
                let fields = "\"item_id\":\"msg_mock\",\"output_index\":0,\"content_index\":0,\"delta\":\(MockJSONText.string(piece))"
                frames.append(event("response.output_text.delta", fields))
            }
            frames.append(
                event("response.output_item.done", "\"output_index\":0,\"item\":\(messageItem(answer.text, status: "completed"))"))
        }
        let offset = answer.chunks.isEmpty ? 0 : 1
        let calls = answer.calls(idPrefix: "call_")
        for (index, call) in calls.enumerated() {
            let item = callItem(call, index: index + offset, arguments: "", status: "in_progress")
            frames.append(event("response.output_item.added", "\"output_index\":\(index + offset),\"item\":\(item)"))
        }
        let pieces = calls.map { MockAnswer.split($0.arguments) }
        for round in 0..<(pieces.map(\.count).max() ?? 0) {
            for (index, parts) in pieces.enumerated() where round < parts.count {
                let fields =
                    "\"item_id\":\"fc_mock_\(index + offset)\",\"output_index\":\(index + offset),\"delta\":\(MockJSONText.string(parts[round]))"
                frames.append(event("response.function_call_arguments.delta", fields))
            }
        }
        guard ending == .complete else { return frames }
        for (index, call) in calls.enumerated() {
            let item = callItem(call, index: index + offset, arguments: call.arguments, status: "completed")
            frames.append(event("response.output_item.done", "\"output_index\":\(index + offset),\"item\":\(item)"))
        }
        frames.append(event("response.completed", "\"response\":\(response(answer, model: model, status: "completed"))"))
        return frames
    }

    func json(_ answer: MockAnswer, model: String) -> String {
        response(answer, model: model, status: "completed")
    }

    func errorBody(status: Int, message: String) -> String {
        MockChatCompletionsWire().errorBody(status: status, message: message)
    }
}

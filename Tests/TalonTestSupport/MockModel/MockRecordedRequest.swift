/// Which wire API a recorded request used.
public enum MockWireAPI: String, Sendable, Hashable {
    case chatCompletions, responses, anthropicMessages, other
}

/// A tool result the client sent back, in any of the three APIs.
public struct MockToolResult: Sendable, Hashable {
    public var callId: String
    public var content: String
    public var isError: Bool

    public init(callId: String, content: String, isError: Bool = false) {
        self.callId = callId
        self.content = content
        self.isError = isError
    }
}

/// One request the mock received, for assertions.
public struct MockRecordedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var bodyText: String
    /// The parsed body (`.null` when it was not JSON).
    public var body: MockJSON

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var api: MockWireAPI {
        switch path {
        case "/v1/chat/completions": .chatCompletions
        case "/v1/responses": .responses
        case "/v1/messages": .anthropicMessages
        default: .other
        }
    }

    public var model: String? { body["model"]?.stringValue }
    public var isStreaming: Bool { body["stream"]?.boolValue ?? false }

    /// The conversation entries: `messages` (chat, Anthropic) or `input` items (Responses).
    public var messages: [MockJSON] {
        body["messages"]?.arrayValue ?? body["input"]?.arrayValue ?? []
    }

    /// Text of the last user message that has text (tool results are not user text).
    public var lastUserText: String? {
        if case .string(let input)? = body["input"] { return input }
        for message in messages.reversed() where message["role"]?.stringValue == "user" {
            if let text = Self.text(of: message["content"]), !text.isEmpty { return text }
        }
        return nil
    }

    /// Tool results sent back to the model, in order.
    public var toolResults: [MockToolResult] {
        var results: [MockToolResult] = []
        for message in messages {
            switch (message["role"]?.stringValue, message["type"]?.stringValue) {
            case ("tool", _):
                results.append(
                    MockToolResult(
                        callId: message["tool_call_id"]?.stringValue ?? "", content: Self.text(of: message["content"]) ?? "",
                        isError: false))
            case (_, "function_call_output"):
                results.append(
                    MockToolResult(
                        callId: message["call_id"]?.stringValue ?? "", content: message["output"]?.stringValue ?? "", isError: false))
            case ("user", _):
                for block in message["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "tool_result" {
                    results.append(
                        MockToolResult(
                            callId: block["tool_use_id"]?.stringValue ?? "", content: Self.text(of: block["content"]) ?? "",
                            isError: block["is_error"]?.boolValue ?? false))
                }
            default:
                break
            }
        }
        return results
    }

    /// Text of a content value: a string, or the text parts of a part/block array.
    static func text(of content: MockJSON?) -> String? {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?:
            let texts = parts.compactMap { part -> String? in
                switch part["type"]?.stringValue {
                case "text", "input_text", "output_text": part["text"]?.stringValue
                default: nil
                }
            }
            return texts.joined()
        default: return nil
        }
    }
}

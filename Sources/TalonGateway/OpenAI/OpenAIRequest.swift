import FoundationEssentials
import HTTPTypes
import TalonAgent
import TalonCore
import TalonModels

/// A parsed `POST /v1/chat/completions` body, turned into one agent run.
struct OpenAIChatRequest: Sendable {
    var agentId: String
    var requestModel: String
    var stream: Bool
    var includeUsage: Bool
    var message: String
    var images: [ContentPart]
    var systemPrompt: String?
    var user: String?

    static let maxImages = 8

    /// `openclaw`, `openclaw/default`, `openclaw/<agentId>`, `openclaw:<agentId>`, `agent:<id>` → agent id.
    static func agentId(fromModel model: String, defaultAgentId: String) -> String? {
        let lowered = model.lowercased()
        if lowered == "openclaw" || lowered == "openclaw/default" || lowered == "openclaw:default" { return defaultAgentId }
        for prefix in ["openclaw/", "openclaw:", "agent:"] where lowered.hasPrefix(prefix) {
            let id = String(lowered.dropFirst(prefix.count))
            return id.isEmpty ? nil : id
        }
        return nil
    }

    static func parse(_ body: JSONValue, config: TalonConfig) throws(OpenAIError) -> OpenAIChatRequest {
        guard body.objectValue != nil else { throw .invalid("request body must be a JSON object") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw .invalid("missing required parameter: 'model'") }
        guard let agentId = agentId(fromModel: model, defaultAgentId: config.agents.defaultAgentId) else {
            throw .invalid("model must be 'openclaw', 'openclaw/<agentId>' or 'agent:<agentId>' (got '\(model)')")
        }
        guard agentId == config.agents.defaultAgentId || config.agents.entry(id: agentId) != nil else {
            throw OpenAIError(
                status: .notFound, message: "unknown agent '\(agentId)'", type: "invalid_request_error", code: "model_not_found")
        }
        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else {
            throw .invalid("missing required parameter: 'messages' (a non-empty array)")
        }
        var system: [String] = []
        var turns: [(role: String, text: String)] = []
        var images: [ContentPart] = []
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue else { throw .invalid("messages[\(index)].role is required") }
            let (text, parts) = try content(message["content"], index: index)
            switch role {
            case "system", "developer": system.append(text)
            case "user", "assistant", "tool": turns.append((role, text))
            default: throw .invalid("messages[\(index)].role '\(role)' is not supported")
            }
            if role == "user", index == messages.count - 1 { images = parts }
        }
        guard let last = turns.last, last.role == "user" else { throw .invalid("the last message must have role 'user'") }
        guard images.count <= maxImages else { throw .invalid("at most \(maxImages) image parts per request") }
        // Earlier turns of a stateless request travel as context in the prompt (the gateway keeps no state for it).
        var text = last.text
        if turns.count > 1 {
            let earlier = turns.dropLast().map { "\($0.role): \($0.text)" }.joined(separator: "\n")
            text = "Conversation so far:\n\(earlier)\n\nLatest user message:\n\(last.text)"
        }
        return OpenAIChatRequest(
            agentId: agentId, requestModel: model, stream: body["stream"]?.boolValue ?? false,
            includeUsage: body["stream_options"]?["include_usage"]?.boolValue ?? false, message: text, images: images,
            systemPrompt: system.isEmpty ? nil : system.joined(separator: "\n\n"), user: body["user"]?.stringValue)
    }

    /// Text of a message's `content` (string or parts) and its image parts.
    private static func content(_ value: JSONValue?, index: Int) throws(OpenAIError) -> (String, [ContentPart]) {
        switch value {
        case .string(let text)?: return (text, [])
        case .null?, nil: return ("", [])
        case .array(let parts)?:
            var texts: [String] = []
            var images: [ContentPart] = []
            for part in parts {
                switch part["type"]?.stringValue {
                case "text": texts.append(part["text"]?.stringValue ?? "")
                case "image_url":
                    let url = part["image_url"]?["url"]?.stringValue ?? part["image_url"]?.stringValue ?? ""
                    guard let image = dataURLImage(url) else {
                        throw .invalid("messages[\(index)]: only data: URL images are accepted (URL images are off)")
                    }
                    images.append(image)
                default: throw .invalid("messages[\(index)]: unsupported content part type")
                }
            }
            return (texts.joined(separator: "\n"), images)
        default: throw .invalid("messages[\(index)].content must be a string or an array of parts")
        }
    }

    /// `data:image/png;base64,…` → an inline image part.
    static func dataURLImage(_ url: String) -> ContentPart? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mediaType = String(header.dropLast(7))
        guard mediaType.hasPrefix("image/") else { return nil }
        return .image(mediaType: mediaType, base64: String(url[url.index(after: comma)...]))
    }
}

/// An error in OpenAI's shape: `{"error":{"message","type","code"}}`.
struct OpenAIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var code: String?

    static func invalid(_ message: String) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", code: nil)
    }

    var json: JSONValue {
        ["error": ["message": .string(message), "type": .string(type), "code": code.map(JSONValue.string) ?? .null]]
    }
}

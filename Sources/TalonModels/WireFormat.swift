import TalonCore

/// What one wire API contributes to `HTTPModelProvider`: the endpoint, headers, the JSON request
/// body, and parsers for the streamed (SSE) and the whole-JSON answer.
protocol WireFormat: Sendable {
    func endpoint(baseURL: String) -> String
    func authHeaders(apiKey: String?) -> [(String, String)]
    func body(for request: ModelRequest, settings: ProviderSettings) -> JSONValue
    /// Maps one SSE event to stream events, updating `assembler`.
    func handle(_ event: SSEEvent, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) -> [ModelStreamEvent]
    /// Reads a complete non-streaming JSON answer into `assembler`.
    func decodeWhole(_ json: JSONValue, into assembler: inout ResponseAssembler, provider: String) throws(ModelError)
}

extension WireFormat {
    /// OpenAI-style `Authorization: Bearer <key>` (no header without a key, e.g. a local Ollama).
    func authHeaders(apiKey: String?) -> [(String, String)] {
        apiKey.map { [("authorization", "Bearer \($0)")] } ?? []
    }
}

extension WireAPI {
    var format: any WireFormat {
        switch self {
        case .openAICompletions: OpenAIChatFormat()
        case .openAIResponses: OpenAIResponsesFormat()
        case .anthropicMessages: AnthropicMessagesFormat()
        }
    }
}

/// Helpers shared by the request builders.
enum WireJSON {
    /// `data:` URL for inline images (OpenAI accepts images only as URLs).
    static func dataURL(mediaType: String, base64: String) -> String {
        "data:\(mediaType);base64,\(base64)"
    }

    static func number(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// Parses tool-call arguments for APIs that want an object; invalid text becomes `{}`
    /// (the agent already reported the bad arguments to the model as a tool error).
    static func argumentsObject(_ text: String) -> JSONValue {
        guard let value = try? JSON5.parse(text), value.objectValue != nil else { return .object([:]) }
        return value
    }

    /// Messages with the `.system` role are folded into the system prompt by every API.
    static func systemText(_ request: ModelRequest) -> String? {
        let inline = request.messages.filter { $0.role == .system }.map(\.text)
        let parts = ((request.system.map { [$0] } ?? []) + inline).filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}

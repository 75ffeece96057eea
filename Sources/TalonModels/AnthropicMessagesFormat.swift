import TalonCore

/// Anthropic Messages API (`POST {baseURL}/v1/messages`): content blocks, `tool_use`/`tool_result`,
/// and the `message_start … message_stop` event stream.
struct AnthropicMessagesFormat: WireFormat {
    static let version = "2023-06-01"
    static let defaultMaxTokens = 4096

    func endpoint(baseURL: String) -> String {
        baseURL.hasSuffix("/v1") ? baseURL + "/messages" : baseURL + "/v1/messages"
    }

    func authHeaders(apiKey: String?) -> [(String, String)] {
        (apiKey.map { [("x-api-key", $0)] } ?? []) + [("anthropic-version", Self.version)]
    }

    static func thinkingBudget(_ level: ThinkingLevel) -> Int? {
        switch level {
        case .off: nil
        case .minimal: 1024
        case .low: 2048
        case .medium: 8192
        case .high: 16_384
        }
    }

    func body(for request: ModelRequest, settings: ProviderSettings) -> JSONValue {
        var maxTokens = request.maxTokens ?? settings.model(request.model)?.maxTokens ?? Self.defaultMaxTokens
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            "messages": .array(messages(request)),
        ]
        if let system = WireJSON.systemText(request) { body["system"] = .string(system) }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool -> JSONValue in
                    ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.parameters]
                })
        }
        if let budget = Self.thinkingBudget(request.thinking) {
            // max_tokens counts the thinking budget, and must exceed it.
            if maxTokens <= budget { maxTokens = budget + max(maxTokens, 1024) }
            body["thinking"] = ["type": "enabled", "budget_tokens": WireJSON.number(budget)]
        } else if let temperature = request.temperature {
            // Extended thinking only allows the default temperature.
            body["temperature"] = .number(temperature)
        }
        body["max_tokens"] = WireJSON.number(maxTokens)
        return .object(body)
    }

    /// Tool results become `tool_result` blocks in a user turn; consecutive same-role turns merge,
    /// since the API wants user and assistant turns to alternate.
    private func messages(_ request: ModelRequest) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        func add(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        for message in request.messages {
            switch message.role {
            case .system:
                continue
            case .user:
                add("user", message.content.map(block))
            case .assistant:
                var blocks: [JSONValue] = message.text.isEmpty ? [] : [["type": "text", "text": .string(message.text)]]
                for call in message.toolCalls {
                    blocks.append([
                        "type": "tool_use", "id": .string(call.id), "name": .string(call.name),
                        "input": WireJSON.argumentsObject(call.argumentsJSON),
                    ])
                }
                add("assistant", blocks)
            case .tool:
                var result: [String: JSONValue] = [
                    "type": "tool_result", "tool_use_id": .string(message.toolCallId ?? ""),
                    "content": .array(message.content.map(block)),
                ]
                if message.isError { result["is_error"] = true }
                add("user", [.object(result)])
            }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    private func block(_ part: ContentPart) -> JSONValue {
        switch part {
        case .text(let text): ["type": "text", "text": .string(text)]
        case .image(let mediaType, let base64):
            ["type": "image", "source": ["type": "base64", "media_type": .string(mediaType), "data": .string(base64)]]
        case .imageURL(let url): ["type": "image", "source": ["type": "url", "url": .string(url)]]
        }
    }

    func handle(_ event: SSEEvent, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) -> [ModelStreamEvent] {
        let json = try parseWireJSON(event.data, provider: provider, context: "stream")
        let index = json["index"]?.intValue ?? 0
        switch json["type"]?.stringValue ?? event.event ?? "" {
        case "message_start":
            if let usage = json["message"]?["usage"] { assembler.usage = Self.usage(usage, over: assembler.usage) }
        case "content_block_start":
            if let block = json["content_block"], block["type"]?.stringValue == "tool_use" {
                assembler.startToolCall(index: index, id: block["id"]?.stringValue, name: block["name"]?.stringValue)
            }
        case "content_block_delta":
            let delta = json["delta"] ?? .null
            switch delta["type"]?.stringValue {
            case "text_delta": return assembler.appendText(delta["text"]?.stringValue ?? "").map { [$0] } ?? []
            case "input_json_delta": assembler.appendArguments(index: index, delta["partial_json"]?.stringValue ?? "")
            default: break  // thinking_delta, signature_delta: not surfaced
            }
        case "content_block_stop":
            return assembler.completeToolCall(index: index).map { [$0] } ?? []
        case "message_delta":
            if let reason = json["delta"]?["stop_reason"]?.stringValue { assembler.stopReason = Self.stopReason(reason) }
            if let usage = json["usage"] { assembler.usage = Self.usage(usage, over: assembler.usage) }
        case "message_stop":
            assembler.isComplete = true
            return assembler.completeAllToolCalls()
        case "error":
            throw Self.streamError(json["error"] ?? .null, provider: provider)
        default:
            break  // ping
        }
        return []
    }

    func decodeWhole(_ json: JSONValue, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) {
        if json["type"]?.stringValue == "error" { throw Self.streamError(json["error"] ?? .null, provider: provider) }
        guard let content = json["content"]?.arrayValue else {
            throw .malformed(provider: provider, message: "message without a content array")
        }
        for (index, block) in content.enumerated() {
            switch block["type"]?.stringValue {
            case "text":
                _ = assembler.appendText(block["text"]?.stringValue ?? "")
            case "tool_use":
                assembler.startToolCall(index: index, id: block["id"]?.stringValue, name: block["name"]?.stringValue)
                _ = assembler.completeToolCall(index: index, finalArguments: (block["input"] ?? .object([:])).serialized())
            default:
                break
            }
        }
        if let usage = json["usage"] { assembler.usage = Self.usage(usage, over: Usage()) }
        assembler.stopReason = json["stop_reason"]?.stringValue.map(Self.stopReason) ?? .stop
        assembler.isComplete = true
    }

    /// message_start carries input tokens, message_delta the running output count; keep what each has.
    static func usage(_ json: JSONValue, over current: Usage) -> Usage {
        let input =
            (json["input_tokens"]?.intValue).map {
                $0 + (json["cache_read_input_tokens"]?.intValue ?? 0) + (json["cache_creation_input_tokens"]?.intValue ?? 0)
            }
        return Usage(inputTokens: input ?? current.inputTokens, outputTokens: json["output_tokens"]?.intValue ?? current.outputTokens)
    }

    static func stopReason(_ reason: String) -> StopReason {
        switch reason {
        case "end_turn", "stop_sequence", "pause_turn": .stop
        case "tool_use": .toolUse
        case "max_tokens": .length
        case "refusal": .refusal
        default: .unknown
        }
    }

    static func streamError(_ error: JSONValue, provider: String) -> ModelError {
        let message = error["message"]?.stringValue ?? error.serialized()
        if error["type"]?.stringValue == "overloaded_error" {
            return .rateLimited(provider: provider, status: 529, retryAfterSeconds: nil)
        }
        return .server(provider: provider, status: 200, message: message)
    }
}

import Foundation
import TalonCore

/// OpenAI Chat Completions (`POST {baseURL}/chat/completions`), also spoken by Ollama, vLLM,
/// LM Studio, OpenRouter and most self-hosted servers.
struct OpenAIChatFormat: WireFormat {
    func endpoint(baseURL: String) -> String { baseURL + "/chat/completions" }

    func body(for request: ModelRequest, settings: ProviderSettings) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            "stream_options": ["include_usage": true],
            "messages": .array(messages(request)),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool -> JSONValue in
                    [
                        "type": "function",
                        "function": [
                            "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters,
                        ],
                    ]
                })
        }
        if let maxTokens = request.maxTokens {
            // api.openai.com deprecated max_tokens (reasoning models reject it); compatible servers know only max_tokens.
            let field = URL(string: settings.baseURL)?.host == "api.openai.com" ? "max_completion_tokens" : "max_tokens"
            body[field] = WireJSON.number(maxTokens)
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if request.thinking != .off { body["reasoning_effort"] = .string(request.thinking.rawValue) }
        return .object(body)
    }

    private func messages(_ request: ModelRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        if let system = WireJSON.systemText(request) { out.append(["role": "system", "content": .string(system)]) }
        for message in request.messages {
            switch message.role {
            case .system:
                continue
            case .user:
                out.append(["role": "user", "content": content(message.content)])
            case .assistant:
                var entry: [String: JSONValue] = ["role": "assistant", "content": message.text.isEmpty ? .null : .string(message.text)]
                if !message.toolCalls.isEmpty {
                    entry["tool_calls"] = .array(
                        message.toolCalls.map { call -> JSONValue in
                            [
                                "id": .string(call.id), "type": "function",
                                "function": ["name": .string(call.name), "arguments": .string(call.argumentsJSON)],
                            ]
                        })
                }
                out.append(.object(entry))
            case .tool:
                out.append(["role": "tool", "tool_call_id": .string(message.toolCallId ?? ""), "content": .string(message.text)])
                // Tool messages carry text only; images a tool returned follow as a user message.
                let images = message.content.filter { if case .text = $0 { false } else { true } }
                if !images.isEmpty {
                    out.append(["role": "user", "content": content([.text("(images returned by the tool)")] + images)])
                }
            }
        }
        return out
    }

    private func content(_ parts: [ContentPart]) -> JSONValue {
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) {
            return .string(parts.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined())
        }
        return .array(
            parts.map { part -> JSONValue in
                switch part {
                case .text(let text): ["type": "text", "text": .string(text)]
                case .image(let mediaType, let base64):
                    ["type": "image_url", "image_url": ["url": .string(WireJSON.dataURL(mediaType: mediaType, base64: base64))]]
                case .imageURL(let url): ["type": "image_url", "image_url": ["url": .string(url)]]
                }
            })
    }

    func handle(_ event: SSEEvent, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) -> [ModelStreamEvent] {
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" {
            assembler.isComplete = true
            return assembler.completeAllToolCalls()
        }
        let json = try parseWireJSON(data, provider: provider, context: "stream")
        if let error = json["error"], !error.isNull {
            throw .server(provider: provider, status: 200, message: error["message"]?.stringValue ?? error.serialized())
        }
        var events: [ModelStreamEvent] = []
        if let usage = json["usage"], !usage.isNull { assembler.usage = Self.usage(usage) }
        guard let choice = json["choices"]?[0] else { return events }
        let delta = choice["delta"] ?? choice["message"] ?? .null
        if let text = delta["content"]?.stringValue, let event = assembler.appendText(text) { events.append(event) }
        for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
            let index = call["index"]?.intValue ?? position
            assembler.startToolCall(index: index, id: call["id"]?.stringValue, name: call["function"]?["name"]?.stringValue)
            if let arguments = call["function"]?["arguments"]?.stringValue { assembler.appendArguments(index: index, arguments) }
        }
        if let reason = choice["finish_reason"]?.stringValue {
            assembler.stopReason = Self.stopReason(reason)
            // Some compatible servers end with finish_reason and no [DONE]; that is a complete answer too.
            assembler.isComplete = true
            events += assembler.completeAllToolCalls()
        }
        return events
    }

    func decodeWhole(_ json: JSONValue, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) {
        guard let choice = json["choices"]?[0], let message = choice["message"] else {
            throw .malformed(provider: provider, message: "chat completion without choices[0].message")
        }
        _ = assembler.appendText(message["content"]?.stringValue ?? "")
        for (index, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            assembler.startToolCall(index: index, id: call["id"]?.stringValue, name: call["function"]?["name"]?.stringValue)
            assembler.appendArguments(index: index, call["function"]?["arguments"]?.stringValue ?? "")
        }
        _ = assembler.completeAllToolCalls()
        if let usage = json["usage"] { assembler.usage = Self.usage(usage) }
        assembler.stopReason = choice["finish_reason"]?.stringValue.map(Self.stopReason) ?? .stop
        assembler.isComplete = true
    }

    static func usage(_ json: JSONValue) -> Usage {
        Usage(inputTokens: json["prompt_tokens"]?.intValue ?? 0, outputTokens: json["completion_tokens"]?.intValue ?? 0)
    }

    static func stopReason(_ reason: String) -> StopReason {
        switch reason {
        case "stop": .stop
        case "tool_calls", "function_call": .toolUse
        case "length": .length
        case "content_filter": .refusal
        default: .unknown
        }
    }
}

import TalonCore

/// OpenAI Responses API (`POST {baseURL}/responses`): typed input items in, typed SSE events out.
struct OpenAIResponsesFormat: WireFormat {
    func endpoint(baseURL: String) -> String { baseURL + "/responses" }

    func body(for request: ModelRequest, settings: ProviderSettings) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            // Talon keeps the transcript itself; nothing needs to live on the provider side.
            "store": false,
            "input": .array(input(request)),
        ]
        if let system = WireJSON.systemText(request) { body["instructions"] = .string(system) }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool -> JSONValue in
                    [
                        "type": "function", "name": .string(tool.name), "description": .string(tool.description),
                        "parameters": tool.parameters,
                    ]
                })
        }
        if let maxTokens = request.maxTokens { body["max_output_tokens"] = WireJSON.number(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if request.thinking != .off { body["reasoning"] = ["effort": .string(request.thinking.rawValue)] }
        return .object(body)
    }

    private func input(_ request: ModelRequest) -> [JSONValue] {
        var items: [JSONValue] = []
        for message in request.messages {
            switch message.role {
            case .system:
                continue
            case .user:
                items.append(["type": "message", "role": "user", "content": .array(message.content.map(inputPart))])
            case .assistant:
                if !message.text.isEmpty {
                    items.append([
                        "type": "message", "role": "assistant", "content": [["type": "output_text", "text": .string(message.text)]],
                    ])
                }
                for call in message.toolCalls {
                    items.append([
                        "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
                        "arguments": .string(call.argumentsJSON),
                    ])
                }
            case .tool:
                items.append([
                    "type": "function_call_output", "call_id": .string(message.toolCallId ?? ""), "output": .string(message.text),
                ])
                let images = message.content.filter { if case .text = $0 { false } else { true } }
                if !images.isEmpty {
                    let parts = [inputPart(.text("(images returned by the tool)"))] + images.map(inputPart)
                    items.append(["type": "message", "role": "user", "content": .array(parts)])
                }
            }
        }
        return items
    }

    private func inputPart(_ part: ContentPart) -> JSONValue {
        switch part {
        case .text(let text): ["type": "input_text", "text": .string(text)]
        case .image(let mediaType, let base64):
            ["type": "input_image", "image_url": .string(WireJSON.dataURL(mediaType: mediaType, base64: base64))]
        case .imageURL(let url): ["type": "input_image", "image_url": .string(url)]
        }
    }

    func handle(_ event: SSEEvent, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) -> [ModelStreamEvent] {
        let json = try parseWireJSON(event.data, provider: provider, context: "stream")
        let index = json["output_index"]?.intValue ?? 0
        switch json["type"]?.stringValue ?? event.event ?? "" {
        case "response.output_text.delta":
            return assembler.appendText(json["delta"]?.stringValue ?? "").map { [$0] } ?? []
        case "response.output_item.added":
            if let item = json["item"], item["type"]?.stringValue == "function_call" {
                assembler.startToolCall(index: index, id: item["call_id"]?.stringValue, name: item["name"]?.stringValue)
                if let arguments = item["arguments"]?.stringValue { assembler.appendArguments(index: index, arguments) }
            }
        case "response.function_call_arguments.delta":
            assembler.appendArguments(index: index, json["delta"]?.stringValue ?? "")
        case "response.output_item.done":
            if let item = json["item"], item["type"]?.stringValue == "function_call" {
                assembler.startToolCall(index: index, id: item["call_id"]?.stringValue, name: item["name"]?.stringValue)
                return assembler.completeToolCall(index: index, finalArguments: item["arguments"]?.stringValue).map { [$0] } ?? []
            }
        case "response.completed", "response.incomplete":
            let response = json["response"] ?? .null
            if let usage = response["usage"] { assembler.usage = Self.usage(usage) }
            assembler.stopReason = Self.stopReason(response)
            assembler.isComplete = true
            return assembler.completeAllToolCalls()
        case "response.failed":
            let message = json["response"]?["error"]?["message"]?.stringValue ?? "the response failed"
            throw .server(provider: provider, status: 200, message: message)
        case "error":
            throw .server(provider: provider, status: 200, message: json["message"]?.stringValue ?? json.serialized())
        default:
            break
        }
        return []
    }

    func decodeWhole(_ json: JSONValue, into assembler: inout ResponseAssembler, provider: String) throws(ModelError) {
        guard let output = json["output"]?.arrayValue else {
            throw .malformed(provider: provider, message: "response without an output array")
        }
        for (index, item) in output.enumerated() {
            switch item["type"]?.stringValue {
            case "message":
                for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "output_text" {
                    _ = assembler.appendText(part["text"]?.stringValue ?? "")
                }
            case "function_call":
                assembler.startToolCall(index: index, id: item["call_id"]?.stringValue, name: item["name"]?.stringValue)
                _ = assembler.completeToolCall(index: index, finalArguments: item["arguments"]?.stringValue)
            default:
                break
            }
        }
        if let usage = json["usage"] { assembler.usage = Self.usage(usage) }
        assembler.stopReason = Self.stopReason(json)
        assembler.isComplete = true
    }

    static func usage(_ json: JSONValue) -> Usage {
        Usage(inputTokens: json["input_tokens"]?.intValue ?? 0, outputTokens: json["output_tokens"]?.intValue ?? 0)
    }

    /// `status` plus `incomplete_details.reason` of a response object.
    static func stopReason(_ response: JSONValue) -> StopReason {
        guard response["status"]?.stringValue == "incomplete" else { return .stop }
        switch response["incomplete_details"]?["reason"]?.stringValue {
        case "max_output_tokens": return .length
        case "content_filter": return .refusal
        default: return .unknown
        }
    }
}

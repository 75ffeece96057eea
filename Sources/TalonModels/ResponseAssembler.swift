import TalonCore

/// Accumulates one model answer while it streams: text, tool calls assembled by index, usage and the
/// stop reason. Shared by the three wire formats so each only maps its own event shapes.
struct ResponseAssembler: Sendable {
    private struct PendingCall: Sendable {
        var id: String
        var name: String
        var arguments: String
        var emitted = false
    }

    private(set) var text = ""
    private(set) var toolCalls: [ToolCall] = []
    var usage = Usage()
    var stopReason: StopReason?
    /// Set when the wire format saw its end marker (`[DONE]`, `message_stop`, `response.completed`).
    var isComplete = false
    private var pending: [Int: PendingCall] = [:]

    mutating func appendText(_ delta: String) -> ModelStreamEvent? {
        guard !delta.isEmpty else { return nil }
        text += delta
        return .textDelta(delta)
    }

    /// Starts (or updates) the call at `index`; later deltas for the same index append arguments.
    mutating func startToolCall(index: Int, id: String?, name: String?) {
        var call = pending[index] ?? PendingCall(id: "", name: "", arguments: "")
        if let id, !id.isEmpty { call.id = id }
        if let name, !name.isEmpty { call.name = name }
        pending[index] = call
    }

    mutating func appendArguments(index: Int, _ delta: String) {
        var call = pending[index] ?? PendingCall(id: "", name: "", arguments: "")
        call.arguments += delta
        pending[index] = call
    }

    /// Finishes the call at `index` (once); `finalArguments` replaces the assembled text when given.
    mutating func completeToolCall(index: Int, finalArguments: String? = nil) -> ModelStreamEvent? {
        guard var call = pending[index], !call.emitted else { return nil }
        if let finalArguments, !finalArguments.isEmpty { call.arguments = finalArguments }
        call.emitted = true
        pending[index] = call
        let toolCall = ToolCall(
            id: call.id.isEmpty ? "call_\(index)" : call.id, name: call.name,
            argumentsJSON: call.arguments.isEmpty ? "{}" : call.arguments)
        toolCalls.append(toolCall)
        return .toolCall(toolCall)
    }

    /// Completes every call still open, in index order (chat completions only close calls at the end).
    mutating func completeAllToolCalls() -> [ModelStreamEvent] {
        pending.keys.sorted().compactMap { completeToolCall(index: $0) }
    }

    func response(modelRef: String) -> ModelResponse {
        var reason = stopReason ?? .stop
        // Some OpenAI-compatible servers say "stop" even when they ask for tools.
        if !toolCalls.isEmpty, reason == .stop { reason = .toolUse }
        return ModelResponse(text: text, toolCalls: toolCalls, usage: usage, stopReason: reason, modelRef: modelRef)
    }
}

/// Parses JSON text from the wire into a `JSONValue`, as a `ModelError.malformed` on failure.
func parseWireJSON(_ text: String, provider: String, context: String) throws(ModelError) -> JSONValue {
    do {
        return try JSON5.parse(text)
    } catch {
        let excerpt = text.count > 120 ? String(text.prefix(120)) + "…" : text
        throw .malformed(provider: provider, message: "unparsable JSON in \(context) (\(error.message)): \(excerpt)")
    }
}

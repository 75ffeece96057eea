import TalonCore
import TalonModels

/// Turns stored transcript entries into the model conversation: the latest compaction summary
/// (as a leading user note) + the entries from its `firstKeptSeq` on, repaired so every
/// provider accepts it (tool calls always answered, no orphan results, starts with a user turn).
enum ContextBuilder {
    /// The window of `entries` that still counts: after the latest compaction (if any).
    static func activeWindow(_ entries: [StoredEntry]) -> (summary: String?, entries: [StoredEntry]) {
        guard let index = entries.lastIndex(where: { $0.type == "compaction" }) else { return (nil, entries) }
        let compaction = entries[index]
        let firstKept = compaction.payload["firstKeptSeq"]?.doubleValue.map { Int64($0) } ?? (compaction.seq + 1)
        let kept = entries.filter { $0.seq >= firstKept && $0.type != "compaction" }
        return (compaction.payload["summary"]?.stringValue, kept)
    }

    static func summaryNote(_ summary: String) -> ChatMessage {
        .user("[Summary of the earlier conversation, written when it was compacted]\n\(summary)")
    }

    static func messages(summary: String?, entries: [StoredEntry]) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let summary { messages.append(summaryNote(summary)) }
        // A bounded tail may start mid-turn: skip to the first user message.
        let start = entries.firstIndex(where: \.isUserMessage) ?? entries.endIndex
        var pendingCalls: [ToolCall] = []
        var answered: Set<String> = []

        func closeOpenCalls() {
            for call in pendingCalls where !answered.contains(call.id) {
                messages.append(.toolResult(callId: call.id, name: call.name, text: "(no result: the run was interrupted)", isError: true))
            }
            pendingCalls = []
            answered = []
        }

        for entry in entries[start...] {
            switch entry.type {
            case "message":
                closeOpenCalls()
                let parts = TranscriptPayload.decodeParts(entry.payload["content"])
                let role: ChatRole = entry.role == "user" ? .user : .assistant
                messages.append(ChatMessage(role: role, content: parts))
            case "tool_call":
                let call = ToolCall(
                    id: entry.payload["callId"]?.stringValue ?? "", name: entry.payload["name"]?.stringValue ?? "",
                    argumentsJSON: entry.payload["arguments"]?.stringValue ?? "{}")
                if let last = messages.last, last.role == .assistant, answered.isEmpty {
                    messages[messages.count - 1].toolCalls.append(call)
                } else {
                    closeOpenCalls()
                    messages.append(.assistant("", toolCalls: [call]))
                }
                pendingCalls.append(call)
            case "tool_result":
                let callId = entry.payload["callId"]?.stringValue ?? ""
                guard pendingCalls.contains(where: { $0.id == callId }), !answered.contains(callId) else { continue }
                answered.insert(callId)
                messages.append(
                    .toolResult(
                        callId: callId, name: entry.payload["name"]?.stringValue ?? "", text: entry.payload["result"]?.stringValue ?? "",
                        isError: entry.payload["isError"]?.boolValue ?? false))
            default:
                continue
            }
        }
        closeOpenCalls()
        // Assistant turns with neither text nor calls confuse some providers.
        return messages.filter { !($0.role == .assistant && $0.content.isEmpty && $0.toolCalls.isEmpty) }
    }

    /// Rough token estimate (chars / 4), images at a flat 1000.
    static func estimateTokens(_ messages: [ChatMessage], system: String?) -> Int {
        var chars = system?.count ?? 0
        var images = 0
        for message in messages {
            for part in message.content {
                switch part {
                case .text(let text): chars += text.count
                case .image, .imageURL: images += 1
                }
            }
            for call in message.toolCalls { chars += call.name.count + call.argumentsJSON.count }
        }
        return chars / 4 + images * 1000
    }

    static func estimateTokens(_ entry: StoredEntry) -> Int {
        entry.payload.serialized().count / 4
    }
}

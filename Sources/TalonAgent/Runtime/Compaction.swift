import TalonCore
import TalonModels

/// Context bound: when the estimated conversation exceeds the budget (a share of the model's
/// context window), older turns are summarized by the model into a `compaction` entry. Recent
/// turns (at least `compactionKeepUserTurns` user turns) stay verbatim; nothing is deleted.
extension RunLoop {
    static let summaryInstruction = """
        You summarize a conversation between a user and an assistant so it can continue in a shorter context. \
        Keep facts, names, decisions, the user's preferences, open tasks and important tool results. \
        Write plain prose or bullet points, no preamble.
        """

    mutating func compactIfNeeded() async {
        let window = runtime.models.contextWindow(of: candidates[0])
        let budget = Int(Double(window) * runtime.limits.contextBudgetRatio)
        let tokensBefore =
            ContextBuilder.estimateTokens(messages, system: system) + specs.reduce(0) { $0 + $1.parameters.serialized().count / 4 }
        guard tokensBefore > budget else { return }
        let userIndices = entries.indices.filter { entries[$0].isUserMessage }
        let keep = runtime.limits.compactionKeepUserTurns
        guard userIndices.count > keep else {
            runtime.logger.debug("context over budget but too few turns to compact", metadata: ["runId": "\(runId)"])
            return
        }
        // Earliest user boundary whose suffix fits a third of the budget, but never fewer than `keep` turns.
        var cut = userIndices[userIndices.count - keep]
        var keptTokens = entries[cut...].reduce(0) { $0 + ContextBuilder.estimateTokens($1) }
        for index in userIndices[..<(userIndices.count - keep)].reversed() {
            let extra = entries[index..<cut].reduce(0) { $0 + ContextBuilder.estimateTokens($1) }
            guard keptTokens + extra <= budget / 3 else { break }
            keptTokens += extra
            cut = index
        }
        guard cut > entries.startIndex else { return }
        do {
            let text = try await summarize(Array(entries[..<cut]), window: window)
            guard !text.isEmpty else { return }
            let firstKept = entries[cut].seq
            let payload = TranscriptPayload.compaction(
                summary: text, firstKeptSeq: firstKept, tokensBefore: tokensBefore, runId: runId, atMs: nowMs())
            try await runtime.store.appendTranscript(sessionId: sessionId, payloadJSON: payload.serialized(), atMs: nowMs())
            summary = text
            entries = Array(entries[cut...])
            runtime.hub.emit(.compacted(runId: runId, sessionKey: sessionKey))
            runtime.logger.info(
                "compacted session context",
                metadata: ["sessionKey": "\(sessionKey)", "tokensBefore": "\(tokensBefore)", "firstKeptSeq": "\(firstKept)"])
        } catch {
            runtime.logger.warning(
                "compaction failed; continuing with the full context", metadata: ["runId": "\(runId)", "error": "\(error)"])
        }
    }

    /// A separate, tool-less model call over the older entries (oldest cut first when too long).
    private mutating func summarize(_ older: [StoredEntry], window: Int) async throws -> String {
        var lines: [String] = []
        for entry in older {
            let item = entry.historyItem
            let label =
                switch item.kind {
                case "user": "User"
                case "assistant": "Assistant"
                case "tool_call": "Tool call \(item.toolName ?? "")"
                case "tool_result": "Tool result \(item.toolName ?? "")"
                default: item.kind
                }
            lines.append("\(label): \(item.text.truncated(to: 2000))")
        }
        var transcript = lines.joined(separator: "\n")
        let maxChars = max(4000, window * 2)
        if transcript.count > maxChars { transcript = "…" + String(transcript.suffix(maxChars)) }
        var prompt = ""
        if let summary { prompt += "Summary so far:\n\(summary)\n\n" }
        prompt += "Conversation to summarize:\n\(transcript)"
        let request = ModelRequest(model: candidates[0].model, system: Self.summaryInstruction, messages: [.user(prompt)], maxTokens: 2048)
        var text = ""
        for try await event in runtime.models.stream(request, candidates: candidates) {
            switch event {
            case .textDelta(let delta): text += delta
            case .toolCall: continue
            case .finished(let response):
                usage = usage + response.usage
                if !response.text.isEmpty { text = response.text }
            }
        }
        return text.trimmedText
    }
}

import TalonCore
import TalonModels
import TalonStore

/// One run's tool loop: call the model, run the tools it asks for (concurrently), feed results
/// back, until a final answer, the iteration cap or the repeated-call detector stops it.
/// Every step is persisted as it happens, so an aborted run leaves a consistent transcript.
struct RunLoop {
    let runtime: AgentRuntime
    let runId: String
    let sessionKey: String
    let sessionId: String
    let candidates: [ModelRef]
    let thinking: ThinkingLevel
    let system: String
    let tools: [String: any AgentTool]
    let specs: [ToolSpec]
    let toolContext: ToolContext
    /// The active context: latest compaction summary + the entries after it.
    var summary: String?
    var entries: [StoredEntry]

    var usage = Usage()
    var lastModelRef: String?
    var callCounts: [String: Int] = [:]

    init(
        runtime: AgentRuntime, runId: String, sessionKey: String, sessionId: String, candidates: [ModelRef], thinking: ThinkingLevel,
        system: String, tools: [String: any AgentTool], specs: [ToolSpec], toolContext: ToolContext, summary: String?,
        entries: [StoredEntry]
    ) {
        self.runtime = runtime
        self.runId = runId
        self.sessionKey = sessionKey
        self.sessionId = sessionId
        self.candidates = candidates
        self.thinking = thinking
        self.system = system
        self.tools = tools
        self.specs = specs
        self.toolContext = toolContext
        self.summary = summary
        self.entries = entries
    }

    mutating func run() async -> RunOutcome {
        let outcome: RunOutcome
        do {
            outcome = try await loop()
        } catch is CancellationError {
            outcome = .aborted
        } catch let error as ModelError {
            outcome = Task.isCancelled || error == .cancelled ? .aborted : .failed(kind: error.errorKind, message: error.description)
        } catch {
            outcome = Task.isCancelled ? .aborted : .failed(kind: "unknown", message: "\(error)")
        }
        await recordUsage()
        return outcome
    }

    private mutating func loop() async throws -> RunOutcome {
        let limits = runtime.limits
        for _ in 0..<limits.maxIterations {
            try Task.checkCancellation()
            await compactIfNeeded()
            let response = try await callModel()
            guard !response.toolCalls.isEmpty else {
                try await persistAssistant(response.text, stopReason: response.stopReason)
                return .completed(text: response.text, usage: usage, stopReason: response.stopReason, modelRef: lastModelRef)
            }
            if !response.text.isEmpty { try await persistAssistant(response.text, stopReason: .toolUse) }
            for call in response.toolCalls {
                try await persist(TranscriptPayload.toolCall(call, runId: runId, atMs: nowMs()))
            }
            if let repeated = repeatedCall(in: response.toolCalls) {
                for call in response.toolCalls {
                    let output = ToolOutput(text: "not run: the run was stopped (repeated identical tool call)", isError: true)
                    try await persist(
                        TranscriptPayload.toolResult(callId: call.id, name: call.name, output: output, runId: runId, atMs: nowMs()))
                }
                let text = """
                    I stopped because I kept calling the tool `\(repeated)` with the same arguments \
                    (\(limits.repeatedCallLimit) times) without making progress. Please rephrase or give me more details.
                    """
                try await persistAssistant(text, stopReason: .stop)
                return .completed(text: text, usage: usage, stopReason: .stop, modelRef: lastModelRef)
            }
            let results = await ToolRunner.run(
                response.toolCalls, tools: tools, context: toolContext, hub: runtime.hub, maxChars: limits.toolResultMaxChars)
            try Task.checkCancellation()
            for (call, output) in zip(response.toolCalls, results) {
                try await persist(
                    TranscriptPayload.toolResult(callId: call.id, name: call.name, output: output, runId: runId, atMs: nowMs()))
            }
        }
        let text = """
            I stopped after \(limits.maxIterations) rounds of tool calls without reaching an answer. \
            Tell me how to continue, or narrow the request.
            """
        try await persistAssistant(text, stopReason: .stop)
        return .completed(text: text, usage: usage, stopReason: .toolUse, modelRef: lastModelRef)
    }

    /// Counts each call's name + canonical arguments; the first signature at the limit, else nil.
    private mutating func repeatedCall(in calls: [ToolCall]) -> String? {
        var hit: String?
        for call in calls {
            let arguments = JSONText.parse(call.argumentsJSON)?.serialized() ?? call.argumentsJSON
            let signature = call.name.lowercased() + "\u{0}" + arguments
            callCounts[signature, default: 0] += 1
            if callCounts[signature]! >= runtime.limits.repeatedCallLimit, hit == nil { hit = call.name }
        }
        return hit
    }

    var messages: [ChatMessage] { ContextBuilder.messages(summary: summary, entries: entries) }

    /// One streamed model turn; text deltas go out as events as they arrive.
    private mutating func callModel() async throws -> ModelResponse {
        let request = ModelRequest(
            model: candidates[0].model, system: system, messages: messages, tools: specs, thinking: thinking)
        var text = ""
        var calls: [ToolCall] = []
        var final: ModelResponse?
        for try await event in runtime.models.stream(request, candidates: candidates) {
            try Task.checkCancellation()
            switch event {
            case .textDelta(let delta):
                text += delta
                runtime.hub.emit(.assistantDelta(runId: runId, sessionKey: sessionKey, text: delta))
            case .toolCall(let call):
                calls.append(call)
            case .finished(let response):
                final = response
            }
        }
        try Task.checkCancellation()
        guard var response = final else {
            throw ModelError.malformed(provider: candidates[0].provider, message: "the stream ended without a final response")
        }
        if response.text.isEmpty { response.text = text }
        if response.toolCalls.isEmpty { response.toolCalls = calls }
        usage = usage + response.usage
        lastModelRef = response.modelRef.isEmpty ? candidates[0].description : response.modelRef
        return response
    }

    mutating func persist(_ payload: JSONValue) async throws {
        let now = nowMs()
        let seq = try await runtime.store.appendTranscript(sessionId: sessionId, payloadJSON: payload.serialized(), atMs: now)
        entries.append(StoredEntry(seq: seq, createdAtMs: now, payload: payload))
    }

    private mutating func persistAssistant(_ text: String, stopReason: StopReason) async throws {
        var extra: [String: JSONValue] = ["stopReason": .string(stopReason.rawValue)]
        if let lastModelRef { extra["model"] = .string(lastModelRef) }
        try await persist(TranscriptPayload.message(role: "assistant", parts: [.text(text)], runId: runId, atMs: nowMs(), extra: extra))
    }

    private func recordUsage() async {
        guard let lastModelRef, usage.inputTokens > 0 || usage.outputTokens > 0 else { return }
        let record = UsageRecord(
            runId: runId, sessionKey: sessionKey, sessionId: sessionId, modelRef: lastModelRef, inputTokens: Int64(usage.inputTokens),
            outputTokens: Int64(usage.outputTokens), createdAtMs: nowMs())
        do {
            try await runtime.store.recordUsage(record)
        } catch {
            runtime.logger.warning("could not record usage", metadata: ["runId": "\(runId)", "error": "\(error)"])
        }
    }
}

import TalonCore
import TalonModels

/// What an inbound message asks the agent to do. One run = one message on one session key.
public struct RunRequest: Sendable {
    /// Upstream session key (lower-cased by the runtime), e.g. `agent:main:main`.
    public var sessionKey: String
    public var message: String
    /// Image parts attached to the message.
    public var images: [ContentPart]
    /// Agent id; nil → the one named in the session key, else the default agent.
    public var agentId: String?
    /// Per-run overrides (beat the session's and the agent's).
    public var model: String?
    public var thinking: ThinkingLevel?
    public var timeoutSeconds: Int?
    /// Extra system prompt text for this run (hooks use it).
    public var extraSystemPrompt: String?
    /// Where the message came from (`webchat`, `openai-http`, `telegram`, `hook`, …), for logs and status.
    public var channel: String
    /// Caller-chosen id; nil → a new UUID.
    public var runId: String?

    public init(
        sessionKey: String, message: String, images: [ContentPart] = [], agentId: String? = nil, model: String? = nil,
        thinking: ThinkingLevel? = nil, timeoutSeconds: Int? = nil, extraSystemPrompt: String? = nil, channel: String,
        runId: String? = nil
    ) {
        self.sessionKey = sessionKey
        self.message = message
        self.images = images
        self.agentId = agentId
        self.model = model
        self.thinking = thinking
        self.timeoutSeconds = timeoutSeconds
        self.extraSystemPrompt = extraSystemPrompt
        self.channel = channel
        self.runId = runId
    }
}

/// How a run ended.
public enum RunOutcome: Sendable, Hashable {
    /// Final assistant text (may be a loop-stop or cap message to the user).
    case completed(text: String, usage: Usage, stopReason: StopReason, modelRef: String?)
    case aborted
    /// `kind` is upstream's errorKind: refusal|timeout|rate_limit|context_length|unknown.
    case failed(kind: String, message: String)
}

/// Everything observers (WebSocket clients, the HTTP API, channels) see of runs, in order per run.
public enum AgentEvent: Sendable, Hashable {
    /// The run left the queue and started.
    case started(runId: String, sessionKey: String, atMs: Int64)
    case assistantDelta(runId: String, sessionKey: String, text: String)
    case toolStarted(runId: String, sessionKey: String, callId: String, name: String, argumentsJSON: String)
    case toolFinished(runId: String, sessionKey: String, callId: String, name: String, result: String, isError: Bool)
    case compacted(runId: String, sessionKey: String)
    case finished(runId: String, sessionKey: String, outcome: RunOutcome, atMs: Int64)

    public var runId: String {
        switch self {
        case .started(let r, _, _), .assistantDelta(let r, _, _), .toolStarted(let r, _, _, _, _), .toolFinished(let r, _, _, _, _, _),
            .compacted(let r, _), .finished(let r, _, _, _):
            r
        }
    }

    public var sessionKey: String {
        switch self {
        case .started(_, let k, _), .assistantDelta(_, let k, _), .toolStarted(_, let k, _, _, _), .toolFinished(_, let k, _, _, _, _),
            .compacted(_, let k), .finished(_, let k, _, _):
            k
        }
    }
}

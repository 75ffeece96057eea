import Logging
import TalonCore
import TalonModels
import TalonStore

/// Status of a run for `agent.wait`.
public struct RunStatus: Sendable, Hashable {
    public enum State: String, Sendable { case queued, running, ok, error, aborted }
    public var runId: String
    public var sessionKey: String
    public var state: State
    public var startedAtMs: Int64?
    public var endedAtMs: Int64?
    public var outcome: RunOutcome?

    public init(runId: String, sessionKey: String, state: State, startedAtMs: Int64?, endedAtMs: Int64?, outcome: RunOutcome?) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.state = state
        self.startedAtMs = startedAtMs
        self.endedAtMs = endedAtMs
        self.outcome = outcome
    }
}

/// One transcript item as surfaces show it (`chat.history`, WebChat).
public struct HistoryItem: Sendable, Hashable {
    /// `user`, `assistant`, `tool_call`, `tool_result`, `compaction`.
    public var kind: String
    public var id: String
    public var text: String
    public var toolName: String?
    public var toolCallId: String?
    public var timestampMs: Int64
    /// The stored entry as JSON (for clients that want everything).
    public var raw: JSONValue

    public init(kind: String, id: String, text: String, toolName: String?, toolCallId: String?, timestampMs: Int64, raw: JSONValue) {
        self.kind = kind
        self.id = id
        self.text = text
        self.toolName = toolName
        self.toolCallId = toolCallId
        self.timestampMs = timestampMs
        self.raw = raw
    }
}

/// A bounded subscription to all agent events. Slow subscribers lose the oldest buffered
/// events (never block runs). Cancel by dropping the stream (the runtime notices on termination).
public struct AgentEventSubscription: Sendable {
    public let events: AsyncStream<AgentEvent>
    public init(events: AsyncStream<AgentEvent>) { self.events = events }
}

/// The agent runtime: lanes per session key, the global cap, the tool loop, sessions and transcripts.
/// INTERFACE STUB: the TalonAgent work replaces the bodies and keeps this API (additions welcome).
public final class AgentRuntime: Sendable {
    public let config: TalonConfig
    public let store: any Store
    public let models: ModelClient
    let logger: Logger

    /// - Parameters:
    ///   - tools: every tool that exists; `tools.allow`/`tools.deny` decide what the model sees.
    ///   - stateDir: resolves the default workspace `<stateDir>/workspace` and `<stateDir>/skills`.
    public init(config: TalonConfig, store: any Store, models: ModelClient, tools: [any AgentTool], stateDir: String, logger: Logger) {
        self.config = config
        self.store = store
        self.models = models
        self.logger = logger
    }

    /// Whether any model can be used (configured or implicit from the environment).
    public var hasModel: Bool { models.implicitDefault() != nil || config.agents.defaults.model != nil }

    /// Queues the run on its session lane and returns its run id at once.
    public func submit(_ request: RunRequest) async -> String { request.runId ?? "" }

    /// Submits and waits for the end (HTTP non-streaming answers).
    public func run(_ request: RunRequest) async -> RunOutcome { .failed(kind: "unknown", message: "not implemented") }

    /// All events of all runs from now on.
    public func subscribe() -> AgentEventSubscription { AgentEventSubscription(events: AsyncStream { $0.finish() }) }

    /// Waits up to `timeout` for a run to end; nil when the run id is unknown.
    public func wait(runId: String, timeout: Duration) async -> RunStatus? { nil }

    /// Aborts the running and queued runs of a session (or just `runId`); returns the aborted run ids.
    public func abort(sessionKey: String, runId: String?) async -> [String] { [] }

    /// Most recently updated sessions.
    public func listSessions(limit: Int) async throws -> [SessionRecord] { [] }

    /// The session row for a key, created on first use.
    public func session(key: String) async throws -> SessionRecord? { nil }

    /// New session id under the same key (`/new`, `/reset`, `sessions.reset`).
    public func resetSession(key: String) async throws -> SessionRecord {
        SessionRecord(key: key, sessionId: "", agentId: "main", createdAtMs: 0, updatedAtMs: 0)
    }

    /// Sets (a string) or clears (nil) the session's model and thinking overrides; `.none` leaves one as is.
    public func patchSession(key: String, model: String??, thinking: ThinkingLevel??) async throws -> SessionRecord {
        SessionRecord(key: key, sessionId: "", agentId: "main", createdAtMs: 0, updatedAtMs: 0)
    }

    /// The newest `limit` (≤ 1000) items of the key's current session, oldest first.
    public func history(sessionKey: String, limit: Int) async throws -> [HistoryItem] { [] }
}

import Foundation
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

/// Limits of the tool loop.
public struct AgentLimits: Sendable, Hashable {
    /// Model calls per run before the loop is stopped with a message to the user.
    public var maxIterations: Int
    /// The same tool + same arguments this many times in one run stops the run.
    public var repeatedCallLimit: Int
    /// Characters of one tool result kept (the rest is cut with a marker).
    public var toolResultMaxChars: Int
    /// Share of the model's context window the conversation may use before it is compacted.
    public var contextBudgetRatio: Double
    /// User turns always kept verbatim by compaction.
    public var compactionKeepUserTurns: Int

    public init(
        maxIterations: Int = 32, repeatedCallLimit: Int = 3, toolResultMaxChars: Int = 100_000, contextBudgetRatio: Double = 0.75,
        compactionKeepUserTurns: Int = 3
    ) {
        self.maxIterations = max(1, maxIterations)
        self.repeatedCallLimit = max(2, repeatedCallLimit)
        self.toolResultMaxChars = max(1000, toolResultMaxChars)
        self.contextBudgetRatio = min(max(contextBudgetRatio, 0.05), 0.95)
        self.compactionKeepUserTurns = max(1, compactionKeepUserTurns)
    }
}

/// What `session_status` and status surfaces show about a session.
public struct SessionStatus: Sendable, Hashable {
    public var sessionKey: String
    public var sessionId: String
    public var agentId: String
    /// The model the next run would use first (`provider/model`), nil when none is configured.
    public var model: String?
    public var thinking: ThinkingLevel?
    /// Totals over the session id's recorded runs (newest 1000).
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var queueDepth: Int
    public var activeRunId: String?
}

/// The agent runtime: lanes per session key, the global cap, the tool loop, sessions and transcripts.
///
/// The user message is persisted when its run *starts*, not in `submit`: a queued message may sit
/// behind a `/new` (it must land in the new session) or be coalesced (collect mode) into one turn.
public final class AgentRuntime: Sendable {
    public let config: TalonConfig
    public let store: any Store
    public let models: ModelClient
    public let stateDir: String
    public let limits: AgentLimits
    let logger: Logger
    let environment: [String: String]
    let registry: ToolRegistry
    let toolSources: [any ToolSource]
    let policy: ToolPolicy
    let hub = EventHub()
    let scheduler: RunScheduler
    let sessions: SessionDirectory
    let skillFilters = SkillFilters()

    /// - Parameters:
    ///   - tools: every tool that exists; `tools.allow`/`tools.deny` decide what the model sees.
    ///   - stateDir: resolves the default workspace `<stateDir>/workspace` and `<stateDir>/skills`.
    ///   - environment: PATH/env for skill eligibility and `~` expansion.
    public init(
        config: TalonConfig, store: any Store, models: ModelClient, tools: [any AgentTool], stateDir: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment, limits: AgentLimits = AgentLimits(),
        toolSources: [any ToolSource] = []
    ) {
        self.config = config
        self.store = store
        self.models = models
        self.stateDir = stateDir
        self.logger = logger
        self.environment = environment
        self.limits = limits
        self.registry = ToolRegistry(tools)
        self.toolSources = toolSources
        self.policy = ToolPolicy(config: config.tools)
        self.sessions = SessionDirectory(store: store)
        self.scheduler = RunScheduler(
            maxConcurrent: config.agents.defaults.maxConcurrent, queue: QueueSettings(messages: config.messages), hub: hub, logger: logger)
    }

    /// Whether any model can be used (configured or implicit from the environment).
    public var hasModel: Bool { models.implicitDefault() != nil || config.agents.defaults.model != nil }

    /// The canonical form of a key (lower-cased, `main` alias resolved).
    public func canonicalKey(_ key: String) -> String { SessionKey.resolve(key, config: config).rawValue }

    /// Queues the run on its session lane and returns its run id at once.
    public func submit(_ request: RunRequest) async -> String {
        var request = request
        let runId = request.runId.flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased()
        request.runId = runId
        let key = canonicalKey(request.sessionKey)
        request.sessionKey = key
        await scheduler.enqueue(ScheduledRun(request: request, runId: runId, sessionKey: key) { [self] run in await execute(run) })
        return runId
    }

    /// Submits and waits for the end (HTTP non-streaming answers).
    public func run(_ request: RunRequest) async -> RunOutcome {
        let runId = await submit(request)
        while true {
            if let status = await scheduler.wait(runId: runId, timeout: .seconds(3600)), let outcome = status.outcome { return outcome }
            if Task.isCancelled {
                _ = await abort(sessionKey: canonicalKey(request.sessionKey), runId: runId)
                return .aborted
            }
            if await scheduler.status(runId: runId) == nil { return .failed(kind: "unknown", message: "run \(runId) was lost") }
        }
    }

    /// All events of all runs from now on.
    public func subscribe() -> AgentEventSubscription { AgentEventSubscription(events: hub.subscribe()) }

    /// Waits up to `timeout` for a run to end; nil when the run id is unknown. A run still queued or
    /// running when the time is up comes back with that state.
    public func wait(runId: String, timeout: Duration) async -> RunStatus? {
        await scheduler.wait(runId: runId, timeout: timeout)
    }

    /// Aborts the running and queued runs of a session (or just `runId`); returns the aborted run ids.
    public func abort(sessionKey: String, runId: String?) async -> [String] {
        await scheduler.abort(sessionKey: canonicalKey(sessionKey), runId: runId)
    }

    /// Messages waiting behind the session's active run.
    public func queueDepth(sessionKey: String) async -> Int {
        await scheduler.queueDepth(sessionKey: canonicalKey(sessionKey))
    }

    /// Most recently updated sessions.
    public func listSessions(limit: Int) async throws -> [SessionRecord] {
        try await store.listSessions(agentId: nil, limit: min(max(limit, 1), 1000))
    }

    /// The session row for a key, created on first use.
    public func session(key: String) async throws -> SessionRecord? {
        let key = canonicalKey(key)
        return try await sessions.ensure(key: key, agentId: SessionKey.agentId(of: key, config: config))
    }

    /// New session id under the same key (`/new`, `/reset`, `sessions.reset`).
    public func resetSession(key: String) async throws -> SessionRecord {
        let key = canonicalKey(key)
        return try await sessions.reset(key: key, agentId: SessionKey.agentId(of: key, config: config))
    }

    /// Sets (a string) or clears (nil) the session's model and thinking overrides; `.none` leaves one as is.
    public func patchSession(key: String, model: String??, thinking: ThinkingLevel??) async throws -> SessionRecord {
        let key = canonicalKey(key)
        return try await sessions.patch(key: key, agentId: SessionKey.agentId(of: key, config: config), model: model, thinking: thinking)
    }

    /// The newest `limit` (≤ 1000) items of the key's current session, oldest first.
    public func history(sessionKey: String, limit: Int) async throws -> [HistoryItem] {
        guard let record = try await store.session(key: canonicalKey(sessionKey)) else { return [] }
        let entries = try await store.transcriptTail(sessionId: record.sessionId, limit: min(max(limit, 1), 1000))
        return entries.compactMap(StoredEntry.init).map(\.historyItem)
    }

    /// Restricts a session key, or every key starting with a prefix (`hook:incident:*`), to the named
    /// skills; nil removes the restriction. Returns false when the filter table (1000) is full.
    @discardableResult
    public func setSkillFilter(_ skillNames: Set<String>?, forKeyOrPrefix keyOrPrefix: String) -> Bool {
        skillFilters.set(skillNames, for: keyOrPrefix)
    }

    /// The workspace directory of an agent.
    public func workspace(agentId: String) -> String {
        WorkspaceBootstrap.workspace(agentId: agentId, config: config, stateDir: stateDir, environment: environment)
    }

    /// The eligible skills a run on `sessionKey` sees (workspace skills win over `<stateDir>/skills`).
    public func skills(agentId: String, sessionKey: String) -> [Skill] {
        let roots = [workspace(agentId: agentId) + "/skills", stateDir + "/skills"]
        let all = SkillLoader.load(roots: roots, environment: environment, logger: logger)
        guard let allowed = skillFilters.allowed(for: canonicalKey(sessionKey)) else { return all }
        return all.filter { allowed.contains($0.name.lowercased()) }
    }

    /// The names of the tools the model sees under `tools.allow`/`tools.deny`.
    public var visibleToolNames: [String] { registry.specs(under: policy).map(\.name) }

    /// Session facts for `session_status` and status surfaces.
    public func sessionStatus(key: String) async throws -> SessionStatus {
        let key = canonicalKey(key)
        let record = try await sessions.ensure(key: key, agentId: SessionKey.agentId(of: key, config: config))
        let usage = try await store.usage(sessionId: record.sessionId, limit: 1000)
        let overrides = SessionOverrides(record)
        let model = try? modelCandidates(requested: nil, overrides: overrides, agentId: record.agentId).first?.description
        return SessionStatus(
            sessionKey: key, sessionId: record.sessionId, agentId: record.agentId, model: model, thinking: overrides.thinking,
            inputTokens: usage.reduce(0) { $0 + $1.inputTokens }, outputTokens: usage.reduce(0) { $0 + $1.outputTokens },
            queueDepth: await scheduler.queueDepth(sessionKey: key), activeRunId: await scheduler.activeRunId(sessionKey: key))
    }

    /// Lanes held in memory (idle ones are removed); for tests and diagnostics.
    public func laneCount() async -> Int { await scheduler.laneCount }
}

import Logging

/// A stored conversation: one row per session key.
public struct SessionRecord: Sendable, Hashable {
    /// Routing key, e.g. `agent:main:main` (unique).
    public var key: String
    /// Current session id (changes on `/new`/`/reset`; transcripts hang off it).
    public var sessionId: String
    public var agentId: String
    /// Milliseconds since the Unix epoch.
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    /// Per-session overrides (model, thinking level, …) as a JSON object text.
    public var overridesJSON: String

    public init(key: String, sessionId: String, agentId: String, createdAtMs: Int64, updatedAtMs: Int64, overridesJSON: String = "{}") {
        self.key = key
        self.sessionId = sessionId
        self.agentId = agentId
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
        self.overridesJSON = overridesJSON
    }
}

/// One append-only transcript line.
public struct TranscriptEntry: Sendable, Hashable {
    /// Monotonic per store; orders the entries of a session.
    public var seq: Int64
    public var sessionId: String
    public var createdAtMs: Int64
    /// The entry as a JSON text (message, tool result, compaction, …).
    public var payloadJSON: String

    public init(seq: Int64, sessionId: String, createdAtMs: Int64, payloadJSON: String) {
        self.seq = seq
        self.sessionId = sessionId
        self.createdAtMs = createdAtMs
        self.payloadJSON = payloadJSON
    }
}

/// Token usage of one agent turn (one run), recorded when the run ends.
public struct UsageRecord: Sendable, Hashable {
    public var runId: String
    public var sessionKey: String
    public var sessionId: String
    /// `provider/model` that answered.
    public var modelRef: String
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var createdAtMs: Int64

    public init(
        runId: String, sessionKey: String, sessionId: String, modelRef: String, inputTokens: Int64, outputTokens: Int64,
        createdAtMs: Int64
    ) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.sessionId = sessionId
        self.modelRef = modelRef
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.createdAtMs = createdAtMs
    }
}

/// One key/value row.
public struct KVEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    public var updatedAtMs: Int64

    public init(key: String, value: String, updatedAtMs: Int64) {
        self.key = key
        self.value = value
        self.updatedAtMs = updatedAtMs
    }
}

/// Result of claiming an idempotency/dedupe key.
public enum DedupeClaim: Sendable, Hashable {
    /// The key was new: the caller owns it and its value is now stored.
    case claimed
    /// The key was already held (and not expired): its stored value.
    case existing(value: String)
}

/// Errors every store implementation reports in the same words.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The database cannot be reached (connection refused, lost, timed out).
    case unavailable(String)
    /// The database was migrated by a newer Talon than this binary.
    case schemaTooNew(database: Int, binary: Int)
    /// Bad configuration (e.g. an unparsable DATABASE_URL).
    case configuration(String)
    /// Anything else the driver reported.
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let m): "store unavailable: \(m)"
        case .schemaTooNew(let db, let bin):
            "database schema version \(db) is newer than this binary supports (\(bin)); upgrade talon or use another database"
        case .configuration(let m): "store configuration error: \(m)"
        case .failed(let m): "store error: \(m)"
        }
    }
}

/// The persistence contract. SQLite and PostgreSQL implement it identically and
/// pass the same conformance suite.
public protocol Store: Sendable {
    /// "sqlite" or "postgres".
    var backend: String { get }

    /// Applies pending migrations; throws `StoreError.schemaTooNew` when the database is ahead.
    func migrate() async throws
    /// Highest applied migration version.
    func schemaVersion() async throws -> Int
    /// A cheap round trip (`SELECT 1`) bounded by `timeout`; throws `StoreError.unavailable`.
    func ping(timeout: Duration) async throws
    /// Releases connections. Idempotent.
    func close() async

    // Sessions
    /// Inserts or replaces the row for `session.key`, storing every field as given (including `createdAtMs`).
    func upsertSession(_ session: SessionRecord) async throws
    func session(key: String) async throws -> SessionRecord?
    /// Most recently updated first.
    func listSessions(agentId: String?, limit: Int) async throws -> [SessionRecord]
    /// Deletes the session row (transcripts stay, keyed by session id). Returns whether a row existed.
    @discardableResult func deleteSession(key: String) async throws -> Bool

    // Transcripts
    /// Appends and returns the new entry's `seq`.
    @discardableResult func appendTranscript(sessionId: String, payloadJSON: String, atMs: Int64) async throws -> Int64
    /// Entries with `seq > afterSeq` in order, at most `limit`.
    func transcript(sessionId: String, afterSeq: Int64, limit: Int) async throws -> [TranscriptEntry]
    /// The newest `limit` entries, oldest first (bounded history reads).
    func transcriptTail(sessionId: String, limit: Int) async throws -> [TranscriptEntry]

    // Usage
    func recordUsage(_ usage: UsageRecord) async throws
    /// The newest `limit` usage rows of a session id, oldest first.
    func usage(sessionId: String, limit: Int) async throws -> [UsageRecord]

    // Dedupe / idempotency
    /// Atomically claims `key` in `scope`. An expired key counts as free.
    /// A claim lives until `nowMs + ttlMs`; from that instant on (`expires <= nowMs`) it is expired.
    func claimDedupe(scope: String, key: String, value: String, nowMs: Int64, ttlMs: Int64) async throws -> DedupeClaim
    /// Deletes expired keys; returns how many.
    @discardableResult func sweepDedupe(nowMs: Int64) async throws -> Int

    // Key/value (offsets, credential metadata)
    func kvGet(namespace: String, key: String) async throws -> String?
    func kvSet(namespace: String, key: String, value: String, nowMs: Int64) async throws
    @discardableResult func kvDelete(namespace: String, key: String) async throws -> Bool
    /// The namespace's rows, most recently updated first, at most `limit`.
    func kvList(namespace: String, limit: Int) async throws -> [KVEntry]

    // Channel inbox / outbox
    /// Stores an inbound message; false when `(channel, account, externalId)` was stored before (nothing changes).
    func inboxAdd(channel: String, account: String, externalId: String, payloadJSON: String, nowMs: Int64) async throws -> Bool
    /// Messages not yet completed, oldest first.
    func inboxPending(channel: String, account: String, limit: Int) async throws -> [InboxItem]
    /// Marks the message answered and queues `replies` for sending, in one transaction.
    func inboxComplete(id: Int64, replies: [OutboxDraft], channel: String, account: String, nowMs: Int64) async throws
    /// Queues one outbound message; returns its id.
    @discardableResult
    func outboxAdd(channel: String, account: String, draft: OutboxDraft, nowMs: Int64) async throws -> Int64
    /// Pending outbound messages, oldest first.
    func outboxPending(channel: String, account: String, limit: Int) async throws -> [OutboxItem]
    /// Records a send attempt: `.sent`/`.failed` end it, `.pending` reschedules it for `nextAttemptMs`.
    func outboxUpdate(id: Int64, state: OutboxState, attempts: Int, nextAttemptMs: Int64, lastError: String?, nowMs: Int64) async throws
    /// Deletes completed inbox rows and finished outbox rows last touched before `beforeMs`; returns how many.
    @discardableResult func sweepChannels(beforeMs: Int64) async throws -> Int

    // Leases (one holder per name across processes, e.g. one Telegram poller per bot token)
    /// Takes or renews the lease until `nowMs + ttlMs`; true when `holder` now holds it.
    /// An expired lease (`expires <= nowMs`) is free.
    func acquireLease(name: String, holder: String, nowMs: Int64, ttlMs: Int64) async throws -> Bool
    /// Gives the lease up if `holder` holds it.
    func releaseLease(name: String, holder: String) async throws

    // Group commit
    /// Group commit of many claims and writes in ONE transaction (all or nothing: an error leaves the store
    /// unchanged). Entries are decided in order: an entry whose claims are all free (expired counts as free)
    /// claims them with its value (`nowMs + ttlMs`) and writes its rows (`updatedAtMs = nowMs`; a later entry's
    /// write of the same row wins) → `.claimed`; an entry with a held claim, including one claimed by an
    /// earlier entry of the same call, claims and writes nothing → `.existing` with the value of its first
    /// held claim. One result per entry, in order.
    func claimAndWrite(_ entries: [ClaimAndWrite], nowMs: Int64, ttlMs: Int64) async throws -> [DedupeClaim]
}

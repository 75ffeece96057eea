import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL store: a bounded postgres-nio pool whose `run()` task this store owns.
///
/// Every operation has a deadline (`operationTimeout`, including the wait for a pooled connection) and
/// reports an unreachable server as `StoreError.unavailable`. Recovery needs no caller action: the pool
/// opens new connections once the server is back.
///
/// The pool retries with a backoff that grows to a minute (and stops handing out leases after 15 s of
/// failures), so after a long outage it could lag the server's return by that much. A pool whose calls
/// have failed for `replaceFailingPoolAfter` is therefore swapped for a fresh one before the next call.
public final class PostgresStore: Store, RawSQLAccess {
    public let backend = "postgres"
    public let settings: PostgresSettings

    /// Key of the transaction-scoped advisory lock that serialises migrations across processes ("talonmig").
    static let migrationLockKey: Int64 = 0x7461_6C6F_6E6D_6967
    /// Migrations may wait for another process's migration; they get longer than ordinary calls.
    static let migrationTimeout: Duration = .seconds(120)
    static let replaceFailingPoolAfter: Duration = .seconds(10)

    let logger: Logger
    private let state: Mutex<State>

    private struct State: Sendable {
        var pool: Pool?
        var poolStarted: ContinuousClock.Instant
        /// Start of the current run of failed calls (nil after a success).
        var failingSince: ContinuousClock.Instant?
    }

    /// One postgres-nio client and the task running it.
    private final class Pool: Sendable {
        let client: PostgresClient
        let runTask: Task<Void, Never>

        init(settings: PostgresSettings, logger: Logger) {
            let client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
            self.client = client
            self.runTask = Task { await client.run() }
        }
    }

    private init(settings: PostgresSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.state = Mutex(State(pool: Pool(settings: settings, logger: logger), poolStarted: .now))
    }

    /// Verifies the server with one direct connection (so the error names the real cause, e.g. "Connection
    /// refused"), then starts the pool. Does not migrate.
    public static func open(settings: PostgresSettings, logger: Logger) async throws -> PostgresStore {
        try await probe(settings: settings, logger: logger)
        return PostgresStore(settings: settings, logger: logger)
    }

    private static func probe(settings: PostgresSettings, logger: Logger) async throws {
        let configuration = try settings.connectionConfiguration()
        do {
            // connectTimeout bounds TCP + TLS; the extra second covers authentication and `SELECT 1`.
            try await withDeadline(settings.connectTimeout + .seconds(1)) {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                do {
                    try await connection.query("SELECT 1", logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch {
            throw PostgresErrors.map(error, endpoint: settings.endpoint, opening: true)
        }
    }

    deinit {
        // Without close() the pool would keep running; stop it rather than leak it.
        state.withLock { $0.pool?.runTask.cancel() }
    }

    // MARK: Running operations

    /// Runs `body` against the pool within `timeout` (default `operationTimeout`), mapping errors.
    func run<T: Sendable>(
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresExecutor) async throws -> T
    ) async throws -> T {
        let executor = PostgresExecutor(target: .pool(try currentPool().client), logger: logger)
        do {
            let value = try await withDeadline(timeout ?? settings.operationTimeout) { try await body(executor) }
            state.withLock { $0.failingSince = nil }
            return value
        } catch {
            let mapped = PostgresErrors.map(error, endpoint: settings.endpoint)
            if case StoreError.unavailable = mapped {
                state.withLock { state in state.failingSince = state.failingSince ?? .now }
            }
            throw mapped
        }
    }

    /// The pool to use, replacing it first when it has been failing for `replaceFailingPoolAfter`
    /// (and is at least that old, so an outage replaces it at most that often).
    private func currentPool() throws -> Pool {
        let now = ContinuousClock.now
        let (pool, retired): (Pool, Pool?) = try state.withLock { state in
            guard let pool = state.pool else {
                throw StoreError.unavailable("the postgres store for \(settings.endpoint) is closed")
            }
            guard let since = state.failingSince, now - since >= Self.replaceFailingPoolAfter,
                now - state.poolStarted >= Self.replaceFailingPoolAfter
            else { return (pool, nil) }
            let fresh = Pool(settings: settings, logger: logger)
            state.pool = fresh
            state.poolStarted = now
            return (fresh, pool)
        }
        if let retired {
            logger.warning(
                "postgres calls have been failing; starting a fresh connection pool", metadata: ["server": "\(settings.endpoint)"])
            retired.runTask.cancel()
        }
        return pool
    }

    /// Runs `body` in a transaction on one connection, holding the migration advisory lock.
    private func migrationStep<T: Sendable>(_ body: @escaping @Sendable (PostgresExecutor) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await run(timeout: Self.migrationTimeout) { pooled in
            guard case .pool(let client) = pooled.target else { preconditionFailure("migration steps start from the pool") }
            return try await client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    let db = PostgresExecutor(target: .connection(connection), logger: logger)
                    // Released at COMMIT/ROLLBACK, also if the connection drops: no stale lock.
                    try await db.execute("SELECT pg_advisory_xact_lock(?)", [.int(Self.migrationLockKey)])
                    return try await body(db)
                }
            }
        }
    }

    // MARK: Store

    public func migrate() async throws {
        _ = try await migrationStep { db in try await StoreSQL.prepareMigrations(on: db) }
        for migration in Migrations.all {
            let applied = try await migrationStep { db in try await StoreSQL.apply(migration, on: db) }
            if applied {
                logger.info("applied schema migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await run { db in try await StoreSQL.schemaVersion(on: db) }
    }

    public func ping(timeout: Duration) async throws {
        try await run(timeout: timeout) { db in try await db.execute("SELECT 1") }
    }

    public func close() async {
        let pool: Pool? = state.withLock { state in
            defer { state.pool = nil }
            return state.pool
        }
        guard let pool else { return }
        pool.runTask.cancel()
        // Shutting the pool down closes its connections; bounded in case one is stuck on a dead peer.
        _ = try? await withDeadline(.seconds(5)) { await pool.runTask.value }
    }

    public func upsertSession(_ session: SessionRecord) async throws {
        try await run { db in try await StoreSQL.upsertSession(session, on: db) }
    }

    public func session(key: String) async throws -> SessionRecord? {
        try await run { db in try await StoreSQL.session(key: key, on: db) }
    }

    public func listSessions(agentId: String?, limit: Int) async throws -> [SessionRecord] {
        try await run { db in try await StoreSQL.listSessions(agentId: agentId, limit: limit, on: db) }
    }

    @discardableResult
    public func deleteSession(key: String) async throws -> Bool {
        try await run { db in try await StoreSQL.deleteSession(key: key, on: db) }
    }

    @discardableResult
    public func appendTranscript(sessionId: String, payloadJSON: String, atMs: Int64) async throws -> Int64 {
        try await run { db in try await StoreSQL.appendTranscript(sessionId: sessionId, payloadJSON: payloadJSON, atMs: atMs, on: db) }
    }

    public func transcript(sessionId: String, afterSeq: Int64, limit: Int) async throws -> [TranscriptEntry] {
        try await run { db in try await StoreSQL.transcript(sessionId: sessionId, afterSeq: afterSeq, limit: limit, on: db) }
    }

    public func transcriptTail(sessionId: String, limit: Int) async throws -> [TranscriptEntry] {
        try await run { db in try await StoreSQL.transcriptTail(sessionId: sessionId, limit: limit, on: db) }
    }

    public func recordUsage(_ usage: UsageRecord) async throws {
        try await run { db in try await StoreSQL.recordUsage(usage, on: db) }
    }

    public func usage(sessionId: String, limit: Int) async throws -> [UsageRecord] {
        try await run { db in try await StoreSQL.usage(sessionId: sessionId, limit: limit, on: db) }
    }

    public func kvList(namespace: String, limit: Int) async throws -> [KVEntry] {
        try await run { db in try await StoreSQL.kvList(namespace: namespace, limit: limit, on: db) }
    }

    public func claimDedupe(scope: String, key: String, value: String, nowMs: Int64, ttlMs: Int64) async throws -> DedupeClaim {
        try await run { db in
            try await StoreSQL.claimDedupe(scope: scope, key: key, value: value, nowMs: nowMs, ttlMs: ttlMs, on: db)
        }
    }

    @discardableResult
    public func sweepDedupe(nowMs: Int64) async throws -> Int {
        try await run { db in try await StoreSQL.sweepDedupe(nowMs: nowMs, on: db) }
    }

    public func kvGet(namespace: String, key: String) async throws -> String? {
        try await run { db in try await StoreSQL.kvGet(namespace: namespace, key: key, on: db) }
    }

    public func kvSet(namespace: String, key: String, value: String, nowMs: Int64) async throws {
        try await run { db in try await StoreSQL.kvSet(namespace: namespace, key: key, value: value, nowMs: nowMs, on: db) }
    }

    @discardableResult
    public func kvDelete(namespace: String, key: String) async throws -> Bool {
        try await run { db in try await StoreSQL.kvDelete(namespace: namespace, key: key, on: db) }
    }

    func rawRows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await run { db in try await db.rows(sql, binds) }
    }
}

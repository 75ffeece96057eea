import Logging
import SQLiteNIO

/// The default store: one SQLite file in WAL mode behind a single connection.
///
/// Every operation runs alone (a FIFO gate inside the actor, since actor methods interleave at each
/// `await`), so multi-statement operations and transactions never mix. Writers in other processes are
/// held off by `BEGIN IMMEDIATE` and `busy_timeout`.
///
/// SQLite waits for a lock by sleeping on the calling thread, and sqlite-nio's shared thread pool has one
/// thread per core. So `busy_timeout` is kept short and longer waits happen here, asleep without a thread:
/// a lock holder then always finds a thread to finish its transaction on.
public actor SQLiteStore: Store, RawSQLAccess {
    public nonisolated let backend = "sqlite"
    public nonisolated let path: String

    /// SQLite's own wait for a lock, per attempt (milliseconds).
    static let busyTimeoutMs: Int64 = 100
    /// Total time an operation keeps retrying a locked database before reporting it unavailable.
    static let lockWaitLimit: Duration = .seconds(5)

    private let connection: SQLiteConnection
    private let logger: Logger
    private var closed = false
    private var running = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let checkpointer: SQLiteCheckpointer

    private init(path: String, connection: SQLiteConnection, logger: Logger) {
        self.path = path
        self.connection = connection
        self.checkpointer = SQLiteCheckpointer(path: path, logger: logger)
        self.logger = logger
    }

    /// Opens (creating if needed, mode 0600) the database at `path`. Does not migrate.
    public static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        try SQLiteFile.prepare(path: path)
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path),
                threadPool: .singleton,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            throw StoreError.failed("cannot open the SQLite database \(path): \(describe(error))")
        }
        do {
            // busy_timeout first (it also replaces sqlite-nio's default busy handler, which retries forever):
            // switching to WAL needs a lock another process may briefly hold.
            _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeoutMs)")  // a constant: PRAGMA binds nothing
            let mode = try await retryingWhileLocked {
                try await connection.query("PRAGMA journal_mode = WAL").first?.columns.first?.data.string
            }
            guard mode?.lowercased() == "wal" else {
                throw StoreError.failed("SQLite refused WAL journal mode for \(path) (got \(mode ?? "nothing"))")
            }
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            // WAL + NORMAL: a commit survives a crash of this process (the WAL is in the OS), and only a power loss can
            // undo the last commits; FULL would fsync every transcript line and dominate the time of a turn.
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            // Checkpoints run in the background (SQLiteCheckpointer); this connection's own is the backstop.
            _ = try await connection.query("PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.writerBackstopPages)")
        } catch {
            try? await connection.close()
            throw mapSQLiteError(error)
        }
        logger.debug("opened SQLite store", metadata: ["path": .string(path)])
        return SQLiteStore(path: path, connection: connection, logger: logger)
    }

    deinit {
        // A store dropped without close() still releases its file handle.
        checkpointer.cancel()
        if !closed { _ = connection.close() }
    }

    // MARK: Serialisation

    private func acquire() async {
        if running {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running = true
        }
    }

    private func release() {
        if waiting.isEmpty {
            running = false
        } else {
            waiting.removeFirst().resume()  // hand over directly: `running` stays true
        }
    }

    /// Runs `body` with exclusive use of the connection; errors come out as `StoreError`.
    ///
    /// `body` is retried while the database is locked by another connection. That is safe because every
    /// operation is either one statement or one transaction, and a locked statement changed nothing.
    func exclusive<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        guard !closed else { throw StoreError.unavailable("the SQLite store at \(path) is closed") }
        do {
            return try await Self.retryingWhileLocked { try await body(self.connection) }
        } catch {
            throw mapSQLiteError(error)
        }
    }

    /// Retries `body` with growing pauses while SQLite reports the database locked, up to `lockWaitLimit`.
    private static func retryingWhileLocked<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let giveUp = clock.now + lockWaitLimit
        var pause = Duration.milliseconds(5)
        while true {
            do {
                return try await body()
            } catch let error as SQLiteError where isLocked(error) && clock.now + pause < giveUp {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front, so a read-then-write cannot be overtaken.
    func transaction<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await exclusive { db in
            try await db.execute("BEGIN IMMEDIATE")
            do {
                let value = try await body(db)
                try await db.execute("COMMIT")
                return value
            } catch {
                try? await db.execute("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Store

    public func migrate() async throws {
        _ = try await transaction { db in try await StoreSQL.prepareMigrations(on: db) }
        for migration in Migrations.all {
            let applied = try await transaction { db in try await StoreSQL.apply(migration, on: db) }
            if applied {
                logger.info("applied schema migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await exclusive { db in try await StoreSQL.schemaVersion(on: db) }
    }

    public func ping(timeout: Duration) async throws {
        do {
            try await withDeadline(timeout) {
                try await self.exclusive { db in try await db.execute("SELECT 1") }
            }
        } catch is OperationTimedOut {
            throw StoreError.unavailable("SQLite database \(path) did not answer within \(timeout.shortDescription)")
        }
    }

    public func close() async {
        await acquire()
        defer { release() }
        guard !closed else { return }
        closed = true
        await checkpointer.stop()
        do {
            try await connection.close()
        } catch {
            logger.warning("closing the SQLite database failed", metadata: ["error": "\(error)"])
        }
    }

    public func upsertSession(_ session: SessionRecord) async throws {
        try await exclusive { db in try await StoreSQL.upsertSession(session, on: db) }
    }

    public func session(key: String) async throws -> SessionRecord? {
        try await exclusive { db in try await StoreSQL.session(key: key, on: db) }
    }

    public func listSessions(agentId: String?, limit: Int) async throws -> [SessionRecord] {
        try await exclusive { db in try await StoreSQL.listSessions(agentId: agentId, limit: limit, on: db) }
    }

    @discardableResult
    public func deleteSession(key: String) async throws -> Bool {
        try await exclusive { db in try await StoreSQL.deleteSession(key: key, on: db) }
    }

    @discardableResult
    public func appendTranscript(sessionId: String, payloadJSON: String, atMs: Int64) async throws -> Int64 {
        try await exclusive { db in
            try await StoreSQL.appendTranscript(sessionId: sessionId, payloadJSON: payloadJSON, atMs: atMs, on: db)
        }
    }

    public func transcript(sessionId: String, afterSeq: Int64, limit: Int) async throws -> [TranscriptEntry] {
        try await exclusive { db in try await StoreSQL.transcript(sessionId: sessionId, afterSeq: afterSeq, limit: limit, on: db) }
    }

    public func transcriptTail(sessionId: String, limit: Int) async throws -> [TranscriptEntry] {
        try await exclusive { db in try await StoreSQL.transcriptTail(sessionId: sessionId, limit: limit, on: db) }
    }

    public func recordUsage(_ usage: UsageRecord) async throws {
        try await exclusive { db in try await StoreSQL.recordUsage(usage, on: db) }
    }

    public func usage(sessionId: String, limit: Int) async throws -> [UsageRecord] {
        try await exclusive { db in try await StoreSQL.usage(sessionId: sessionId, limit: limit, on: db) }
    }

    public func kvList(namespace: String, limit: Int) async throws -> [KVEntry] {
        try await exclusive { db in try await StoreSQL.kvList(namespace: namespace, limit: limit, on: db) }
    }

    public func claimDedupe(scope: String, key: String, value: String, nowMs: Int64, ttlMs: Int64) async throws -> DedupeClaim {
        // The upsert alone decides the race (one atomic statement); the connection is this actor's, so no explicit
        // transaction is needed, and a first claim costs one statement instead of four.
        try await exclusive { db in
            try await StoreSQL.claimDedupe(scope: scope, key: key, value: value, nowMs: nowMs, ttlMs: ttlMs, on: db)
        }
    }

    @discardableResult
    public func sweepDedupe(nowMs: Int64) async throws -> Int {
        try await exclusive { db in try await StoreSQL.sweepDedupe(nowMs: nowMs, on: db) }
    }

    public func kvGet(namespace: String, key: String) async throws -> String? {
        try await exclusive { db in try await StoreSQL.kvGet(namespace: namespace, key: key, on: db) }
    }

    public func kvSet(namespace: String, key: String, value: String, nowMs: Int64) async throws {
        try await exclusive { db in try await StoreSQL.kvSet(namespace: namespace, key: key, value: value, nowMs: nowMs, on: db) }
    }

    @discardableResult
    public func kvDelete(namespace: String, key: String) async throws -> Bool {
        try await exclusive { db in try await StoreSQL.kvDelete(namespace: namespace, key: key, on: db) }
    }

    // MARK: Diagnostics

    func rawRows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await exclusive { db in try await db.rows(sql, binds) }
    }

    /// The connection's `PRAGMA journal_mode` (expected: "wal").
    public func journalMode() async throws -> String {
        try await exclusive { db in try await db.rows("PRAGMA journal_mode", []).first?.text(0) ?? "" }
    }
}

extension SQLiteConnection: SQLQuerying {
    var dialect: SQLDialect { .sqlite }

    func rows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let values: [SQLiteData] = binds.map { value in
            switch value {
            case .int(let int): .integer(SQLiteInt64(int))
            case .text(let text): .text(text)
            case .null: .null
            }
        }
        return try await query(sql, values).map { row in
            SQLRow(
                values: row.columns.map { column in
                    switch column.data {
                    case .integer(let int): .int(Int64(int))
                    case .text(let text): .text(text)
                    case .float(let double): .text(String(double))
                    case .blob(let blob): .text(String(buffer: blob))
                    case .null: .null
                    }
                }
            )
        }
    }
}

/// SQLite reports a locked database as busy; that is the one case a caller may retry (503).
func mapSQLiteError(_ error: any Error) -> any Error {
    switch error {
    case is StoreError, is CancellationError:
        return error
    case let error as SQLiteError:
        if isLocked(error) {
            return StoreError.unavailable("SQLite database is locked by another writer: \(error.message)")
        }
        return StoreError.failed("SQLite: \(error.message)")
    default:
        return StoreError.failed("SQLite: \(describe(error))")
    }
}

func isLocked(_ error: SQLiteError) -> Bool {
    switch error.reason {
    case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked: true
    default: false
    }
}

/// A one-line text for an error from a driver (NIO errors describe themselves well enough).
func describe(_ error: any Error) -> String {
    String(describing: error)
}

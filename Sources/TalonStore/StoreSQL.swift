#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The store's statements, written once for both backends (`?` placeholders; PostgreSQL gets `$n`).
/// Callers provide serialisation and transactions; each function here is one logical operation.
enum StoreSQL {
    // MARK: Migrations

    /// Highest applied version, 0 for a database Talon never touched.
    static func schemaVersion(on db: some SQLQuerying) async throws -> Int {
        let existsSQL =
            switch db.dialect {
            case .sqlite: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
            case .postgres: "SELECT CASE WHEN to_regclass(?) IS NULL THEN 0 ELSE 1 END"
            }
        let exists = try await db.rows(existsSQL, [.text(Migrations.tableName)]).first?.int(0) ?? 0
        guard exists > 0 else { return 0 }
        let version = try await db.rows("SELECT COALESCE(MAX(version), 0) FROM talon_migrations", []).first?.int(0) ?? 0
        return Int(version)
    }

    /// Creates the bookkeeping table if needed and refuses a database that is ahead of this binary.
    @discardableResult
    static func prepareMigrations(on db: some SQLQuerying) async throws -> Int {
        try await db.execute(Migrations.createTableSQL)
        let version = try await schemaVersion(on: db)
        try Migrations.checkNotTooNew(version)
        return version
    }

    /// Applies `migration` unless it is already recorded; call inside a transaction (and lock, on PostgreSQL)
    /// so the check and the change are one step even when two processes start together.
    static func apply(_ migration: Migration, on db: some SQLQuerying) async throws -> Bool {
        let recorded = try await db.rows("SELECT COUNT(*) FROM talon_migrations WHERE version = ?", [SQLValue(migration.version)])
        guard try (recorded.first?.int(0) ?? 0) == 0 else { return false }
        let statements =
            switch db.dialect {
            case .sqlite: migration.sqlite
            case .postgres: migration.postgres
            }
        for statement in statements {
            try await db.execute(statement)
        }
        try await db.execute(
            "INSERT INTO talon_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
            [SQLValue(migration.version), .text(migration.name), .int(wallClockMs())]
        )
        return true
    }

    static func wallClockMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    // MARK: Sessions

    private static let sessionColumns = "session_key, session_id, agent_id, created_at_ms, updated_at_ms, overrides_json"

    static func upsertSession(_ session: SessionRecord, on db: some SQLQuerying) async throws {
        try await db.execute(
            """
            INSERT INTO sessions (\(sessionColumns)) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_key) DO UPDATE SET
                session_id = excluded.session_id,
                agent_id = excluded.agent_id,
                created_at_ms = excluded.created_at_ms,
                updated_at_ms = excluded.updated_at_ms,
                overrides_json = excluded.overrides_json
            """,
            [
                .text(session.key), .text(session.sessionId), .text(session.agentId),
                .int(session.createdAtMs), .int(session.updatedAtMs), .text(session.overridesJSON),
            ]
        )
    }

    static func session(key: String, on db: some SQLQuerying) async throws -> SessionRecord? {
        let rows = try await db.rows("SELECT \(sessionColumns) FROM sessions WHERE session_key = ?", [.text(key)])
        return try rows.first.map(sessionRecord)
    }

    static func listSessions(agentId: String?, limit: Int, on db: some SQLQuerying) async throws -> [SessionRecord] {
        guard limit > 0 else { return [] }
        // session_key breaks ties so equal timestamps list in a stable order on both backends.
        let rows: [SQLRow]
        if let agentId {
            rows = try await db.rows(
                "SELECT \(sessionColumns) FROM sessions WHERE agent_id = ? ORDER BY updated_at_ms DESC, session_key LIMIT ?",
                [.text(agentId), SQLValue(limit)]
            )
        } else {
            rows = try await db.rows(
                "SELECT \(sessionColumns) FROM sessions ORDER BY updated_at_ms DESC, session_key LIMIT ?",
                [SQLValue(limit)]
            )
        }
        return try rows.map(sessionRecord)
    }

    static func deleteSession(key: String, on db: some SQLQuerying) async throws -> Bool {
        try await !db.rows("DELETE FROM sessions WHERE session_key = ? RETURNING session_key", [.text(key)]).isEmpty
    }

    private static func sessionRecord(_ row: SQLRow) throws -> SessionRecord {
        SessionRecord(
            key: try row.text(0),
            sessionId: try row.text(1),
            agentId: try row.text(2),
            createdAtMs: try row.int(3),
            updatedAtMs: try row.int(4),
            overridesJSON: try row.text(5)
        )
    }

    // MARK: Transcripts

    static func appendTranscript(sessionId: String, payloadJSON: String, atMs: Int64, on db: some SQLQuerying) async throws -> Int64 {
        let rows = try await db.rows(
            "INSERT INTO transcript_entries (session_id, created_at_ms, payload_json) VALUES (?, ?, ?) RETURNING seq",
            [.text(sessionId), .int(atMs), .text(payloadJSON)]
        )
        guard let seq = try rows.first?.int(0) else { throw StoreError.failed("insert into transcript_entries returned no seq") }
        return seq
    }

    static func transcript(sessionId: String, afterSeq: Int64, limit: Int, on db: some SQLQuerying) async throws -> [TranscriptEntry] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            """
            SELECT seq, session_id, created_at_ms, payload_json FROM transcript_entries
            WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?
            """,
            [.text(sessionId), .int(afterSeq), SQLValue(limit)]
        )
        return try rows.map { row in
            TranscriptEntry(seq: try row.int(0), sessionId: try row.text(1), createdAtMs: try row.int(2), payloadJSON: try row.text(3))
        }
    }

    static func transcriptTail(sessionId: String, limit: Int, on db: some SQLQuerying) async throws -> [TranscriptEntry] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            """
            SELECT seq, session_id, created_at_ms, payload_json FROM transcript_entries
            WHERE session_id = ? ORDER BY seq DESC LIMIT ?
            """,
            [.text(sessionId), SQLValue(limit)]
        )
        return try rows.reversed().map { row in
            TranscriptEntry(seq: try row.int(0), sessionId: try row.text(1), createdAtMs: try row.int(2), payloadJSON: try row.text(3))
        }
    }

    // MARK: Usage

    static func recordUsage(_ usage: UsageRecord, on db: some SQLQuerying) async throws {
        _ = try await db.rows(
            """
            INSERT INTO turn_usage (run_id, session_key, session_id, model_ref, input_tokens, output_tokens, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(usage.runId), .text(usage.sessionKey), .text(usage.sessionId), .text(usage.modelRef),
                .int(usage.inputTokens), .int(usage.outputTokens), .int(usage.createdAtMs),
            ]
        )
    }

    static func usage(sessionId: String, limit: Int, on db: some SQLQuerying) async throws -> [UsageRecord] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            """
            SELECT run_id, session_key, session_id, model_ref, input_tokens, output_tokens, created_at_ms FROM turn_usage
            WHERE session_id = ? ORDER BY id DESC LIMIT ?
            """,
            [.text(sessionId), SQLValue(limit)]
        )
        return try rows.reversed().map { row in
            UsageRecord(
                runId: try row.text(0), sessionKey: try row.text(1), sessionId: try row.text(2), modelRef: try row.text(3),
                inputTokens: try row.int(4), outputTokens: try row.int(5), createdAtMs: try row.int(6))
        }
    }

    // MARK: Dedupe

    /// One upsert decides the race: the insert wins for a new key, the update only when the stored key
    /// has expired (`WHERE`), and `RETURNING` yields a row exactly when this caller won. Concurrent
    /// callers serialise on the row (PostgreSQL) or the write lock (SQLite).
    static func claimDedupe(
        scope: String,
        key: String,
        value: String,
        nowMs: Int64,
        ttlMs: Int64,
        on db: some SQLQuerying
    ) async throws -> DedupeClaim {
        let (sum, overflow) = nowMs.addingReportingOverflow(max(ttlMs, 0))
        let expiresAtMs = overflow ? Int64.max : sum
        // A loser re-reads the holder's value; if that row vanished in between (swept), try again.
        for _ in 0..<5 {
            let won = try await db.rows(
                """
                INSERT INTO dedupe_keys (scope, key, value, expires_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at_ms = excluded.expires_at_ms
                WHERE dedupe_keys.expires_at_ms <= ?
                RETURNING value
                """,
                [.text(scope), .text(key), .text(value), .int(expiresAtMs), .int(nowMs)]
            )
            if !won.isEmpty { return .claimed }
            let held = try await db.rows(
                "SELECT value FROM dedupe_keys WHERE scope = ? AND key = ? AND expires_at_ms > ?",
                [.text(scope), .text(key), .int(nowMs)]
            )
            if let row = held.first { return .existing(value: try row.text(0)) }
        }
        throw StoreError.failed("could not claim dedupe key \(scope)/\(key): it kept changing under concurrent writers")
    }

    /// Call with exclusive use of the connection on SQLite (`changes()` reads the last statement's count).
    static func sweepDedupe(nowMs: Int64, on db: some SQLQuerying) async throws -> Int {
        switch db.dialect {
        case .postgres:
            let rows = try await db.rows(
                "WITH swept AS (DELETE FROM dedupe_keys WHERE expires_at_ms <= ? RETURNING 1) SELECT COUNT(*) FROM swept",
                [.int(nowMs)]
            )
            return Int(try rows.first?.int(0) ?? 0)
        case .sqlite:
            try await db.execute("DELETE FROM dedupe_keys WHERE expires_at_ms <= ?", [.int(nowMs)])
            return Int(try await db.rows("SELECT changes()", []).first?.int(0) ?? 0)
        }
    }

    // MARK: Key/value

    static func kvGet(namespace: String, key: String, on db: some SQLQuerying) async throws -> String? {
        let rows = try await db.rows("SELECT value FROM kv WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)])
        return try rows.first?.text(0)
    }

    static func kvSet(namespace: String, key: String, value: String, nowMs: Int64, on db: some SQLQuerying) async throws {
        try await db.execute(
            """
            INSERT INTO kv (namespace, key, value, updated_at_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms
            """,
            [.text(namespace), .text(key), .text(value), .int(nowMs)]
        )
    }

    static func kvList(namespace: String, limit: Int, on db: some SQLQuerying) async throws -> [KVEntry] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            "SELECT key, value, updated_at_ms FROM kv WHERE namespace = ? ORDER BY updated_at_ms DESC, key LIMIT ?",
            [.text(namespace), SQLValue(limit)]
        )
        return try rows.map { row in KVEntry(key: try row.text(0), value: try row.text(1), updatedAtMs: try row.int(2)) }
    }

    static func kvDelete(namespace: String, key: String, on db: some SQLQuerying) async throws -> Bool {
        try await !db.rows("DELETE FROM kv WHERE namespace = ? AND key = ? RETURNING key", [.text(namespace), .text(key)]).isEmpty
    }
}

/// `Store.claimAndWrite`: many dedupe claims and key/value writes in a few multi-row statements, written once for
/// both backends. The caller runs it inside one transaction: on SQLite one begun with `BEGIN IMMEDIATE` (the write
/// lock is held from the first read on); on PostgreSQL any, redone when it throws `ClaimRace`.
extension StoreSQL {
    /// Rows per multi-row statement: at most 4 × 100 + 1 bound values, far below both backends' limits.
    static let rowsPerStatement = 100

    /// A key read as free was taken by another writer before this transaction claimed it (only possible on
    /// PostgreSQL, where the read does not lock): roll back and run the whole batch again.
    struct ClaimRace: Error {}

    static func claimAndWrite(
        _ entries: [ClaimAndWrite], nowMs: Int64, ttlMs: Int64, on db: some SQLQuerying
    ) async throws -> [DedupeClaim] {
        var keys: [DedupeKey] = []
        var seen = Set<DedupeKey>()
        for entry in entries {
            for claim in entry.claims where seen.insert(claim).inserted { keys.append(claim) }
        }
        var held = try await heldValues(keys, nowMs: nowMs, on: db)

        var outcomes: [DedupeClaim] = []
        outcomes.reserveCapacity(entries.count)
        var claims: [DedupeKey: String] = [:]
        var writes: [KVKey: String] = [:]
        for entry in entries {
            if let value = firstHeld(entry.claims, in: held) {
                outcomes.append(.existing(value: value))
                continue
            }
            for claim in entry.claims {
                held[claim] = entry.value
                claims[claim] = entry.value
            }
            for write in entry.writes {
                writes[KVKey(namespace: write.namespace, key: write.key)] = write.value
            }
            outcomes.append(.claimed)
        }
        let (sum, overflow) = nowMs.addingReportingOverflow(max(ttlMs, 0))
        // Sorted, so two writers lock rows in the same order (no deadlock between processes on PostgreSQL).
        try await insertClaims(
            claims.sorted { ($0.key.scope, $0.key.key) < ($1.key.scope, $1.key.key) }, expiresAtMs: overflow ? Int64.max : sum,
            nowMs: nowMs, on: db)
        try await upsertRows(writes.sorted { $0.key < $1.key }, nowMs: nowMs, on: db)
        return outcomes
    }

    private struct KVKey: Hashable, Comparable {
        var namespace: String
        var key: String

        static func < (lhs: KVKey, rhs: KVKey) -> Bool { (lhs.namespace, lhs.key) < (rhs.namespace, rhs.key) }
    }

    private static func firstHeld(_ claims: [DedupeKey], in held: [DedupeKey: String]) -> String? {
        for claim in claims {
            if let value = held[claim] { return value }
        }
        return nil
    }

    /// The unexpired values of `keys` that are already stored.
    private static func heldValues(_ keys: [DedupeKey], nowMs: Int64, on db: some SQLQuerying) async throws -> [DedupeKey: String] {
        var held: [DedupeKey: String] = [:]
        for chunk in chunks(keys) {
            var binds: [SQLValue] = [.int(nowMs)]
            binds.reserveCapacity(1 + chunk.count * 2)
            for key in chunk { binds += [.text(key.scope), .text(key.key)] }
            let rows = try await db.rows(
                "SELECT scope, key, value FROM dedupe_keys WHERE expires_at_ms > ? AND (scope, key) IN (VALUES "
                    + placeholders(rows: chunk.count, columns: 2) + ")",
                binds)
            for row in rows {
                held[DedupeKey(scope: try row.text(0), key: try row.text(1))] = try row.text(2)
            }
        }
        return held
    }

    /// Claims keys read as free; the upsert's `WHERE` still guards against a writer that got there first.
    private static func insertClaims(
        _ claims: [(key: DedupeKey, value: String)], expiresAtMs: Int64, nowMs: Int64, on db: some SQLQuerying
    ) async throws {
        for chunk in chunks(claims) {
            var binds: [SQLValue] = []
            binds.reserveCapacity(chunk.count * 4 + 1)
            for claim in chunk { binds += [.text(claim.key.scope), .text(claim.key.key), .text(claim.value), .int(expiresAtMs)] }
            binds.append(.int(nowMs))
            let sql =
                "INSERT INTO dedupe_keys (scope, key, value, expires_at_ms) VALUES " + placeholders(rows: chunk.count, columns: 4)
                + " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at_ms = excluded.expires_at_ms"
                + " WHERE dedupe_keys.expires_at_ms <= ?"
            switch db.dialect {
            case .postgres:
                // The read did not lock: a writer in another process may have claimed one of these keys since.
                guard try await db.rows(sql + " RETURNING 1", binds).count == chunk.count else { throw ClaimRace() }
            case .sqlite:
                // The caller's BEGIN IMMEDIATE has held the write lock since before the read: keys read as free are
                // still free (and no RETURNING rows, which sqlite-nio would hand to the event loop one by one).
                try await db.execute(sql, binds)
            }
        }
    }

    private static func upsertRows(_ writes: [(key: KVKey, value: String)], nowMs: Int64, on db: some SQLQuerying) async throws {
        for chunk in chunks(writes) {
            var binds: [SQLValue] = []
            binds.reserveCapacity(chunk.count * 4)
            for write in chunk { binds += [.text(write.key.namespace), .text(write.key.key), .text(write.value), .int(nowMs)] }
            try await db.execute(
                "INSERT INTO kv (namespace, key, value, updated_at_ms) VALUES " + placeholders(rows: chunk.count, columns: 4)
                    + " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms",
                binds)
        }
    }

    /// `(?, ?), (?, ?)` for rows × columns.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    private static func chunks<T>(_ items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: rowsPerStatement).map { items[$0..<min($0 + rowsPerStatement, items.count)] }
    }
}

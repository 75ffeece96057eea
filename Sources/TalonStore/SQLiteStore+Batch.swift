extension SQLiteStore {
    public func claimAndWrite(_ entries: [ClaimAndWrite], nowMs: Int64, ttlMs: Int64) async throws -> [DedupeClaim] {
        guard !entries.isEmpty else { return [] }
        // BEGIN IMMEDIATE holds the write lock from the read on, so the claims cannot race (no ClaimRace here).
        return try await transaction { db in try await StoreSQL.claimAndWrite(entries, nowMs: nowMs, ttlMs: ttlMs, on: db) }
    }
}

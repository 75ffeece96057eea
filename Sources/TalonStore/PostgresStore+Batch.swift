import PostgresNIO

extension PostgresStore {
    public func claimAndWrite(_ entries: [ClaimAndWrite], nowMs: Int64, ttlMs: Int64) async throws -> [DedupeClaim] {
        guard !entries.isEmpty else { return [] }
        let logger = self.logger
        return try await run { pooled in
            guard case .pool(let client) = pooled.target else { preconditionFailure("transactions start from the pool") }
            // The read does not lock: a writer in another process may claim a key in between. That rolls the
            // transaction back (ClaimRace) and the batch runs again, now reading that key as held.
            for _ in 0..<5 {
                do {
                    return try await client.withConnection { connection in
                        try await connection.withTransaction(logger: logger) { connection in
                            let db = PostgresExecutor(target: .connection(connection), logger: logger)
                            return try await StoreSQL.claimAndWrite(entries, nowMs: nowMs, ttlMs: ttlMs, on: db)
                        }
                    }
                } catch let error as PostgresTransactionError where error.closureError is StoreSQL.ClaimRace {
                    continue
                }
            }
            throw StoreError.failed("could not claim a batch of dedupe keys: they kept changing under concurrent writers")
        }
    }
}

import PostgresNIO

extension PostgresStore {
    public func inboxAdd(channel: String, account: String, externalId: String, payloadJSON: String, nowMs: Int64) async throws -> Bool {
        try await run { db in
            try await StoreSQL.inboxAdd(
                channel: channel, account: account, externalId: externalId, payloadJSON: payloadJSON, nowMs: nowMs, on: db)
        }
    }

    public func inboxPending(channel: String, account: String, limit: Int) async throws -> [InboxItem] {
        try await run { db in try await StoreSQL.inboxPending(channel: channel, account: account, limit: limit, on: db) }
    }

    public func inboxComplete(id: Int64, replies: [OutboxDraft], channel: String, account: String, nowMs: Int64) async throws {
        try await inTransaction { db in
            try await StoreSQL.inboxComplete(id: id, replies: replies, channel: channel, account: account, nowMs: nowMs, on: db)
        }
    }

    @discardableResult
    public func outboxAdd(channel: String, account: String, draft: OutboxDraft, nowMs: Int64) async throws -> Int64 {
        try await run { db in try await StoreSQL.outboxAdd(channel: channel, account: account, draft: draft, nowMs: nowMs, on: db) }
    }

    public func outboxPending(channel: String, account: String, limit: Int) async throws -> [OutboxItem] {
        try await run { db in try await StoreSQL.outboxPending(channel: channel, account: account, limit: limit, on: db) }
    }

    public func outboxUpdate(
        id: Int64, state: OutboxState, attempts: Int, nextAttemptMs: Int64, lastError: String?, nowMs: Int64
    ) async throws {
        try await run { db in
            try await StoreSQL.outboxUpdate(
                id: id, state: state, attempts: attempts, nextAttemptMs: nextAttemptMs, lastError: lastError, nowMs: nowMs, on: db)
        }
    }

    @discardableResult
    public func sweepChannels(beforeMs: Int64) async throws -> Int {
        try await inTransaction { db in try await StoreSQL.sweepChannels(beforeMs: beforeMs, on: db) }
    }

    public func acquireLease(name: String, holder: String, nowMs: Int64, ttlMs: Int64) async throws -> Bool {
        try await run { db in try await StoreSQL.acquireLease(name: name, holder: holder, nowMs: nowMs, ttlMs: ttlMs, on: db) }
    }

    public func releaseLease(name: String, holder: String) async throws {
        try await run { db in try await StoreSQL.releaseLease(name: name, holder: holder, on: db) }
    }

    /// Runs `body` in one transaction on one pooled connection.
    private func inTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresExecutor) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await run { pooled in
            guard case .pool(let client) = pooled.target else { preconditionFailure("transactions start from the pool") }
            return try await client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await body(PostgresExecutor(target: .connection(connection), logger: logger))
                }
            }
        }
    }
}

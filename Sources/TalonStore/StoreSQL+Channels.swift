/// Channel inbox, outbox and leases, written once for both backends.
extension StoreSQL {
    // MARK: Inbox

    static func inboxAdd(
        channel: String, account: String, externalId: String, payloadJSON: String, nowMs: Int64, on db: some SQLQuerying
    ) async throws -> Bool {
        let rows = try await db.rows(
            """
            INSERT INTO channel_inbox (channel, account, external_id, payload_json, state, created_at_ms, updated_at_ms)
            VALUES (?, ?, ?, ?, 'pending', ?, ?)
            ON CONFLICT (channel, account, external_id) DO NOTHING
            RETURNING id
            """,
            [.text(channel), .text(account), .text(externalId), .text(payloadJSON), .int(nowMs), .int(nowMs)]
        )
        return !rows.isEmpty
    }

    static func inboxPending(channel: String, account: String, limit: Int, on db: some SQLQuerying) async throws -> [InboxItem] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            """
            SELECT id, channel, account, external_id, payload_json, created_at_ms FROM channel_inbox
            WHERE channel = ? AND account = ? AND state = 'pending' ORDER BY id LIMIT ?
            """,
            [.text(channel), .text(account), SQLValue(limit)]
        )
        return try rows.map { row in
            InboxItem(
                id: try row.int(0), channel: try row.text(1), account: try row.text(2), externalId: try row.text(3),
                payloadJSON: try row.text(4), createdAtMs: try row.int(5))
        }
    }

    /// Call inside a transaction: the completion and the replies land together or not at all.
    static func inboxComplete(
        id: Int64, replies: [OutboxDraft], channel: String, account: String, nowMs: Int64, on db: some SQLQuerying
    ) async throws {
        try await db.execute(
            "UPDATE channel_inbox SET state = 'done', updated_at_ms = ? WHERE id = ?", [.int(nowMs), .int(id)])
        for reply in replies {
            _ = try await outboxAdd(channel: channel, account: account, draft: reply, nowMs: nowMs, on: db)
        }
    }

    // MARK: Outbox

    static func outboxAdd(channel: String, account: String, draft: OutboxDraft, nowMs: Int64, on db: some SQLQuerying) async throws
        -> Int64
    {
        let rows = try await db.rows(
            """
            INSERT INTO channel_outbox
                (channel, account, chat_id, payload_json, state, attempts, next_attempt_ms, last_error, created_at_ms, updated_at_ms)
            VALUES (?, ?, ?, ?, 'pending', 0, 0, NULL, ?, ?)
            RETURNING id
            """,
            [.text(channel), .text(account), .text(draft.chatId), .text(draft.payloadJSON), .int(nowMs), .int(nowMs)]
        )
        guard let id = try rows.first?.int(0) else { throw StoreError.failed("insert into channel_outbox returned no id") }
        return id
    }

    static func outboxPending(channel: String, account: String, limit: Int, on db: some SQLQuerying) async throws -> [OutboxItem] {
        guard limit > 0 else { return [] }
        let rows = try await db.rows(
            """
            SELECT id, channel, account, chat_id, payload_json, attempts, next_attempt_ms, created_at_ms FROM channel_outbox
            WHERE channel = ? AND account = ? AND state = 'pending' ORDER BY id LIMIT ?
            """,
            [.text(channel), .text(account), SQLValue(limit)]
        )
        return try rows.map { row in
            OutboxItem(
                id: try row.int(0), channel: try row.text(1), account: try row.text(2), chatId: try row.text(3),
                payloadJSON: try row.text(4), attempts: Int(try row.int(5)), nextAttemptMs: try row.int(6),
                createdAtMs: try row.int(7))
        }
    }

    static func outboxUpdate(
        id: Int64, state: OutboxState, attempts: Int, nextAttemptMs: Int64, lastError: String?, nowMs: Int64,
        on db: some SQLQuerying
    ) async throws {
        try await db.execute(
            """
            UPDATE channel_outbox SET state = ?, attempts = ?, next_attempt_ms = ?, last_error = ?, updated_at_ms = ?
            WHERE id = ?
            """,
            [.text(state.rawValue), SQLValue(attempts), .int(nextAttemptMs), lastError.map(SQLValue.text) ?? .null, .int(nowMs), .int(id)]
        )
    }

    static func sweepChannels(beforeMs: Int64, on db: some SQLQuerying) async throws -> Int {
        let inbox = try await db.rows(
            "DELETE FROM channel_inbox WHERE state = 'done' AND updated_at_ms < ? RETURNING id", [.int(beforeMs)])
        let outbox = try await db.rows(
            "DELETE FROM channel_outbox WHERE state <> 'pending' AND updated_at_ms < ? RETURNING id", [.int(beforeMs)])
        return inbox.count + outbox.count
    }

    // MARK: Leases

    /// One upsert decides it, like `claimDedupe`: a free name is inserted; a held one is updated only when it
    /// is this holder's (renewal) or has expired, and `RETURNING` yields a row exactly then.
    static func acquireLease(name: String, holder: String, nowMs: Int64, ttlMs: Int64, on db: some SQLQuerying) async throws -> Bool {
        let (sum, overflow) = nowMs.addingReportingOverflow(max(ttlMs, 0))
        let rows = try await db.rows(
            """
            INSERT INTO leases (name, holder, expires_at_ms) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms
            WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= ?
            RETURNING holder
            """,
            [.text(name), .text(holder), .int(overflow ? Int64.max : sum), .int(nowMs)]
        )
        return !rows.isEmpty
    }

    static func releaseLease(name: String, holder: String, on db: some SQLQuerying) async throws {
        try await db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", [.text(name), .text(holder)])
    }
}

import Testing

@testable import TalonStore

/// Inbox, outbox and leases behave the same on both backends.
@Suite("Channel store conformance")
struct ChannelStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func inboxStoresOnceAndCompletesWithReplies(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            #expect(try await store.inboxAdd(channel: "telegram", account: "default", externalId: "7", payloadJSON: "{\"a\":1}", nowMs: 10))
            // A repeat of the same update changes nothing.
            #expect(try await !store.inboxAdd(channel: "telegram", account: "default", externalId: "7", payloadJSON: "{}", nowMs: 11))
            #expect(try await store.inboxAdd(channel: "telegram", account: "default", externalId: "8", payloadJSON: "{}", nowMs: 12))
            #expect(try await store.inboxAdd(channel: "telegram", account: "other", externalId: "7", payloadJSON: "{}", nowMs: 12))

            let pending = try await store.inboxPending(channel: "telegram", account: "default", limit: 10)
            #expect(pending.map(\.externalId) == ["7", "8"])
            #expect(pending.first?.payloadJSON == "{\"a\":1}")

            let replies = [OutboxDraft(chatId: "42", payloadJSON: "{\"n\":1}"), OutboxDraft(chatId: "42", payloadJSON: "{\"n\":2}")]
            try await store.inboxComplete(id: pending[0].id, replies: replies, channel: "telegram", account: "default", nowMs: 20)
            #expect(try await store.inboxPending(channel: "telegram", account: "default", limit: 10).map(\.externalId) == ["8"])
            let queued = try await store.outboxPending(channel: "telegram", account: "default", limit: 10)
            #expect(queued.map(\.payloadJSON) == ["{\"n\":1}", "{\"n\":2}"])
            #expect(queued.allSatisfy { $0.chatId == "42" && $0.attempts == 0 })
            // A completed update is still known (no second store after a crash before the offset commit).
            #expect(try await !store.inboxAdd(channel: "telegram", account: "default", externalId: "7", payloadJSON: "{}", nowMs: 30))
        }
    }

    @Test(arguments: Backend.allCases)
    func outboxRetriesEndAndSweep(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let first = try await store.outboxAdd(
                channel: "telegram", account: "a", draft: OutboxDraft(chatId: "1", payloadJSON: "x"), nowMs: 1)
            let second = try await store.outboxAdd(
                channel: "telegram", account: "a", draft: OutboxDraft(chatId: "2", payloadJSON: "y"), nowMs: 2)
            #expect(first < second)
            try await store.outboxUpdate(id: first, state: .pending, attempts: 1, nextAttemptMs: 500, lastError: "502", nowMs: 3)
            var pending = try await store.outboxPending(channel: "telegram", account: "a", limit: 10)
            #expect(pending.map(\.id) == [first, second])
            #expect(pending[0].attempts == 1 && pending[0].nextAttemptMs == 500)

            try await store.outboxUpdate(id: first, state: .sent, attempts: 2, nextAttemptMs: 0, lastError: nil, nowMs: 4)
            try await store.outboxUpdate(id: second, state: .failed, attempts: 5, nextAttemptMs: 0, lastError: "gave up", nowMs: 5)
            pending = try await store.outboxPending(channel: "telegram", account: "a", limit: 10)
            #expect(pending.isEmpty)

            _ = try await store.inboxAdd(channel: "telegram", account: "a", externalId: "1", payloadJSON: "{}", nowMs: 1)
            let item = try await store.inboxPending(channel: "telegram", account: "a", limit: 1)[0]
            try await store.inboxComplete(id: item.id, replies: [], channel: "telegram", account: "a", nowMs: 6)
            _ = try await store.inboxAdd(channel: "telegram", account: "a", externalId: "2", payloadJSON: "{}", nowMs: 1)
            // Finished rows older than the cut go; pending ones stay whatever their age.
            #expect(try await store.sweepChannels(beforeMs: 100) == 3)
            #expect(try await store.inboxPending(channel: "telegram", account: "a", limit: 10).map(\.externalId) == ["2"])
        }
    }

    @Test(arguments: Backend.allCases)
    func leaseHasOneHolderUntilItExpires(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            #expect(try await store.acquireLease(name: "telegram:bot1", holder: "A", nowMs: 1_000, ttlMs: 30_000))
            #expect(try await !store.acquireLease(name: "telegram:bot1", holder: "B", nowMs: 2_000, ttlMs: 30_000))
            // Renewal by the holder extends it.
            #expect(try await store.acquireLease(name: "telegram:bot1", holder: "A", nowMs: 20_000, ttlMs: 30_000))
            #expect(try await !store.acquireLease(name: "telegram:bot1", holder: "B", nowMs: 40_000, ttlMs: 30_000))
            // Expired: taken over.
            #expect(try await store.acquireLease(name: "telegram:bot1", holder: "B", nowMs: 50_000, ttlMs: 30_000))
            #expect(try await !store.acquireLease(name: "telegram:bot1", holder: "A", nowMs: 50_001, ttlMs: 30_000))
            // Release frees it at once; releasing someone else's lease does nothing.
            try await store.releaseLease(name: "telegram:bot1", holder: "A")
            #expect(try await !store.acquireLease(name: "telegram:bot1", holder: "A", nowMs: 50_002, ttlMs: 30_000))
            try await store.releaseLease(name: "telegram:bot1", holder: "B")
            #expect(try await store.acquireLease(name: "telegram:bot1", holder: "A", nowMs: 50_003, ttlMs: 30_000))
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentLeaseClaimsHaveOneWinner(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask { try await store.acquireLease(name: "race", holder: "h\(index)", nowMs: 1, ttlMs: 10_000) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }
}

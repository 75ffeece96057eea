import Logging
import TalonStore
import TalonTestSupport
import Testing

@testable import TalonGateway

@Suite("Hook intake batcher: group commit of deliveries")
struct IntakeBatcherTests {
    private static let day: Int64 = 86_400_000

    private static func openStore(_ dir: TempDir) async throws -> any Store {
        let store = try await StoreFactory.open(.sqlite(path: dir.file("talon.sqlite")), logger: Logger(label: "test"))
        try await store.migrate()
        return store
    }

    private static func delivery(_ event: String, run: String) -> ClaimAndWrite {
        ClaimAndWrite(
            claims: [DedupeKey(scope: "hook-event:m", key: event)], value: run,
            writes: [KVWrite(namespace: "hook-pending", key: run, value: "{}")])
    }

    /// Submits `entry` in its own task and waits until the batcher has queued it.
    private static func submit(_ batcher: IntakeBatcher, _ entry: ClaimAndWrite, queuedBefore: Int) async throws
        -> Task<DedupeClaim, any Error>
    {
        let task = Task { try await batcher.submit(entry) }
        try await Wait.until(timeout: .seconds(5), "delivery queued") { await batcher.queued > queuedBefore }
        return task
    }

    @Test("deliveries queued behind a batch in flight share one transaction; the same event twice is one claim and one existing")
    func queuedDeliveriesShareABatch() async throws {
        let dir = try TempDir()
        let store = GatedStore(try await Self.openStore(dir))
        let batcher = IntakeBatcher(store: store, ttlMs: Self.day, clock: { 1_000 })
        let first = Task { try await batcher.submit(Self.delivery("e0", run: "r0")) }
        try await Wait.until(timeout: .seconds(5), "first batch in the store") { store.heldBatches == 1 }
        let a = try await Self.submit(batcher, Self.delivery("e1", run: "r1"), queuedBefore: 0)
        let b = try await Self.submit(batcher, Self.delivery("e1", run: "r2"), queuedBefore: 1)
        let c = try await Self.submit(batcher, Self.delivery("e2", run: "r3"), queuedBefore: 2)
        store.open()
        #expect(try await first.value == .claimed)
        #expect(try await a.value == .claimed)
        #expect(try await b.value == .existing(value: "r1"))
        #expect(try await c.value == .claimed)
        #expect(store.batchSizes == [1, 3])
        #expect(try await store.kvGet(namespace: "hook-pending", key: "r1") != nil)
        #expect(try await store.kvGet(namespace: "hook-pending", key: "r2") == nil, "a duplicate stores no run")
        #expect(try await store.kvGet(namespace: "hook-pending", key: "r3") != nil)
        await store.close()
    }

    @Test("concurrent deliveries of one event: exactly one claim, everyone else sees its run")
    func concurrentDuplicates() async throws {
        let dir = try TempDir()
        let store = try await Self.openStore(dir)
        let batcher = IntakeBatcher(store: store, maxBatch: 4, ttlMs: Self.day, clock: { 1_000 })
        let results = try await withThrowingTaskGroup(of: (String, DedupeClaim).self) { group in
            for index in 0..<30 {
                group.addTask { ("r\(index)", try await batcher.submit(Self.delivery("same", run: "r\(index)"))) }
            }
            var results: [(String, DedupeClaim)] = []
            for try await result in group { results.append(result) }
            return results
        }
        let winners = results.filter { $0.1 == .claimed }.map(\.0)
        try #require(winners.count == 1)
        #expect(results.filter { $0.1 != .claimed }.allSatisfy { $0.1 == .existing(value: winners[0]) })
        #expect(try await store.kvList(namespace: "hook-pending", limit: 100).map(\.key) == winners)
        await store.close()
    }

    @Test("a dead store fails every waiter of the batch, and nothing is stored")
    func deadStoreFailsTheWholeBatch() async throws {
        let dir = try TempDir()
        let store = GatedStore(try await Self.openStore(dir))
        let batcher = IntakeBatcher(store: store, ttlMs: Self.day, clock: { 1_000 })
        let first = Task { try await batcher.submit(Self.delivery("e0", run: "r0")) }
        try await Wait.until(timeout: .seconds(5), "first batch in the store") { store.heldBatches == 1 }
        var queued: [Task<DedupeClaim, any Error>] = []
        for index in 1...3 {
            queued.append(try await Self.submit(batcher, Self.delivery("e\(index)", run: "r\(index)"), queuedBefore: index - 1))
        }
        await store.inner.close()
        store.open()
        for task in [first] + queued {
            await #expect(throws: StoreError.self) { try await task.value }
        }
        #expect(store.batchSizes == [1, 3])
        let reopened = try await Self.openStore(dir)
        #expect(try await reopened.kvList(namespace: "hook-pending", limit: 10).isEmpty)
        for index in 0...3 {
            #expect(
                try await reopened.claimDedupe(scope: "hook-event:m", key: "e\(index)", value: "retry", nowMs: 2_000, ttlMs: 1) == .claimed)
        }
        await reopened.close()
    }

    @Test("the queue is bounded: when full, a delivery is refused at once and nothing of it is stored")
    func fullQueueSheds() async throws {
        let dir = try TempDir()
        let store = GatedStore(try await Self.openStore(dir))
        let batcher = IntakeBatcher(store: store, maxQueued: 2, ttlMs: Self.day, clock: { 1_000 })
        let first = Task { try await batcher.submit(Self.delivery("e0", run: "r0")) }
        try await Wait.until(timeout: .seconds(5), "first batch in the store") { store.heldBatches == 1 }
        let a = try await Self.submit(batcher, Self.delivery("e1", run: "r1"), queuedBefore: 0)
        let b = try await Self.submit(batcher, Self.delivery("e2", run: "r2"), queuedBefore: 1)
        await #expect(throws: IntakeBatcher.Full.self) { try await batcher.submit(Self.delivery("e3", run: "r3")) }
        store.open()
        for task in [first, a, b] { #expect(try await task.value == .claimed) }
        #expect(try await store.kvGet(namespace: "hook-pending", key: "r3") == nil)
        // Room again: the refused delivery goes through on retry.
        #expect(try await batcher.submit(Self.delivery("e3", run: "r3")) == .claimed)
        await store.close()
    }
}

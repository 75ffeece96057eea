import Testing

@testable import TalonStore

/// `claimAndWrite`: group-committed dedupe claims and key/value writes, on both backends.
extension StoreConformanceTests {
    private static let day: Int64 = 86_400_000

    private static func entry(_ value: String, claims: [String], writes: [String]) -> ClaimAndWrite {
        ClaimAndWrite(
            claims: claims.map { DedupeKey(scope: "hook-event:m", key: $0) }, value: value,
            writes: writes.map { KVWrite(namespace: "n", key: $0, value: "\(value):\($0)") })
    }

    @Test(arguments: Backend.allCases)
    func claimAndWriteDecidesEntriesInOrder(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            #expect(
                try await store.claimDedupe(scope: "hook-event:m", key: "held", value: "old", nowMs: 1_000, ttlMs: Self.day) == .claimed)
            #expect(try await store.claimDedupe(scope: "hook-event:m", key: "stale", value: "gone", nowMs: 0, ttlMs: 500) == .claimed)
            let outcomes = try await store.claimAndWrite(
                [
                    Self.entry("r1", claims: ["e1"], writes: ["a"]),
                    Self.entry("r2", claims: ["e1"], writes: ["b"]),  // the same event again, in the same batch
                    Self.entry("r3", claims: ["held"], writes: ["c"]),  // held before the batch
                    Self.entry("r4", claims: ["e2", "idem"], writes: ["d"]),
                    Self.entry("r5", claims: ["e3", "idem"], writes: ["e"]),  // one of two keys held: nothing is claimed
                    Self.entry("r6", claims: [], writes: ["f"]),  // no keys: always written
                    Self.entry("r7", claims: ["stale"], writes: ["g"]),  // expired counts as free
                ], nowMs: 2_000, ttlMs: Self.day)
            #expect(
                outcomes == [
                    .claimed, .existing(value: "r1"), .existing(value: "old"), .claimed, .existing(value: "r4"), .claimed, .claimed,
                ])
            for (key, value) in [("a", "r1:a"), ("d", "r4:d"), ("f", "r6:f"), ("g", "r7:g")] {
                #expect(try await store.kvGet(namespace: "n", key: key) == value)
            }
            for key in ["b", "c", "e"] {
                #expect(try await store.kvGet(namespace: "n", key: key) == nil, "entry writing \(key) was a duplicate")
            }
            // Claims hold the claiming entry's value for the TTL; a key of a duplicate entry stays free.
            let claim = { (key: String) in
                try await store.claimDedupe(scope: "hook-event:m", key: key, value: "later", nowMs: 3_000, ttlMs: 1)
            }
            #expect(try await claim("e1") == .existing(value: "r1"))
            #expect(try await claim("idem") == .existing(value: "r4"))
            #expect(try await claim("stale") == .existing(value: "r7"))
            #expect(try await claim("e3") == .claimed)
            #expect(
                try await store.claimDedupe(scope: "hook-event:m", key: "e2", value: "x", nowMs: 2_000 + Self.day, ttlMs: 1) == .claimed)
            #expect(try await store.claimAndWrite([], nowMs: 0, ttlMs: 0).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func claimAndWriteLaterWriteOfARowWinsAndRowsCarryTheTime(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            try await store.kvSet(namespace: "n", key: "k", value: "before", nowMs: 1)
            let outcomes = try await store.claimAndWrite(
                [
                    ClaimAndWrite(
                        claims: [DedupeKey(scope: "a", key: "1")], value: "v1", writes: [KVWrite(namespace: "n", key: "k", value: "one")]),
                    ClaimAndWrite(
                        claims: [DedupeKey(scope: "b", key: "1")], value: "v2", writes: [KVWrite(namespace: "n", key: "k", value: "two")]),
                ], nowMs: 5_000, ttlMs: 60_000)
            #expect(outcomes == [.claimed, .claimed], "the same key in two scopes is two keys")
            #expect(try await store.kvList(namespace: "n", limit: 10) == [KVEntry(key: "k", value: "two", updatedAtMs: 5_000)])
        }
    }

    @Test(arguments: Backend.allCases)
    func claimAndWriteSpansManyStatements(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let count = StoreSQL.rowsPerStatement * 2 + 7
            let entries = (0..<count).map { Self.entry("r\($0)", claims: ["e\($0)"], writes: ["w\($0)"]) }
            #expect(try await store.claimAndWrite(entries, nowMs: 1_000, ttlMs: Self.day) == Array(repeating: .claimed, count: count))
            let again = try await store.claimAndWrite(entries, nowMs: 2_000, ttlMs: Self.day)
            #expect(again == (0..<count).map { .existing(value: "r\($0)") })
            #expect(try await store.kvList(namespace: "n", limit: 10_000).count == count)
        }
    }

    @Test(arguments: Backend.allCases)
    func claimAndWriteIsAllOrNothing(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            // A trigger makes the write of one row fail halfway through the batch.
            switch backend {
            case .sqlite:
                _ = try await store.raw(
                    "CREATE TRIGGER poison BEFORE INSERT ON kv WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
            case .postgres:
                _ = try await store.raw(
                    """
                    CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.key = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$
                    """)
                _ = try await store.raw("CREATE TRIGGER poison BEFORE INSERT ON kv FOR EACH ROW EXECUTE FUNCTION poison()")
            }
            await #expect(throws: (any Error).self) {
                try await store.claimAndWrite(
                    [Self.entry("r1", claims: ["e1"], writes: ["a"]), Self.entry("r2", claims: ["e2"], writes: ["poison"])],
                    nowMs: 1_000, ttlMs: Self.day)
            }
            #expect(try await store.kvList(namespace: "n", limit: 10).isEmpty)
            #expect(try await store.claimDedupe(scope: "hook-event:m", key: "e1", value: "retry", nowMs: 1_001, ttlMs: 1) == .claimed)
            #expect(try await store.claimDedupe(scope: "hook-event:m", key: "e2", value: "retry", nowMs: 1_001, ttlMs: 1) == .claimed)
        }
    }

    @Test(arguments: Backend.allCases)
    func claimAndWriteConcurrentBatchesHaveOneWinnerPerKey(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, database in
            // A second store on the same database stands in for another process.
            let other = try await database.open()
            let keys = (0..<20).map { "k\($0)" }
            let results = try await withThrowingTaskGroup(of: [DedupeClaim].self) { group in
                for writer in 0..<4 {
                    let target = writer % 2 == 0 ? store : other
                    group.addTask {
                        try await target.claimAndWrite(
                            (writer % 2 == 0 ? keys : keys.reversed()).map { Self.entry("w\(writer)", claims: [$0], writes: []) },
                            nowMs: 5_000, ttlMs: 60_000)
                    }
                }
                var all: [[DedupeClaim]] = []
                for try await result in group { all.append(result) }
                return all
            }
            await other.close()
            let claimed = results.flatMap { $0 }.filter { $0 == .claimed }.count
            #expect(claimed == keys.count, "each key is claimed exactly once across all batches")
        }
    }
}

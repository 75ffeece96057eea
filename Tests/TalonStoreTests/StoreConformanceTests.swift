import Testing

@testable import TalonStore

/// The contract every backend must honour, run once per backend.
@Suite("Store conformance")
struct StoreConformanceTests {
    // MARK: Sessions

    @Test(arguments: Backend.allCases)
    func sessionUpsertGetAndOverwrite(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            #expect(try await store.session(key: "agent:main:main") == nil)
            let first = SessionRecord(
                key: "agent:main:main", sessionId: "s1", agentId: "main", createdAtMs: 1_000, updatedAtMs: 1_000,
                overridesJSON: #"{"model":"a"}"#)
            try await store.upsertSession(first)
            #expect(try await store.session(key: "agent:main:main") == first)

            var second = first
            second.sessionId = "s2"
            second.updatedAtMs = 2_000
            second.overridesJSON = "{}"
            try await store.upsertSession(second)
            #expect(try await store.session(key: "agent:main:main") == second)
            #expect(try await store.listSessions(agentId: nil, limit: 10).count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func sessionListOrderLimitAndAgentFilter(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let rows: [(String, String, Int64)] = [
                ("k1", "main", 100), ("k2", "ops", 400), ("k3", "main", 300), ("k4", "main", 200), ("k5", "ops", 300),
            ]
            for (key, agent, updated) in rows {
                try await store.upsertSession(
                    SessionRecord(key: key, sessionId: "id-\(key)", agentId: agent, createdAtMs: 1, updatedAtMs: updated))
            }
            // Most recently updated first; equal timestamps by key.
            #expect(try await store.listSessions(agentId: nil, limit: 10).map(\.key) == ["k2", "k3", "k5", "k4", "k1"])
            #expect(try await store.listSessions(agentId: nil, limit: 2).map(\.key) == ["k2", "k3"])
            #expect(try await store.listSessions(agentId: "main", limit: 10).map(\.key) == ["k3", "k4", "k1"])
            #expect(try await store.listSessions(agentId: "main", limit: 1).map(\.key) == ["k3"])
            #expect(try await store.listSessions(agentId: "nobody", limit: 10).isEmpty)
            #expect(try await store.listSessions(agentId: nil, limit: 0).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func sessionDelete(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            try await store.upsertSession(SessionRecord(key: "k", sessionId: "s", agentId: "a", createdAtMs: 1, updatedAtMs: 1))
            try await store.appendTranscript(sessionId: "s", payloadJSON: "{}", atMs: 1)
            #expect(try await store.deleteSession(key: "k"))
            #expect(try await store.session(key: "k") == nil)
            #expect(try await !store.deleteSession(key: "k"))
            // Transcripts are keyed by session id and outlive the session row.
            #expect(try await store.transcript(sessionId: "s", afterSeq: 0, limit: 10).count == 1)
        }
    }

    // MARK: Transcripts

    @Test(arguments: Backend.allCases)
    func transcriptAppendOrderingAndIsolation(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            var seqsA: [Int64] = []
            var seqsB: [Int64] = []
            for index in 0..<5 {
                seqsA.append(try await store.appendTranscript(sessionId: "A", payloadJSON: #"{"n":\#(index)}"#, atMs: 10 + Int64(index)))
                seqsB.append(try await store.appendTranscript(sessionId: "B", payloadJSON: #"{"b":\#(index)}"#, atMs: 20))
            }
            let all = seqsA + seqsB
            #expect(Set(all).count == all.count, "seq values are unique")
            #expect(seqsA == seqsA.sorted() && seqsB == seqsB.sorted(), "seq grows with each append")

            let entriesA = try await store.transcript(sessionId: "A", afterSeq: 0, limit: 100)
            #expect(entriesA.map(\.seq) == seqsA)
            #expect(entriesA.map(\.payloadJSON) == (0..<5).map { #"{"n":\#($0)}"# })
            #expect(entriesA.map(\.createdAtMs) == [10, 11, 12, 13, 14])
            #expect(entriesA.allSatisfy { $0.sessionId == "A" })

            let entriesB = try await store.transcript(sessionId: "B", afterSeq: 0, limit: 100)
            #expect(entriesB.map(\.seq) == seqsB)
            #expect(entriesB.allSatisfy { $0.sessionId == "B" })
            #expect(try await store.transcript(sessionId: "C", afterSeq: 0, limit: 100).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func transcriptAfterSeqAndLimit(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            var seqs: [Int64] = []
            for index in 0..<6 {
                seqs.append(try await store.appendTranscript(sessionId: "S", payloadJSON: "\(index)", atMs: Int64(index)))
            }
            #expect(try await store.transcript(sessionId: "S", afterSeq: 0, limit: 3).map(\.seq) == Array(seqs[0..<3]))
            #expect(try await store.transcript(sessionId: "S", afterSeq: seqs[2], limit: 100).map(\.seq) == Array(seqs[3...]))
            #expect(try await store.transcript(sessionId: "S", afterSeq: seqs[2], limit: 2).map(\.seq) == Array(seqs[3..<5]))
            #expect(try await store.transcript(sessionId: "S", afterSeq: seqs[5], limit: 100).isEmpty)
            #expect(try await store.transcript(sessionId: "S", afterSeq: 0, limit: 0).isEmpty)
        }
    }

    // MARK: Dedupe

    @Test(arguments: Backend.allCases)
    func dedupeClaimExistingExpiryAndScopes(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ async throws in
            #expect(try await store.claimDedupe(scope: "hooks", key: "m1", value: "first", nowMs: 1_000, ttlMs: 500) == .claimed)
            #expect(
                try await store.claimDedupe(scope: "hooks", key: "m1", value: "second", nowMs: 1_100, ttlMs: 500)
                    == .existing(value: "first"))
            // Same key in another scope is a different key.
            #expect(try await store.claimDedupe(scope: "telegram", key: "m1", value: "t", nowMs: 1_100, ttlMs: 500) == .claimed)
            // Still held just before expiry (expires at 1_500)...
            #expect(
                try await store.claimDedupe(scope: "hooks", key: "m1", value: "x", nowMs: 1_499, ttlMs: 500) == .existing(value: "first"))
            // ...and free from then on: the new claim stores its own value and lifetime.
            #expect(try await store.claimDedupe(scope: "hooks", key: "m1", value: "third", nowMs: 1_500, ttlMs: 500) == .claimed)
            #expect(
                try await store.claimDedupe(scope: "hooks", key: "m1", value: "y", nowMs: 1_600, ttlMs: 500) == .existing(value: "third"))
        }
    }

    @Test(arguments: Backend.allCases)
    func dedupeSweepCountsExpiredKeys(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            for index in 0..<3 {
                _ = try await store.claimDedupe(scope: "s", key: "short\(index)", value: "v", nowMs: 0, ttlMs: 100)
            }
            for index in 0..<2 {
                _ = try await store.claimDedupe(scope: "s", key: "long\(index)", value: "v", nowMs: 0, ttlMs: 10_000)
            }
            #expect(try await store.sweepDedupe(nowMs: 50) == 0)
            #expect(try await store.sweepDedupe(nowMs: 100) == 3)
            #expect(try await store.sweepDedupe(nowMs: 100) == 0)
            #expect(try await store.claimDedupe(scope: "s", key: "long0", value: "w", nowMs: 200, ttlMs: 1) == .existing(value: "v"))
            #expect(try await store.claimDedupe(scope: "s", key: "short0", value: "w", nowMs: 200, ttlMs: 1) == .claimed)
            #expect(try await store.sweepDedupe(nowMs: 20_000) == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func dedupeConcurrentClaimsHaveOneWinner(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let results = try await withThrowingTaskGroup(of: (Int, DedupeClaim).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        (index, try await store.claimDedupe(scope: "race", key: "k", value: "v\(index)", nowMs: 5_000, ttlMs: 60_000))
                    }
                }
                var results: [(Int, DedupeClaim)] = []
                for try await result in group { results.append(result) }
                return results
            }
            let winners = results.filter { $0.1 == .claimed }.map(\.0)
            try #require(winners.count == 1, "exactly one claim wins, got \(winners)")
            let losers = results.filter { $0.1 != .claimed }
            #expect(losers.count == 19)
            #expect(losers.allSatisfy { $0.1 == .existing(value: "v\(winners[0])") })
        }
    }

    // MARK: Key/value

    @Test(arguments: Backend.allCases)
    func kvSetGetOverwriteDelete(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            #expect(try await store.kvGet(namespace: "telegram", key: "offset") == nil)
            try await store.kvSet(namespace: "telegram", key: "offset", value: "41", nowMs: 1)
            try await store.kvSet(namespace: "slack", key: "offset", value: "other", nowMs: 1)
            #expect(try await store.kvGet(namespace: "telegram", key: "offset") == "41")
            try await store.kvSet(namespace: "telegram", key: "offset", value: "42", nowMs: 2)
            #expect(try await store.kvGet(namespace: "telegram", key: "offset") == "42")
            let stamp = try await store.raw(
                "SELECT updated_at_ms FROM kv WHERE namespace = ? AND key = ?", [.text("telegram"), .text("offset")])
            #expect(try stamp.first?.int(0) == 2)
            #expect(try await store.kvDelete(namespace: "telegram", key: "offset"))
            #expect(try await !store.kvDelete(namespace: "telegram", key: "offset"))
            #expect(try await store.kvGet(namespace: "telegram", key: "offset") == nil)
            #expect(try await store.kvGet(namespace: "slack", key: "offset") == "other")
        }
    }

    @Test(arguments: Backend.allCases)
    func kvListNewestFirstPerNamespace(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            try await store.kvSet(namespace: "incidents", key: "a", value: "1", nowMs: 10)
            try await store.kvSet(namespace: "incidents", key: "b", value: "2", nowMs: 30)
            try await store.kvSet(namespace: "incidents", key: "c", value: "3", nowMs: 20)
            try await store.kvSet(namespace: "other", key: "z", value: "9", nowMs: 40)
            let all = try await store.kvList(namespace: "incidents", limit: 10)
            #expect(all.map(\.key) == ["b", "c", "a"])
            #expect(all.first?.value == "2")
            #expect(all.first?.updatedAtMs == 30)
            #expect(try await store.kvList(namespace: "incidents", limit: 2).map(\.key) == ["b", "c"])
            #expect(try await store.kvList(namespace: "missing", limit: 5).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func textRoundTripsUnchanged(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, _ in
            let tricky = "quote ' double \" backslash \\ question ? dollar $1 emoji 🦅 newline\nend"
            try await store.kvSet(namespace: "n", key: tricky, value: tricky, nowMs: 1)
            #expect(try await store.kvGet(namespace: "n", key: tricky) == tricky)
            let seq = try await store.appendTranscript(sessionId: tricky, payloadJSON: tricky, atMs: 1)
            #expect(try await store.transcript(sessionId: tricky, afterSeq: seq - 1, limit: 1).first?.payloadJSON == tricky)
        }
    }

    // MARK: Lifecycle

    @Test(arguments: Backend.allCases)
    func pingAndCloseAreIdempotent(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = try await database.open()
            #expect(store.backend == backend.rawValue)
            try await store.ping(timeout: .seconds(5))
            await store.close()
            await store.close()
            await expectUnavailable("kvGet after close") {
                _ = try await store.kvGet(namespace: "n", key: "k")
            }
        }
    }
}

import Foundation
import Testing

@testable import TalonStore

@Suite("SQLite background checkpoints")
struct SQLiteCheckpointTests {
    private func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test("commits are copied into the database file in the background, long before the writer's own backstop")
    func copiesInTheBackground() async throws {
        try await TestDatabase.withStore(.sqlite) { store, database in
            guard case .sqlite(let path) = database.settings else { throw StoreError.failed("not sqlite") }
            #expect(try await store.raw("PRAGMA wal_autocheckpoint").first?.int(0) == Int64(SQLiteCheckpointer.writerBackstopPages))
            let before = try fileSize(path)
            // About 100 pages of rows: far below the writer's backstop, so only the background copies them.
            let value = String(repeating: "x", count: 4000)
            let entries = (0..<100).map { index in
                ClaimAndWrite(
                    claims: [DedupeKey(scope: "s", key: "k\(index)")], value: "v",
                    writes: [KVWrite(namespace: "n", key: "k\(index)", value: value)])
            }
            _ = try await store.claimAndWrite(entries, nowMs: 1, ttlMs: 1_000)
            let deadline = ContinuousClock.now + .seconds(10)
            while try fileSize(path) < before + 100 * 4096, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try fileSize(path) >= before + 100 * 4096, "the database file grew without a writer checkpoint")
            #expect(try await store.kvList(namespace: "n", limit: 1_000).count == 100)
        }
    }
}

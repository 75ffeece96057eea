import Foundation
import Testing

@testable import TalonStore

@Suite("SQLite specifics")
struct SQLiteStoreTests {
    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func filesArePrivateAndJournalIsWAL() async throws {
        try await TestDatabase.withStore(.sqlite) { store, database in
            guard case .sqlite(let path) = database.settings else { throw StoreError.failed("not sqlite") }
            try await store.kvSet(namespace: "n", key: "k", value: "v", nowMs: 1)

            #expect(try permissions(path) == 0o600)
            // The state directory did not exist: it was created private.
            #expect(try permissions((path as NSString).deletingLastPathComponent) == 0o700)
            // SQLite gives -wal and -shm the main file's mode.
            for suffix in ["-wal", "-shm"] {
                #expect(FileManager.default.fileExists(atPath: path + suffix), "\(suffix) exists in WAL mode")
                #expect(try permissions(path + suffix) == 0o600, "\(suffix) is 0600")
            }
            let sqlite = try #require(store as? SQLiteStore)
            #expect(try await sqlite.journalMode() == "wal")
            #expect(try await store.raw("PRAGMA foreign_keys").first?.int(0) == 1)
            #expect(try await store.raw("PRAGMA busy_timeout").first?.int(0) == SQLiteStore.busyTimeoutMs)
        }
    }

    @Test func existingWorldReadableFileIsTightened() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-sqlite-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("talon.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        #expect(try permissions(path) == 0o644)

        let store = try await StoreFactory.open(.sqlite(path: path), logger: testLogger)
        await store.close()
        #expect(try permissions(path) == 0o600)
    }

    @Test func unwritableLocationIsReported() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-sqlite-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A regular file where the state directory should be.
        #expect(FileManager.default.createFile(atPath: dir.path, contents: Data("x".utf8)))
        do {
            let store = try await StoreFactory.open(.sqlite(path: dir.path + "/talon.sqlite"), logger: testLogger)
            await store.close()
            Issue.record("opening under a regular file succeeded")
        } catch StoreError.failed(let message) {
            #expect(message.contains(dir.path))
        }
    }
}

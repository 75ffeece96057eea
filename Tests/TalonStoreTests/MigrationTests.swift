import Testing

@testable import TalonStore

@Suite("Migrations")
struct MigrationTests {
    @Test func versionsAreContiguousFromOne() {
        #expect(Migrations.all.map(\.version) == Array(1...Migrations.all.count))
        #expect(Migrations.latestVersion == Migrations.all.count)
        for migration in Migrations.all {
            #expect(!migration.sqlite.isEmpty && !migration.postgres.isEmpty, "migration \(migration.version) has SQL for both")
            #expect(migration.sqlite.count == migration.postgres.count, "migration \(migration.version) creates the same objects")
        }
    }

    @Test(arguments: Backend.allCases)
    func migrateAppliesRecordsAndIsIdempotent(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend, migrate: false) { store, database in
            #expect(try await store.schemaVersion() == 0)
            try await store.migrate()
            #expect(try await store.schemaVersion() == Migrations.latestVersion)

            let recorded = try await store.raw("SELECT version, name, applied_at_ms FROM talon_migrations ORDER BY version")
            #expect(try recorded.map { try $0.int(0) } == Migrations.all.map { Int64($0.version) })
            #expect(try recorded.map { try $0.text(1) } == Migrations.all.map(\.name))
            #expect(try recorded.allSatisfy { try $0.int(2) > 1_600_000_000_000 }, "applied_at_ms is wall-clock milliseconds")

            // The v1 tables exist and are usable.
            for table in ["sessions", "transcript_entries", "dedupe_keys", "kv"] {
                #expect(try await store.raw("SELECT COUNT(*) FROM \(table)").first?.int(0) == 0)
            }

            // Again on the same store, and from a fresh process's point of view: nothing changes.
            try await store.migrate()
            let reopened = try await database.open()
            do {
                try await reopened.migrate()
                #expect(try await reopened.schemaVersion() == Migrations.latestVersion)
                let count = try await reopened.raw("SELECT COUNT(*) FROM talon_migrations").first?.int(0)
                #expect(count == Int64(Migrations.all.count))
                await reopened.close()
            } catch {
                await reopened.close()
                throw error
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func newerDatabaseIsRefused(_ backend: Backend) async throws {
        try await TestDatabase.withStore(backend) { store, database in
            let future = Migrations.latestVersion + 1
            _ = try await store.raw(
                "INSERT INTO talon_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                [SQLValue(future), .text("from the future"), .int(1)]
            )
            await store.close()

            let reopened = try await database.open()
            do {
                #expect(try await reopened.schemaVersion() == future)
                do {
                    try await reopened.migrate()
                    Issue.record("migrate() accepted a database at version \(future)")
                } catch StoreError.schemaTooNew(let databaseVersion, let binaryVersion) {
                    #expect(databaseVersion == future)
                    #expect(binaryVersion == Migrations.latestVersion)
                }
                await reopened.close()
            } catch {
                await reopened.close()
                throw error
            }
        }
    }

    /// Two processes starting together: both succeed and every migration is applied once.
    @Test(arguments: Backend.allCases)
    func concurrentMigrationsDoNotRace(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { database in
            let stores = [try await database.open(), try await database.open(), try await database.open()]
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores {
                        group.addTask { try await store.migrate() }
                    }
                    try await group.waitForAll()
                }
                let count = try await stores[0].raw("SELECT COUNT(*) FROM talon_migrations").first?.int(0)
                #expect(count == Int64(Migrations.all.count))
                for store in stores { await store.close() }
            } catch {
                for store in stores { await store.close() }
                throw error
            }
        }
    }
}

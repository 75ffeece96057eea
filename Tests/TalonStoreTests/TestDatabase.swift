import Foundation
import Logging
import Testing

@testable import TalonStore

/// The two store implementations; every conformance test runs against both.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

let testLogger: Logger = {
    var logger = Logger(label: "talon.store.tests")
    logger.logLevel = .warning
    return logger
}()

struct MissingTestDatabase: Error, CustomStringConvertible {
    var description: String {
        "TALON_TEST_DATABASE_URL is not set, so the PostgreSQL cases cannot run. Run scripts/test.sh "
            + "(it starts a throw-away cluster with scripts/pg-cluster.sh and exports the URL), or start one yourself: "
            + "export TALON_TEST_DATABASE_URL=$(scripts/pg-cluster.sh start /tmp/talon-pg 54329)"
    }
}

/// A fresh, empty database for one test: a temp directory for SQLite, a new database on the
/// `TALON_TEST_DATABASE_URL` server for PostgreSQL. Removed again by `withTestDatabase`, also on failure.
struct TestDatabase: Sendable {
    let backend: Backend
    let settings: DatabaseSettings
    private let cleanup: @Sendable () async -> Void

    /// Runs `body` with a fresh database and removes it afterwards, whatever happens.
    static func with<T: Sendable>(
        _ backend: Backend,
        _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let database = try await make(backend)
        do {
            let result = try await body(database)
            await database.cleanup()
            return result
        } catch {
            await database.cleanup()
            throw error
        }
    }

    /// Like `with`, plus an opened (and by default migrated) store that is closed afterwards.
    static func withStore<T: Sendable>(
        _ backend: Backend,
        migrate: Bool = true,
        _ body: (any Store, TestDatabase) async throws -> T
    ) async throws -> T {
        try await with(backend) { database in
            let store = try await database.open()
            do {
                if migrate { try await store.migrate() }
                let result = try await body(store, database)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }

    /// Opens another store on the same database (the caller closes it).
    func open() async throws -> any Store {
        try await StoreFactory.open(settings, logger: testLogger)
    }

    private static func make(_ backend: Backend) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-store-\(UUID().uuidString)")
            return TestDatabase(backend: .sqlite, settings: .sqlite(path: dir.path + "/state/talon.sqlite")) {
                try? FileManager.default.removeItem(at: dir)
            }
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["TALON_TEST_DATABASE_URL"], !url.isEmpty else {
                throw MissingTestDatabase()
            }
            let admin = try PostgresSettings(url: url)
            let name = "talon_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            // Identifiers cannot be bound; `name` is generated here from [a-z0-9_] only.
            try await adminExecute(admin, "CREATE DATABASE \(name)")
            var settings = admin
            settings.database = name
            return TestDatabase(backend: .postgres, settings: .postgres(settings)) {
                do {
                    try await adminExecute(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                } catch {
                    Issue.record("could not drop test database \(name): \(error)")
                }
            }
        }
    }

    private static func adminExecute(_ admin: PostgresSettings, _ sql: String) async throws {
        let store = try await PostgresStore.open(settings: admin, logger: testLogger)
        do {
            _ = try await store.rawRows(sql, [])
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }
}

extension Store {
    /// Direct SQL for assertions on stored rows.
    func raw(_ sql: String, _ binds: [SQLValue] = []) async throws -> [SQLRow] {
        guard let access = self as? any RawSQLAccess else {
            throw StoreError.failed("\(type(of: self)) has no raw SQL access")
        }
        return try await access.rawRows(sql, binds)
    }
}

/// Asserts that `body` throws `StoreError.unavailable` and returns its message.
@discardableResult
func expectUnavailable(
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> String? {
    do {
        try await body()
        Issue.record("\(what): expected StoreError.unavailable, but it succeeded", sourceLocation: sourceLocation)
    } catch StoreError.unavailable(let message) {
        return message
    } catch {
        Issue.record("\(what): expected StoreError.unavailable, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

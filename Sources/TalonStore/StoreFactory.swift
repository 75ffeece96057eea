import Logging

/// Opens the configured store. Callers run `migrate()` themselves (e.g. `talon doctor` only inspects).
public enum StoreFactory {
    /// Connects and verifies the database with one round trip.
    ///
    /// - Throws: `StoreError.unavailable("postgres at host:port: <reason>")` when PostgreSQL cannot be
    ///   reached (within `connectTimeout` + 1 s, no hang), `StoreError.configuration` for bad credentials
    ///   or TLS settings, `StoreError.failed` when the SQLite file cannot be created or opened.
    public static func open(_ settings: DatabaseSettings, logger: Logger) async throws -> any Store {
        switch settings {
        case .sqlite(let path):
            let store = try await SQLiteStore.open(path: path, logger: logger)
            do {
                try await store.ping(timeout: .seconds(5))
            } catch {
                await store.close()
                throw error
            }
            return store
        case .postgres(let postgres):
            return try await PostgresStore.open(settings: postgres, logger: logger)
        }
    }
}

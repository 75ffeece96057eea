/// Which database backs the store, resolved once from the environment at startup.
public enum DatabaseSettings: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file (created 0600 if missing).
    case sqlite(path: String)
    /// A PostgreSQL server.
    case postgres(PostgresSettings)

    /// File name of the default SQLite database inside the state directory.
    public static let defaultSQLiteFileName = "talon.sqlite"

    /// Resolves the database from the environment:
    /// 1. `DATABASE_URL` (`postgres://` or `postgresql://user:pass@host:port/db?sslmode=…`);
    /// 2. else the split variables `DB_HOST` (its presence selects PostgreSQL), `DB_PORT`, `DB_NAME`,
    ///    `DB_USER`, `DB_PASSWORD`, `DB_SSLMODE`;
    /// 3. else SQLite at `<stateDir>/talon.sqlite`.
    ///
    /// `DB_POOL_MAX` (default 10) bounds the PostgreSQL connection pool in both PostgreSQL forms.
    /// Throws `StoreError.configuration` for an unparsable URL, a bad port, an unknown sslmode or a bad pool size.
    public static func resolve(environment: [String: String], stateDir: String) throws -> DatabaseSettings {
        func value(_ name: String) -> String? {
            guard let raw = environment[name] else { return nil }
            let trimmed = raw.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        let poolMax = try parsePoolMax(value("DB_POOL_MAX"))

        if let url = value("DATABASE_URL") {
            var settings = try PostgresSettings(url: url)
            settings.poolMax = poolMax
            return .postgres(settings)
        }
        if let host = value("DB_HOST") {
            let port = try value("DB_PORT").map { try parsePort($0, source: "DB_PORT") } ?? PostgresSettings.defaultPort
            let sslMode = try value("DB_SSLMODE").map { try PostgresSettings.SSLMode(parsing: $0, source: "DB_SSLMODE") } ?? .prefer
            let user = value("DB_USER") ?? PostgresSettings.defaultUser
            return .postgres(
                PostgresSettings(
                    host: host,
                    port: port,
                    user: user,
                    // An empty password is still a password; only absence means "none".
                    password: environment["DB_PASSWORD"],
                    database: value("DB_NAME") ?? user,
                    sslMode: sslMode,
                    poolMax: poolMax
                )
            )
        }
        let dir = stateDir.hasSuffix("/") && stateDir.count > 1 ? String(stateDir.dropLast()) : stateDir
        return .sqlite(path: dir.isEmpty ? defaultSQLiteFileName : "\(dir)/\(defaultSQLiteFileName)")
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let settings): settings.description
        }
    }

    static func parsePort(_ text: String, source: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw StoreError.configuration("\(source): port must be a number between 1 and 65535, got '\(text)'")
        }
        return port
    }

    static func parsePoolMax(_ text: String?) throws -> Int {
        guard let text else { return PostgresSettings.defaultPoolMax }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw StoreError.configuration("DB_POOL_MAX must be a number between 1 and 1000, got '\(text)'")
        }
        return value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

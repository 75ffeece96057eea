/// One schema step. Both backends get the same tables, columns and indexes; only the SQL dialect differs.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// Statements run in order inside one transaction (SQLite prepares one statement at a time).
    public let sqlite: [String]
    public let postgres: [String]

    /// A step whose SQL differs between the dialects.
    public init(version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A step whose SQL is valid on both backends as written.
    public init(version: Int, name: String, both statements: [String]) {
        self.init(version: version, name: name, sqlite: statements, postgres: statements)
    }
}

/// The versioned schema history. To change the schema, append a `Migration` with the next version;
/// never edit or reorder a released one (databases in the field have recorded it as applied).
public enum Migrations {
    /// Applied migrations are recorded here (same shape on both backends).
    static let tableName = "talon_migrations"

    public static let all: [Migration] = [
        Migration(
            version: 1,
            name: "sessions, transcripts, dedupe keys, kv",
            sqlite: [
                // AUTOINCREMENT: seq values are never reused, even after the newest rows are deleted.
                """
                CREATE TABLE transcript_entries (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL,
                    created_at_ms BIGINT NOT NULL,
                    payload_json TEXT NOT NULL)
                """
            ] + v1Common,
            postgres: [
                """
                CREATE TABLE transcript_entries (
                    seq BIGSERIAL PRIMARY KEY,
                    session_id TEXT NOT NULL,
                    created_at_ms BIGINT NOT NULL,
                    payload_json TEXT NOT NULL)
                """
            ] + v1Common
        ),
        Migration(
            version: 2,
            name: "token usage per turn",
            sqlite: [
                """
                CREATE TABLE turn_usage (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL,
                    session_key TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    model_ref TEXT NOT NULL,
                    input_tokens BIGINT NOT NULL,
                    output_tokens BIGINT NOT NULL,
                    created_at_ms BIGINT NOT NULL)
                """,
                "CREATE INDEX turn_usage_session ON turn_usage (session_id, id)",
            ],
            postgres: [
                """
                CREATE TABLE turn_usage (
                    id BIGSERIAL PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    session_key TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    model_ref TEXT NOT NULL,
                    input_tokens BIGINT NOT NULL,
                    output_tokens BIGINT NOT NULL,
                    created_at_ms BIGINT NOT NULL)
                """,
                "CREATE INDEX turn_usage_session ON turn_usage (session_id, id)",
            ]
        ),
        Migration(
            version: 3,
            name: "channel inbox, outbox and leases",
            sqlite: channelTables(id: "INTEGER PRIMARY KEY AUTOINCREMENT") + v3Common,
            postgres: channelTables(id: "BIGSERIAL PRIMARY KEY") + v3Common
        ),
    ]

    /// Inbox and outbox: the same columns on both backends, only the id column's type differs.
    private static func channelTables(id: String) -> [String] {
        [
            """
            CREATE TABLE channel_inbox (
                id \(id),
                channel TEXT NOT NULL,
                account TEXT NOT NULL,
                external_id TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                UNIQUE (channel, account, external_id))
            """,
            """
            CREATE TABLE channel_outbox (
                id \(id),
                channel TEXT NOT NULL,
                account TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_ms BIGINT NOT NULL,
                last_error TEXT,
                created_at_ms BIGINT NOT NULL,
                updated_at_ms BIGINT NOT NULL)
            """,
        ]
    }

    private static let v3Common = [
        "CREATE INDEX channel_inbox_state ON channel_inbox (channel, account, state, id)",
        "CREATE INDEX channel_outbox_state ON channel_outbox (channel, account, state, id)",
        """
        CREATE TABLE leases (
            name TEXT NOT NULL PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at_ms BIGINT NOT NULL)
        """,
    ]

    /// The highest schema version this binary knows (the database may not be ahead of it).
    public static let latestVersion: Int = all.last?.version ?? 0

    private static let v1Common = [
        "CREATE INDEX transcript_entries_session_seq ON transcript_entries (session_id, seq)",
        """
        CREATE TABLE sessions (
            session_key TEXT NOT NULL PRIMARY KEY,
            session_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            created_at_ms BIGINT NOT NULL,
            updated_at_ms BIGINT NOT NULL,
            overrides_json TEXT NOT NULL DEFAULT '{}')
        """,
        "CREATE INDEX sessions_updated ON sessions (updated_at_ms)",
        "CREATE INDEX sessions_agent_updated ON sessions (agent_id, updated_at_ms)",
        """
        CREATE TABLE dedupe_keys (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            expires_at_ms BIGINT NOT NULL,
            PRIMARY KEY (scope, key))
        """,
        "CREATE INDEX dedupe_keys_expires ON dedupe_keys (expires_at_ms)",
        """
        CREATE TABLE kv (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at_ms BIGINT NOT NULL,
            PRIMARY KEY (namespace, key))
        """,
    ]

    /// Creates the bookkeeping table; identical on both backends and safe to repeat.
    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS talon_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at_ms BIGINT NOT NULL)
        """

    /// Throws when the database was migrated by a newer binary.
    static func checkNotTooNew(_ databaseVersion: Int) throws {
        if databaseVersion > latestVersion {
            throw StoreError.schemaTooNew(database: databaseVersion, binary: latestVersion)
        }
    }
}

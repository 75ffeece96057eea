import Testing

@testable import TalonStore

@Suite("DatabaseSettings.resolve")
struct DatabaseSettingsTests {
    private func postgres(_ environment: [String: String]) throws -> PostgresSettings {
        guard case .postgres(let settings) = try DatabaseSettings.resolve(environment: environment, stateDir: "/var/lib/talon") else {
            throw StoreError.failed("expected postgres settings")
        }
        return settings
    }

    private func configurationError(_ environment: [String: String]) -> String? {
        do {
            let settings = try DatabaseSettings.resolve(environment: environment, stateDir: "/s")
            Issue.record("expected a configuration error, got \(settings)")
        } catch StoreError.configuration(let message) {
            return message
        } catch {
            Issue.record("expected StoreError.configuration, got \(error)")
        }
        return nil
    }

    @Test func defaultsToSQLiteInTheStateDirectory() throws {
        #expect(try DatabaseSettings.resolve(environment: [:], stateDir: "/var/lib/talon") == .sqlite(path: "/var/lib/talon/talon.sqlite"))
        #expect(try DatabaseSettings.resolve(environment: [:], stateDir: "/var/lib/talon/") == .sqlite(path: "/var/lib/talon/talon.sqlite"))
        // Empty values count as unset.
        #expect(
            try DatabaseSettings.resolve(environment: ["DATABASE_URL": "", "DB_HOST": " "], stateDir: "/s")
                == .sqlite(path: "/s/talon.sqlite"))
    }

    @Test func urlWithEncodedPassword() throws {
        let settings = try postgres([
            "DATABASE_URL": "postgres://talon%40ops:p%40ss%3Aw%2Frd%25@db.internal:6432/talon_prod?sslmode=require"
        ])
        #expect(settings.user == "talon@ops")
        #expect(settings.password == "p@ss:w/rd%")
        #expect(settings.host == "db.internal")
        #expect(settings.port == 6432)
        #expect(settings.database == "talon_prod")
        #expect(settings.sslMode == .require)
        #expect(settings.poolMax == 10)
    }

    @Test func urlDefaults() throws {
        let settings = try postgres(["DATABASE_URL": "postgresql://alice@localhost"])
        #expect(settings.port == 5432)
        #expect(settings.sslMode == .prefer)
        #expect(settings.database == "alice", "the database defaults to the user name, as in libpq")
        #expect(settings.password == nil)

        let ipv6 = try postgres(["DATABASE_URL": "postgres://u:pw@[::1]:5433/d?application_name=talon&sslmode=verify-full"])
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5433)
        #expect(ipv6.sslMode == .verifyFull)
        #expect(ipv6.description == "postgres://u@[::1]:5433/d?sslmode=verify-full")
    }

    @Test func splitVariables() throws {
        let settings = try postgres([
            "DB_HOST": "pg.svc", "DB_PORT": "15432", "DB_NAME": "talon", "DB_USER": "svc", "DB_PASSWORD": "s3cret",
            "DB_SSLMODE": "verify-ca", "DB_POOL_MAX": "4",
        ])
        #expect(
            settings
                == PostgresSettings(
                    host: "pg.svc", port: 15432, user: "svc", password: "s3cret", database: "talon", sslMode: .verifyCA, poolMax: 4))

        let minimal = try postgres(["DB_HOST": "pg.svc"])
        #expect(minimal.port == 5432)
        #expect(minimal.user == "postgres")
        #expect(minimal.database == "postgres")
        #expect(minimal.sslMode == .prefer)
        #expect(minimal.password == nil)
        #expect(minimal.poolMax == 10)
    }

    @Test func urlWinsOverSplitVariables() throws {
        let settings = try postgres(["DATABASE_URL": "postgres://u@from-url/d", "DB_HOST": "from-split", "DB_POOL_MAX": "3"])
        #expect(settings.host == "from-url")
        #expect(settings.poolMax == 3)
    }

    @Test(arguments: [
        "mysql://u@h/d",
        "postgres:/h/d",
        "not a url",
        "postgres://u:p@/d",
        "postgres://u:p@h:99999/d",
        "postgres://u:p@h:port/d",
        "postgres://u:p%zz@h/d",
        "postgres://u@h1,h2/d",
        "postgres://u@h/d/extra",
    ])
    func badURLs(_ url: String) {
        let message = configurationError(["DATABASE_URL": url])
        #expect(message?.contains("DATABASE_URL") == true)
    }

    @Test func badValuesAreConfigurationErrors() {
        #expect(configurationError(["DATABASE_URL": "postgres://u@h/d?sslmode=sometimes"])?.contains("sometimes") == true)
        #expect(configurationError(["DB_HOST": "h", "DB_SSLMODE": "on"])?.contains("DB_SSLMODE") == true)
        #expect(configurationError(["DB_HOST": "h", "DB_PORT": "0"])?.contains("DB_PORT") == true)
        #expect(configurationError(["DB_HOST": "h", "DB_PORT": "54x"])?.contains("DB_PORT") == true)
        #expect(configurationError(["DB_HOST": "h", "DB_POOL_MAX": "0"])?.contains("DB_POOL_MAX") == true)
    }

    @Test func passwordNeverShows() throws {
        let secret = "hunter2-very-secret"
        let settings = try postgres(["DATABASE_URL": "postgres://talon:\(secret)@db:5432/talon"])
        #expect(settings.description == "postgres://talon@db:5432/talon?sslmode=prefer")
        #expect(DatabaseSettings.postgres(settings).description == settings.description)
        for text in [
            settings.description, String(reflecting: settings), "\(settings)", String(describing: DatabaseSettings.postgres(settings)),
        ] {
            #expect(!text.contains(secret))
        }
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains(secret))
        // Nor do the errors, which must not echo the URL.
        let message = configurationError(["DATABASE_URL": "postgres://talon:\(secret)@db:notaport/talon"])
        #expect(message?.contains(secret) == false)
    }
}

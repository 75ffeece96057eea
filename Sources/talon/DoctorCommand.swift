import ArgumentParser
import FoundationEssentials
import Logging
import TalonCore
import TalonGateway
import TalonStore

/// Checks what would stop the gateway from starting, and says how to fix each problem.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Validate the config, open the store, check file permissions; exit non-zero on any problem."
    )

    @OptionGroup var state: StateOptions

    struct Problem {
        var what: String
        var fix: String
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = state.paths(environment: environment)
        // Driver chatter would drown the report; only critical lines get through.
        LogSetup.bootstrap(level: .critical)
        var problems: [Problem] = []

        print("talon doctor \(TalonVersion.current)")
        print("state dir: \(paths.stateDir)")
        print("config:    \(paths.configPath)")

        checkPermissions(path: paths.stateDir, expected: 0o700, kind: "state dir", problems: &problems)
        var config: TalonConfig?
        do {
            let loaded = try ConfigLoader.load(path: paths.configPath, environment: environment)
            config = loaded.config
            if loaded.fileExists {
                checkPermissions(path: paths.configPath, expected: 0o600, kind: "config file", problems: &problems)
                print("ok: config is valid")
            } else {
                print("ok: no config file; safe defaults apply")
            }
            for warning in loaded.warnings {
                print("warning: \(warning)")
            }
        } catch {
            for issue in error.issues {
                let location = issue.path.isEmpty ? error.file : issue.path
                problems.append(
                    Problem(
                        what: "config \(location): \(issue.message)",
                        fix: issue.hint.map { "edit \(error.file): \($0)" } ?? "edit \(error.file) at \(location)"
                    )
                )
            }
        }

        if let config {
            do {
                _ = try GatewaySettings.resolve(config: config, environment: environment, generateToken: { "" })
                print("ok: gateway settings resolve")
            } catch {
                problems.append(Problem(what: error.description, fix: "change gateway.bind / gateway.auth in the config"))
            }
        }

        await checkStore(paths: paths, environment: environment, problems: &problems)

        if problems.isEmpty {
            print("no problems found")
            return
        }
        print("")
        for problem in problems {
            print("problem: \(problem.what)")
            print("    fix: \(problem.fix)")
        }
        print("\(problems.count) problem(s) found")
        throw ExitCodes.failure
    }

    func checkPermissions(path: String, expected: UInt32, kind: String, problems: inout [Problem]) {
        guard let mode = FileSystem.permissions(path) else {
            if kind == "state dir" { print("ok: \(kind) does not exist yet; the gateway creates it with mode 700") }
            return
        }
        if mode & ~expected & 0o777 != 0 {
            problems.append(
                Problem(
                    what: "\(kind) \(path) has mode \(String(mode, radix: 8)), readable by others",
                    fix: "chmod \(String(expected, radix: 8)) \(path)"
                )
            )
        } else {
            print("ok: \(kind) permissions \(String(mode, radix: 8))")
        }
    }

    func checkStore(paths: StatePaths, environment: [String: String], problems: inout [Problem]) async {
        let logger = Logger(label: "talon.doctor")
        let settings: DatabaseSettings
        do {
            settings = try DatabaseSettings.resolve(environment: environment, stateDir: paths.stateDir)
        } catch {
            problems.append(Problem(what: "\(error)", fix: "correct DATABASE_URL or the DB_* variables"))
            return
        }
        if case .sqlite = settings, !FileSystem.isDirectory(paths.stateDir) {
            print("ok: store will be created at first start (\(paths.stateDir)/talon.sqlite)")
            return
        }
        do {
            let store = try await StoreFactory.open(settings, logger: logger)
            let version: Int
            do {
                try await store.migrate()
                version = try await store.schemaVersion()
            } catch {
                await store.close()
                throw error
            }
            print("ok: store \(store.backend) reachable, schema version \(version)")
            await store.close()
            if case .sqlite(let path) = settings {
                checkPermissions(path: path, expected: 0o600, kind: "database file", problems: &problems)
            }
        } catch {
            let fix: String
            switch settings {
            case .sqlite(let path): fix = "check that \(path) is writable and not corrupt"
            case .postgres: fix = "check that the PostgreSQL server is running and DATABASE_URL / DB_* are correct"
            }
            problems.append(Problem(what: "store: \(error)", fix: fix))
        }
    }
}

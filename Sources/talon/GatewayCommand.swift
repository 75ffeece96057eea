import ArgumentParser
import FoundationEssentials
import Logging
import Metrics
import Prometheus
import TalonCore
import TalonGateway
import TalonStore

struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run the gateway (HTTP and WebSocket on one port)."
    )

    @Option(name: .long, help: "Port (0 picks a free one). Default: $OPENCLAW_GATEWAY_PORT, gateway.port, 18789.")
    var port: Int?

    @Option(name: .long, help: "Bind mode: loopback, lan or custom (default: gateway.bind, loopback).")
    var bind: String?

    @OptionGroup var state: StateOptions

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel: String?

    func validate() throws {
        if let bind, BindMode(rawValue: bind) == nil || bind == "auto" || bind == "tailnet" {
            throw ValidationError("--bind must be loopback, lan or custom")
        }
        if let logLevel, LogSetup.parse(logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = state.paths(environment: environment)
        let loaded = try loadConfigOrExit(paths: paths, environment: environment)
        LogSetup.bootstrap(level: LogSetup.level(flag: logLevel, environment: environment, config: loaded.config))
        let logger = Logger(label: "talon.gateway")
        for warning in loaded.warnings {
            logger.warning("config: \(warning)")
        }
        if !loaded.fileExists {
            logger.info("no config file; using defaults", metadata: ["path": .string(paths.configPath)])
        }

        let settings: GatewaySettings
        do {
            settings = try GatewaySettings.resolve(
                config: loaded.config,
                environment: environment,
                portOverride: port,
                bindOverride: bind.flatMap(BindMode.init(rawValue:))
            )
        } catch {
            printError("talon: \(error.description)")
            throw ExitCodes.invalidConfig
        }
        if settings.auth.tokenWasGenerated, case .token(let token) = settings.auth.mode {
            // Printed once, to stderr only, so the operator can connect; it is never logged.
            printError("talon: no gateway token configured; generated one for this run: \(token)")
        }

        do {
            try FileSystem.createDirectory(paths.stateDir, mode: 0o700)
        } catch {
            logger.critical("cannot create state dir", metadata: ["error": .string(error.description)])
            throw ExitCodes.failure
        }
        if let mode = FileSystem.permissions(paths.stateDir), mode & 0o077 != 0 {
            logger.warning(
                "state dir is accessible by other users; run: chmod 700 \(paths.stateDir)",
                metadata: ["mode": .string(String(mode, radix: 8))]
            )
        }

        let store = try await openStoreOrExit(paths: paths, environment: environment, logger: logger)
        logger.info(
            "starting gateway",
            metadata: [
                "version": .string(TalonVersion.current), "bind": .string(settings.host), "auth": .string(settings.auth.modeName),
                "store": .string(store.backend),
            ]
        )
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let gateway = Gateway(
            settings: settings, store: store, logger: logger, stateDir: paths.stateDir, environment: environment, metricsRegistry: registry)
        let generatedToken: String? =
            if settings.auth.tokenWasGenerated, case .token(let token) = settings.auth.mode { token } else { nil }
        try await gateway.run { host, port in
            let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            let url = "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)/"
            // The token travels in the fragment, which browsers never send to the server.
            printError("talon: WebChat: \(url)" + (generatedToken.map { "#token=\($0)" } ?? ""))
        }
    }
}

/// Loads the config or exits 78 with every problem listed (upstream's convention for invalid config).
func loadConfigOrExit(paths: StatePaths, environment: [String: String]) throws -> LoadedConfig {
    do {
        return try ConfigLoader.load(path: paths.configPath, environment: environment)
    } catch {
        printError("talon: invalid config \(error.file):")
        for issue in error.issues {
            printError("  - \(issue.description)")
        }
        throw ExitCodes.invalidConfig
    }
}

/// Opens and migrates the configured store or exits 1 with a clear reason.
func openStoreOrExit(paths: StatePaths, environment: [String: String], logger: Logger) async throws -> any Store {
    do {
        let settings = try DatabaseSettings.resolve(environment: environment, stateDir: paths.stateDir)
        let store = try await StoreFactory.open(settings, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    } catch {
        logger.critical("cannot open store", metadata: ["error": .string("\(error)")])
        printError("talon: cannot open store: \(error)")
        throw ExitCodes.failure
    }
}

func printError(_ line: String) {
    var stream = StandardError()
    print(line, to: &stream)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        ConsoleOutput.stderr(string)
    }
}

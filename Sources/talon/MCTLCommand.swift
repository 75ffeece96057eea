import ArgumentParser
import FoundationEssentials
import Logging
import TalonCore
import TalonMCTL

struct MCTLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mctl", abstract: "The MCTL platform side: managed OpenClaw deployment tools over MCP and REST.",
        subcommands: [MCTLServeCommand.self, MCTLStdioCommand.self])
}

/// Options `serve` and `mcp-stdio` share.
struct MCTLPlatformOptions: ParsableArguments {
    @Option(name: .customLong("gitops-repo"), help: "The GitOps repository (a git work tree) to read tenants from and commit to.")
    var gitopsRepo: String

    @Option(
        name: .customLong("state-dir"),
        help: "State directory for the embedded secrets store (default: $OPENCLAW_STATE_DIR or ~/.openclaw).")
    var stateDir: String?

    @Option(name: .customLong("git-author"), help: "Commit author, \"Name <email>\".")
    var gitAuthor: String = MCTLServeOptions.defaultGitAuthor

    @Option(
        name: .customLong("public-url"),
        help: "This server's public URL, used in bot-token intake links (default: $TALON_MCTL_PUBLIC_URL or http://<bind>:<port>).")
    var publicURL: String?

    @Option(name: .long, help: "Container image of onboarded instances.")
    var image: String = MCTLServeOptions.defaultImage

    @Option(name: .customLong("cnpg-dir"), help: "CNPG manifests directory in the GitOps repo.")
    var cnpgDir: String = MCTLServeOptions.defaultCNPGDir

    @Option(name: .long, help: "A JSON or YAML file adding or overriding resource profiles.")
    var profiles: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel: String?

    func options(host: String, port: Int, trustForwarded: Bool, environment: [String: String]) -> MCTLServeOptions {
        let stateDir = StatePaths.resolve(stateDirFlag: stateDir, configFlag: nil, environment: environment).stateDir
        return MCTLServeOptions(
            gitopsRepo: gitopsRepo, host: host, port: port, stateDir: stateDir, gitAuthor: gitAuthor, publicURL: publicURL, image: image,
            cnpgDir: cnpgDir, profilesFile: profiles, trustForwardedHeaders: trustForwarded)
    }
}

struct MCTLServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the platform's OpenClaw tools: MCP at /mcp, REST at /api/v1/openclaw, the intake page.")

    @OptionGroup var platform: MCTLPlatformOptions

    @Option(name: .long, help: "Port (0 picks a free one).")
    var port: Int = MCTLServeOptions.defaultPort

    @Option(name: .long, help: "loopback or lan.")
    var bind: String = "loopback"

    @Flag(name: .customLong("trust-forwarded-headers"), help: "Use X-Forwarded-Proto/-Host for the intake page's same-origin check.")
    var trustForwardedHeaders = false

    func validate() throws {
        guard bind == "loopback" || bind == "lan" else { throw ValidationError("--bind must be loopback or lan") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        if let level = platform.logLevel, LogSetup.parse(level) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LogSetup.bootstrap(level: LogSetup.level(flag: platform.logLevel, environment: environment, config: nil))
        let logger = Logger(label: "talon.mctl")
        let options = platform.options(
            host: bind == "lan" ? "0.0.0.0" : "127.0.0.1", port: port, trustForwarded: trustForwardedHeaders, environment: environment)
        do {
            try await MCTLServe.run(options, environment: environment, logger: logger) { port in
                printError("talon: mctl serve listening on http://\(options.host):\(port)/ (MCP at /mcp)")
            }
        } catch let error as MCTLServeError {
            printError("talon: \(error.description)")
            throw ExitCodes.invalidConfig
        }
    }
}

struct MCTLStdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-stdio", abstract: "The same MCP tools over stdin/stdout; the caller is the JWT in $MCTL_TOKEN.")

    @OptionGroup var platform: MCTLPlatformOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // stdout carries the protocol: logs go to stderr only, and only warnings by default.
        LogSetup.bootstrap(
            level: LogSetup.level(flag: platform.logLevel ?? "warning", environment: [:], config: nil), toStandardError: true)
        let logger = Logger(label: "talon.mctl")
        do {
            try await MCTLServe.runStdio(
                platform.options(host: "127.0.0.1", port: MCTLServeOptions.defaultPort, trustForwarded: false, environment: environment),
                environment: environment, logger: logger)
        } catch let error as MCTLServeError {
            printError("talon: \(error.description)")
            throw ExitCodes.invalidConfig
        }
    }
}

import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MCP
import ServiceLifecycle
import TalonCore

/// `talon mctl serve` / `talon mctl mcp-stdio`: the platform side of managed OpenClaw deployment.
public struct MCTLServeOptions: Sendable {
    public var gitopsRepo: String
    public var host: String
    public var port: Int
    public var stateDir: String
    public var gitAuthor: String
    public var publicURL: String?
    public var image: String
    public var cnpgDir: String
    public var profilesFile: String?
    public var trustForwardedHeaders: Bool

    public static let defaultPort = 18790
    public static let defaultGitAuthor = "talon <talon@localhost>"
    public static let defaultImage = "ghcr.io/mctlhq/mctl-openclaw:latest"
    public static let defaultCNPGDir = "platform-gitops/infra-components/data/cnpg/shared"

    public init(
        gitopsRepo: String, host: String = "127.0.0.1", port: Int = Self.defaultPort, stateDir: String,
        gitAuthor: String = Self.defaultGitAuthor, publicURL: String? = nil, image: String = Self.defaultImage,
        cnpgDir: String = Self.defaultCNPGDir, profilesFile: String? = nil, trustForwardedHeaders: Bool = false
    ) {
        self.gitopsRepo = gitopsRepo
        self.host = host
        self.port = port
        self.stateDir = stateDir
        self.gitAuthor = gitAuthor
        self.publicURL = publicURL
        self.image = image
        self.cnpgDir = cnpgDir
        self.profilesFile = profilesFile
        self.trustForwardedHeaders = trustForwardedHeaders
    }
}

/// A configuration problem found before serving; the CLI prints it and exits non-zero.
public struct MCTLServeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

public enum MCTLServe {
    /// "Name <email>" → (name, email).
    static func parseAuthor(_ text: String) throws -> (name: String, email: String) {
        guard let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else {
            throw MCTLServeError("--git-author must look like \"Name <email>\"")
        }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !email.isEmpty, !email.contains(where: { $0 == "<" || $0 == ">" || $0.isNewline }) else {
            throw MCTLServeError("--git-author must look like \"Name <email>\"")
        }
        return (name, email)
    }

    /// Everything the operations need, from options and environment; fails on bad configuration.
    static func makePlatform(
        _ options: MCTLServeOptions, environment: [String: String], publicURL: PublicBaseURL, logger: Logger
    ) async throws -> (OpenClawPlatform, MCTLJWTVerifier) {
        let author = try parseAuthor(options.gitAuthor)
        let root = URL(fileURLWithPath: options.gitopsRepo).standardizedFileURL
        let repo = GitOpsRepo(root: root, authorName: author.name, authorEmail: author.email)
        do {
            try await repo.validate()
        } catch {
            throw MCTLServeError("--gitops-repo \(options.gitopsRepo): \(error)")
        }
        do {
            try FileSystem.createDirectory(options.stateDir, mode: 0o700)
        } catch {
            throw MCTLServeError("--state-dir \(options.stateDir): \(error)")
        }
        let secrets: any PlatformSecrets
        let metrics: PrometheusRangeClient?
        let linkSigner: IntakeLinkSigner
        do {
            linkSigner = try IntakeLinkSigner(stateDirectory: URL(fileURLWithPath: options.stateDir))
            secrets = try PlatformSecretsBackend.fromEnvironment(environment, stateDirectory: URL(fileURLWithPath: options.stateDir))
            metrics = try PrometheusRangeClient.fromEnvironment(environment)
        } catch {
            throw MCTLServeError("\(error)")
        }
        let sizing = OpenClawSizing(metrics: metrics)
        var profiles = ResourceProfileTable.builtIn
        if let file = options.profilesFile {
            do {
                profiles = try ResourceProfileTable.load(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw MCTLServeError("--profiles \(file): \(error)")
            }
        }
        let jwt: MCTLJWTConfiguration
        do {
            jwt = try MCTLJWTConfiguration.fromEnvironment(environment)
        } catch {
            throw MCTLServeError("\(error)")
        }
        for warning in jwt.startupWarnings { logger.warning("\(warning)") }
        logger.info("\(jwt.summary)")
        let verifier = MCTLJWTVerifier(configuration: jwt)
        let platform = OpenClawPlatform(
            repo: repo, secrets: secrets, sizing: sizing, profiles: profiles, floor: .default,
            settings: OpenClawPlatformSettings(
                intakeBaseURL: publicURL, image: options.image, cnpgDir: options.cnpgDir, linkSigner: linkSigner),
            logger: logger)
        logger.info(
            "mctl platform ready",
            metadata: [
                "gitops": .string(root.path), "secrets": .string(secrets.backendName),
                "metrics": .string(metrics == nil ? "none (sizing answers startup)" : "prometheus-compatible"),
            ])
        return (platform, verifier)
    }

    /// Serves until SIGTERM/SIGINT. `onRunning` gets the bound port (0 picks a free one).
    public static func run(
        _ options: MCTLServeOptions, environment: [String: String], logger: Logger,
        handleSignals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let configured = (options.publicURL ?? environment["TALON_MCTL_PUBLIC_URL"]).map { $0.trimmingSuffix("/") }
        let shownHost = options.host == "0.0.0.0" ? "127.0.0.1" : options.host
        let publicURL = PublicBaseURL(configured ?? "http://\(shownHost):\(options.port)")
        let (platform, verifier) = try await makePlatform(options, environment: environment, publicURL: publicURL, logger: logger)
        let intake = IntakeRoutes(
            platform: platform, verifier: verifier, trustForwardedHeaders: options.trustForwardedHeaders, logger: logger)
        let app = MCTLServeApp(platform: platform, verifier: verifier, intake: intake, logger: logger)
        let application = Application(
            router: app.router(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "talon-mctl"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                if configured == nil { publicURL.set("http://\(shownHost):\(port)") }
                await onRunning(port)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application, serviceName: "http")],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }

    /// MCP over stdin/stdout for a local client; the caller is the JWT in `MCTL_TOKEN`.
    public static func runStdio(_ options: MCTLServeOptions, environment: [String: String], logger: Logger) async throws {
        let publicURL = PublicBaseURL(
            (options.publicURL ?? environment["TALON_MCTL_PUBLIC_URL"] ?? "http://127.0.0.1:\(options.port)").trimmingSuffix("/"))
        let (platform, verifier) = try await makePlatform(options, environment: environment, publicURL: publicURL, logger: logger)
        let caller: MCTLCaller
        switch await verifier.verify(bearerHeader: environment["MCTL_TOKEN"].map { "Bearer " + $0 }) {
        case .success(let verified): caller = verified
        case .failure(let failure): throw MCTLServeError("MCTL_TOKEN: \(failure.message) (\(failure.reason.rawValue))")
        }
        let server = await PlatformMCPServer(platform: platform, logger: logger).makeServer(caller: caller)
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

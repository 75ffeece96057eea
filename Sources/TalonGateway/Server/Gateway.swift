import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import TalonAgent
import TalonChannels
import TalonCore
import TalonMCP
import TalonMCTL
import TalonModels
import TalonStore
import TalonTools

/// The gateway process: one port for every HTTP route (and, in later features, the WebSocket protocol),
/// run with its supporting services under one `ServiceGroup` so shutdown is graceful and ordered.
public struct Gateway: Sendable {
    public let settings: GatewaySettings
    public let store: any Store
    public let readiness: Readiness
    let logger: Logger
    let limiter: FailedAuthLimiter
    let clock: @Sendable () -> Int64
    public let runtime: AgentRuntime
    let services: GatewayServices
    let webChat: WebChatAssets
    let hookSettings: HookSettings
    let hookRunner: HookRunner
    let metricsRegistry: PrometheusCollectorRegistry?
    public let telegram: TelegramChannel
    let mcp: MCPServerManager

    /// - Parameters:
    ///   - runtime: the agent runtime; nil builds one from the config, `environment` and `stateDir`.
    public init(
        settings: GatewaySettings,
        store: any Store,
        logger: Logger,
        readiness: Readiness = Readiness(),
        runtime: AgentRuntime? = nil,
        stateDir: String = StatePaths.resolve(stateDirFlag: nil, configFlag: nil, environment: [:]).stateDir,
        environment: [String: String] = [:],
        metricsRegistry: PrometheusCollectorRegistry? = nil,
        clock: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }
    ) {
        self.metricsRegistry = metricsRegistry
        self.settings = settings
        self.store = store
        self.logger = logger
        self.readiness = readiness
        self.limiter = FailedAuthLimiter(config: settings.auth.rateLimit)
        self.clock = clock
        let mctl = MCTLConnect(
            stateDir: stateDir, apiBase: MCTLConnect.apiBase(environment: environment), logger: Logger(label: "talon.mctl"))
        let mcp = MCPServerManager(
            settings: MCPSettings.parse(settings.config.mcp, environment: environment), bearer: mctl, logger: Logger(label: "talon.mcp"))
        self.mcp = mcp
        let runtime =
            runtime
            ?? Gateway.makeRuntime(
                config: settings.config, store: store, stateDir: stateDir, environment: environment, logger: logger, toolSources: [mcp])
        self.runtime = runtime
        let telegramSettings = TelegramSettings.parse(settings.config.channels, environment: environment)
        let telegram = TelegramChannel(
            settings: telegramSettings, store: store, runtime: runtime, environment: environment, health: readiness,
            logger: Logger(label: "talon.telegram"))
        self.telegram = telegram
        self.services = GatewayServices(
            settings: settings, store: store, runtime: runtime, hub: EventHub(clock: clock),
            authenticator: ConnectAuthenticator(
                settings: settings.auth, trustedProxies: settings.trustedProxies, limiter: limiter, clock: clock),
            startedAtMs: clock(), clock: clock, telegram: telegram, mctl: mctl, mcp: mcp)
        self.webChat = WebChatAssets.load(environment: environment, logger: logger)
        self.hookSettings = HookSettings(config: settings.config.hooks)
        self.hookRunner = HookRunner(
            store: store, runtime: runtime, maxPending: hookSettings.maxPendingRuns, logger: Logger(label: "talon.hooks"),
            delivery: ChannelDelivery(store: store, telegram: telegramSettings), clock: clock)
    }

    /// The production runtime: configured and built-in model providers, the built-in tools.
    public static func makeRuntime(
        config: TalonConfig, store: any Store, stateDir: String, environment: [String: String], logger: Logger,
        toolSources: [any ToolSource] = []
    ) -> AgentRuntime {
        let models = ModelClient(config: config, environment: environment, logger: Logger(label: "talon.models"))
        return AgentRuntime(
            config: config, store: store, models: models,
            tools: BuiltinTools.all(config: config, store: store, environment: environment, logger: Logger(label: "talon.tools")),
            stateDir: stateDir, logger: Logger(label: "talon.agent"), environment: environment, toolSources: toolSources)
    }

    /// Probe paths that never need credentials.
    static let publicPaths: Set<String> = ["/health", "/healthz", "/ready", "/readyz"]

    public func buildRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(
            middleware: BodyLimitMiddleware(
                defaultLimit: settings.maxBodyBytes,
                limitsByPathPrefix: [
                    ("/v1/chat/completions", OpenAIRoutes.bodyLimit), (hookSettings.path + "/", hookSettings.maxBodyBytes),
                    ("/tools/invoke", ToolsInvokeRoutes.bodyLimit),
                ]))
        // Before gateway auth: hooks authenticate with their own token.
        router.add(
            middleware: HooksMiddleware(
                settings: hookSettings, store: store, runner: hookRunner, limiter: limiter,
                exemptLoopback: settings.auth.rateLimit.exemptLoopback, defaultAgentId: settings.config.agents.defaultAgentId,
                clock: clock))
        // Before gateway auth too: Telegram authenticates with the webhook secret.
        if !telegram.webhookPaths.isEmpty { router.add(middleware: TelegramWebhookMiddleware(channel: telegram)) }
        router.add(
            middleware: AuthMiddleware(
                settings: settings.auth,
                trustedProxies: settings.trustedProxies,
                limiter: limiter,
                publicPaths: Self.publicPaths.union(WebChatAssets.publicPaths),
                clock: clock
            )
        )
        HealthRoutes(store: store, readiness: readiness, authSettings: settings.auth, storeTimeout: .seconds(2))
            .register(on: router)
        StatusRoutes(settings: settings, store: store).register(on: router)
        webChat.register(on: router, noModelHint: services.modelInfo()["hint"]?.stringValue)
        OpenAIRoutes(services: services).register(on: router)
        IncidentRoutes(store: store).register(on: router)
        ToolsInvokeRoutes(runtime: runtime, config: settings.config).register(on: router)
        if let metricsRegistry { MetricsRoutes(registry: metricsRegistry).register(on: router) }
        return router
    }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or cancellation; then stops accepting, drains
    /// in-flight requests for at most `settings.drainTimeout`, and closes the store.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        let logger = self.logger
        let host = settings.host
        let requestedPort = settings.port
        let services = self.services
        let settings = self.settings
        let app = Application(
            router: buildRouter(),
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: GatewayProtocol.maxPayload, autoPing: .enabled(timePeriod: .seconds(30))))
            ) { request, channel, logger in
                // Any path upgrades, as upstream (its Control UI uses `/`, SDK clients `/gateway`); auth is in `connect`.
                let upgrade = UpgradeInfo(request: request, peer: channel.remoteAddress, auth: settings.auth)
                return .upgrade([:]) { inbound, outbound, _ in
                    await GatewayConnection(services: services, upgrade: upgrade, logger: logger).run(inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? requestedPort
                logger.info("gateway listening", metadata: ["host": .string(host), "port": .stringConvertible(port)])
                await onListening(host, port)
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                // Named explicitly: without a name, ServiceLifecycle describes each service by reflection ("\(service)"),
                // which walks every stored property through the runtime's conformance lookups: ~7 ms of start-up.
                services: [
                    .init(service: StoreCloser(store: store, logger: logger), serviceName: "store"),
                    .init(service: DedupeSweeper(store: store, logger: logger, clock: clock), serviceName: "dedupe-sweeper"),
                    .init(service: EventHubService(hub: services.hub, runtime: runtime), serviceName: "event-hub"),
                    .init(service: HookResumeService(runner: hookRunner), serviceName: "hook-resume"),
                    .init(service: telegram, serviceName: "telegram"),
                    .init(service: MCTLRefresherService(connect: services.mctl), serviceName: "mctl-refresher"),
                    .init(service: MCPShutdownService(manager: mcp), serviceName: "mcp"),
                    .init(service: app, serviceName: "http"),
                    .init(
                        service: DrainMarker(readiness: readiness, logger: logger, timeout: settings.drainTimeout),
                        serviceName: "drain-marker"),
                ],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                cancellationSignals: [],
                logger: logger
            ).withMaximumGracefulShutdown(settings.drainTimeout)
        )
        try await group.run()
        logger.info("gateway stopped")
    }
}

extension ServiceGroupConfiguration {
    fileprivate func withMaximumGracefulShutdown(_ duration: Duration) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = duration
        return copy
    }
}

/// Closes the store last, after the HTTP server has drained (services shut down in reverse order).
struct StoreCloser: Service {
    let store: any Store
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
        logger.info("store closed", metadata: ["backend": .string(store.backend)])
    }
}

/// First to hear about shutdown: flips `/readyz` to 503 so traffic moves away while requests drain.
struct DrainMarker: Service {
    let readiness: Readiness
    let logger: Logger
    let timeout: Duration

    func run() async throws {
        try? await gracefulShutdown()
        await readiness.beginDraining()
        logger.info("shutting down: draining in-flight requests", metadata: ["timeout_s": .stringConvertible(timeout.components.seconds)])
    }
}

import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TalonCore
import TalonStore

/// The gateway process: one port for every HTTP route (and, in later features, the WebSocket protocol),
/// run with its supporting services under one `ServiceGroup` so shutdown is graceful and ordered.
public struct Gateway: Sendable {
    public let settings: GatewaySettings
    public let store: any Store
    public let readiness: Readiness
    let logger: Logger
    let limiter: FailedAuthLimiter
    let clock: @Sendable () -> Int64

    public init(
        settings: GatewaySettings,
        store: any Store,
        logger: Logger,
        readiness: Readiness = Readiness(),
        clock: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }
    ) {
        self.settings = settings
        self.store = store
        self.logger = logger
        self.readiness = readiness
        self.limiter = FailedAuthLimiter(config: settings.auth.rateLimit)
        self.clock = clock
    }

    /// Probe paths that never need credentials.
    static let publicPaths: Set<String> = ["/health", "/healthz", "/ready", "/readyz"]

    public func buildRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(defaultLimit: settings.maxBodyBytes, limitsByPathPrefix: []))
        router.add(
            middleware: AuthMiddleware(
                settings: settings.auth,
                trustedProxies: settings.trustedProxies,
                limiter: limiter,
                publicPaths: Self.publicPaths,
                clock: clock
            )
        )
        HealthRoutes(store: store, readiness: readiness, authSettings: settings.auth, storeTimeout: .seconds(2))
            .register(on: router)
        StatusRoutes(settings: settings, store: store).register(on: router)
        return router
    }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or cancellation; then stops accepting, drains
    /// in-flight requests for at most `settings.drainTimeout`, and closes the store.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        let logger = self.logger
        let host = settings.host
        let requestedPort = settings.port
        let app = Application(
            router: buildRouter(),
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
                services: [
                    .init(service: StoreCloser(store: store, logger: logger)),
                    .init(service: DedupeSweeper(store: store, logger: logger, clock: clock)),
                    .init(service: app),
                    .init(service: DrainMarker(readiness: readiness, logger: logger, timeout: settings.drainTimeout)),
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

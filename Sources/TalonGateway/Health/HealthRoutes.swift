import Hummingbird
import Logging
import TalonCore
import TalonStore

/// Liveness and readiness probes, compatible with upstream's paths and bodies.
struct HealthRoutes {
    let store: any Store
    let readiness: Readiness
    let authSettings: AuthSettings
    /// Bounds the store round trip so a dead database turns the probe 503 quickly instead of hanging it.
    let storeTimeout: Duration

    func register(on router: Router<GatewayRequestContext>) {
        for path in ["/health", "/healthz"] {
            router.get(RouterPath(path)) { _, _ in Self.live() }
            router.head(RouterPath(path)) { _, _ in Self.live() }
        }
        for path in ["/ready", "/readyz"] {
            router.get(RouterPath(path)) { request, context in await self.ready(request, context: context) }
            router.head(RouterPath(path)) { request, context in await self.ready(request, context: context) }
        }
    }

    static func live() -> Response {
        JSONResponse.make(.ok, .object(["ok": .bool(true), "status": .string("live")]))
    }

    func ready(_ request: Request, context: GatewayRequestContext) async -> Response {
        var (draining, failing) = await readiness.snapshot()
        do {
            try await store.ping(timeout: storeTimeout)
        } catch {
            failing["store"] = "\(error)"
        }
        if failing.isEmpty, !draining {
            return JSONResponse.make(.ok, .object(["ok": .bool(true), "status": .string("ready")]))
        }
        var body: [String: JSONValue] = ["ok": .bool(false), "status": .string(draining ? "draining" : "not-ready")]
        if mayShowDetails(request, context: context) {
            body["failing"] = .array(failing.keys.sorted().map { .string($0) })
            body["details"] = .object(failing.mapValues { .string($0) })
        }
        context.logger.debug("not ready", metadata: ["failing": .string(failing.keys.sorted().joined(separator: ","))])
        return JSONResponse.make(.serviceUnavailable, .object(body))
    }

    /// Upstream shows which components fail only to local or authenticated callers.
    func mayShowDetails(_ request: Request, context: GatewayRequestContext) -> Bool {
        if context.isLoopbackPeer { return true }
        let header = request.headers[.authorization]
        switch authSettings.mode {
        case .none: return true
        case .token(let token):
            return AuthMiddleware.bearer(header).map { Secrets.constantTimeEquals($0, token) } ?? false
        case .password(let password):
            return (AuthMiddleware.bearer(header) ?? AuthMiddleware.basicPassword(header)).map {
                Secrets.constantTimeEquals($0, password)
            } ?? false
        case .trustedProxy:
            return false
        }
    }
}

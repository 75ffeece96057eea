import Hummingbird
import TalonCore
import TalonStore

/// `GET /api/status`: an authenticated summary of the running gateway (version, store, auth mode).
/// It touches the store, so it also shows the 503 behaviour when the database is gone.
struct StatusRoutes {
    let settings: GatewaySettings
    let store: any Store

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/status") { _, context in
            let version = try await store.schemaVersion()
            return JSONResponse.make(
                .ok,
                .object([
                    "ok": .bool(true),
                    "version": .string(TalonVersion.current),
                    "store": .object(["backend": .string(store.backend), "schemaVersion": .number(Double(version))]),
                    "auth": .object([
                        "mode": .string(settings.auth.modeName),
                        "method": .string(context.identity?.method ?? "none"),
                    ]),
                ])
            )
        }
    }
}

import Hummingbird
import TalonCore
import TalonStore
import TalonTools

/// `GET /api/incidents?limit=N`: the operator view of mctl-agent incidents (gateway auth; platform owners only
/// behind the trusted proxy).
struct IncidentRoutes: Sendable {
    let store: any Store

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/incidents") { request, context in
            if let missing = HTTPScopes.missing(Scopes.admin, in: context) { return HTTPScopes.forbidden(missing) }
            let limit = min(max(request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50, 1), 1000)
            let records = try await IncidentLedger(store: store).list(limit: limit)
            return JSONResponse.make(.ok, ["ok": true, "incidents": .array(records.map(IncidentView.json))])
        }
    }
}

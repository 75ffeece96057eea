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
            if let identity = context.identity, identity.method == "trusted-proxy",
                !Scopes.grants(Set(Scopes.forPlatformRole(identity.role)), Scopes.admin)
            {
                return JSONResponse.make(
                    .forbidden,
                    [
                        "ok": false,
                        "error": [
                            "code": "FORBIDDEN", "message": "missing scope: operator.admin",
                            "details": ["code": "MISSING_SCOPE", "missingScope": "operator.admin", "requiredScopes": ["operator.admin"]],
                        ],
                    ])
            }
            let limit = min(max(request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50, 1), 1000)
            let records = try await IncidentLedger(store: store).list(limit: limit)
            return JSONResponse.make(.ok, ["ok": true, "incidents": .array(records.map(IncidentView.json))])
        }
    }
}

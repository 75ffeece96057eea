import Hummingbird
import TalonCore

/// Scope checks for HTTP APIs. Shared-secret callers (token, password) have full operator access, as upstream;
/// trusted-proxy callers have their platform role's scopes.
enum HTTPScopes {
    /// The scope the caller lacks, or nil when it may go on.
    static func missing(_ scope: String, in context: GatewayRequestContext) -> String? {
        guard let identity = context.identity, identity.method == "trusted-proxy" else { return nil }
        return Scopes.grants(Set(Scopes.forPlatformRole(identity.role)), scope) ? nil : scope
    }

    /// `403 {ok:false, error:{code:"FORBIDDEN", message, details:{code:"MISSING_SCOPE", missingScope, requiredScopes}}}`.
    static func forbidden(_ scope: String) -> Response {
        JSONResponse.make(
            .forbidden,
            [
                "ok": false,
                "error": [
                    "code": "FORBIDDEN", "message": .string("missing scope: \(scope)"),
                    "details": ["code": "MISSING_SCOPE", "missingScope": .string(scope), "requiredScopes": [.string(scope)]],
                ],
            ])
    }
}

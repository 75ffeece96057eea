import HTTPTypes
import NIOCore
import TalonCore

/// Who is on the other end of a WebSocket, once `connect` succeeded.
struct ConnectionIdentity: Sendable {
    var role: String
    var scopes: Set<String>
    /// Platform user (trusted-proxy mode).
    var user: String?
    var method: String
}

/// What the HTTP upgrade request told us, kept for the `connect` frame that follows it.
struct UpgradeInfo: Sendable {
    var peerIP: String
    var isLoopback: Bool
    var authorization: String?
    var proxyUser: String?
    var proxyRole: String?
}

/// Checks `connect` credentials with the same rules as HTTP: token or password in constant time
/// (from `params.auth` or the upgrade's `Authorization` header), or trusted-proxy identity headers.
struct ConnectAuthenticator: Sendable {
    let settings: AuthSettings
    let trustedProxies: [CIDR]
    let limiter: FailedAuthLimiter
    let clock: @Sendable () -> Int64

    func authenticate(params: JSONValue, upgrade: UpgradeInfo) async -> Result<ConnectionIdentity, GatewayError> {
        let exempt = settings.rateLimit.exemptLoopback && upgrade.isLoopback
        if !exempt, let waitMs = await limiter.retryAfterMs(address: upgrade.peerIP, nowMs: clock()) {
            return .failure(
                GatewayError(
                    "INVALID_REQUEST", "too many failed authentication attempts",
                    details: ["code": "AUTH_RATE_LIMITED", "recommendedNextStep": "wait_then_retry"], retryable: true,
                    retryAfterMs: Int(waitMs)))
        }
        let result = check(params: params, upgrade: upgrade)
        if !exempt {
            switch result {
            case .success: await limiter.recordSuccess(address: upgrade.peerIP)
            case .failure(let error) where error.details?["code"]?.stringValue != "AUTH_PROXY_UNTRUSTED":
                _ = await limiter.recordFailure(address: upgrade.peerIP, nowMs: clock())
            case .failure: break
            }
        }
        return result
    }

    private func check(params: JSONValue, upgrade: UpgradeInfo) -> Result<ConnectionIdentity, GatewayError> {
        let auth = params["auth"]
        let headerSecret = AuthMiddleware.bearer(upgrade.authorization)
        let requested = Self.requestedScopes(params)
        switch settings.mode {
        case .none:
            return .success(ConnectionIdentity(role: "operator", scopes: requested ?? Set(Scopes.fullOperator), user: nil, method: "none"))
        case .token(let token):
            guard let presented = auth?["token"]?.stringValue ?? headerSecret, !presented.isEmpty else {
                return .failure(Self.authError("AUTH_TOKEN_MISSING", "unauthorized: gateway token missing (set auth.token)"))
            }
            guard Secrets.constantTimeEquals(presented, token) else {
                return .failure(Self.authError("AUTH_TOKEN_MISMATCH", "unauthorized: gateway token mismatch"))
            }
            return .success(ConnectionIdentity(role: "operator", scopes: requested ?? Set(Scopes.fullOperator), user: nil, method: "token"))
        case .password(let password):
            guard let presented = auth?["password"]?.stringValue ?? auth?["token"]?.stringValue ?? headerSecret, !presented.isEmpty
            else {
                return .failure(Self.authError("AUTH_PASSWORD_MISSING", "unauthorized: gateway password missing (set auth.password)"))
            }
            guard Secrets.constantTimeEquals(presented, password) else {
                return .failure(Self.authError("AUTH_PASSWORD_MISMATCH", "unauthorized: gateway password mismatch"))
            }
            return .success(
                ConnectionIdentity(role: "operator", scopes: requested ?? Set(Scopes.fullOperator), user: nil, method: "password"))
        case .trustedProxy:
            guard trustedProxies.contains(where: { $0.contains(upgrade.peerIP) }) else {
                return .failure(Self.authError("AUTH_REQUIRED", "unauthorized: connection did not come through a trusted proxy"))
            }
            guard let user = upgrade.proxyUser, !user.isEmpty else {
                return .failure(Self.authError("AUTH_REQUIRED", "unauthorized: trusted proxy sent no user header"))
            }
            // The proxy's role decides; a client cannot ask for more than its role grants.
            var scopes = Set(Scopes.forPlatformRole(upgrade.proxyRole))
            if let requested { scopes = scopes.filter { !$0.hasPrefix("operator.") || requested.contains($0) } }
            return .success(ConnectionIdentity(role: "operator", scopes: scopes, user: user, method: "trusted-proxy"))
        }
    }

    /// Scopes the client asked for, limited to the operator set; nil when it asked for none.
    static func requestedScopes(_ params: JSONValue) -> Set<String>? {
        guard let list = params["scopes"]?.arrayValue, !list.isEmpty else { return nil }
        return Set(list.compactMap(\.stringValue).filter { Scopes.operatorScopes.contains($0) })
    }

    static func authError(_ code: String, _ message: String) -> GatewayError {
        GatewayError("INVALID_REQUEST", message, details: ["code": .string(code), "recommendedNextStep": "update_auth_credentials"])
    }
}

extension UpgradeInfo {
    init(request: HTTPRequest, peer: SocketAddress?, auth: AuthSettings) {
        let ip = peer?.ipAddress ?? "unknown"
        self.peerIP = ip
        self.isLoopback = ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
        self.authorization = request.headerFields[.authorization]
        if case .trustedProxy(let userHeader, let roleHeader) = auth.mode {
            self.proxyUser = HTTPField.Name(userHeader).flatMap { request.headerFields[$0] }
            self.proxyRole = HTTPField.Name(roleHeader).flatMap { request.headerFields[$0] }
        } else {
            self.proxyUser = nil
            self.proxyRole = nil
        }
    }
}

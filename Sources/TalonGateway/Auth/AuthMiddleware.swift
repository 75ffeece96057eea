import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import TalonCore

/// Authenticates every request except the public probe paths, and throttles addresses that keep failing.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let settings: AuthSettings
    let trustedProxies: [CIDR]
    let limiter: FailedAuthLimiter
    /// Paths answered without credentials (probes); other routes carry their own checks (e.g. hooks).
    let publicPaths: Set<String>
    let clock: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        let exempt = settings.rateLimit.exemptLoopback && context.isLoopbackPeer
        let address = context.peerIP
        let openAIShape = request.uri.path.hasPrefix("/v1/")
        if !exempt, let waitMs = await limiter.retryAfterMs(address: address, nowMs: clock()) {
            return Self.tooManyAttempts(waitMs: waitMs, openAIShape: openAIShape)
        }
        switch authenticate(request, context: context) {
        case .success(let identity):
            if !exempt { await limiter.recordSuccess(address: address) }
            var context = context
            context.identity = identity
            return try await next(request, context)
        case .failure(let reason):
            context.logger.notice("auth failed", metadata: ["peer": .string(address), "reason": .string(reason.rawValue)])
            if !exempt, let lockoutMs = await limiter.recordFailure(address: address, nowMs: clock()) {
                context.logger.warning("auth lockout", metadata: ["peer": .string(address), "lockout_ms": .stringConvertible(lockoutMs)])
            }
            let headers: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"talon\""]
            if openAIShape {
                // OpenAI clients read `{error:{message,type}}`.
                return JSONResponse.make(
                    .unauthorized, ["error": ["message": .string(reason.message), "type": "unauthorized", "code": .null]], headers: headers)
            }
            return JSONResponse.error(.unauthorized, code: "UNAUTHORIZED", message: reason.message, headers: headers)
        }
    }

    enum Failure: String, Error {
        case missing = "credentials_missing"
        case mismatch = "credentials_mismatch"
        case untrustedProxy = "untrusted_proxy"
        case missingUser = "user_header_missing"

        var message: String {
            switch self {
            case .missing: "authentication required: send Authorization: Bearer <token>"
            case .mismatch: "invalid credentials"
            case .untrustedProxy: "authentication required: request did not come through a trusted proxy"
            case .missingUser: "authentication required: trusted proxy sent no user header"
            }
        }
    }

    func authenticate(_ request: Request, context: Context) -> Result<RequestIdentity, Failure> {
        switch settings.mode {
        case .none:
            return .success(RequestIdentity(method: "none"))
        case .token(let token):
            guard let presented = Self.bearer(request.headers[.authorization]) else { return .failure(.missing) }
            return Secrets.constantTimeEquals(presented, token) ? .success(RequestIdentity(method: "token")) : .failure(.mismatch)
        case .password(let password):
            let header = request.headers[.authorization]
            guard let presented = Self.bearer(header) ?? Self.basicPassword(header) else { return .failure(.missing) }
            return Secrets.constantTimeEquals(presented, password)
                ? .success(RequestIdentity(method: "password")) : .failure(.mismatch)
        case .trustedProxy(let userHeader, let roleHeader):
            let ip = context.peerIP
            guard trustedProxies.contains(where: { $0.contains(ip) }) else { return .failure(.untrustedProxy) }
            guard let userName = HTTPField.Name(userHeader), let user = request.headers[userName], !user.isEmpty else {
                return .failure(.missingUser)
            }
            let role = HTTPField.Name(roleHeader).flatMap { request.headers[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            return .success(RequestIdentity(method: "trusted-proxy", user: user, role: role))
        }
    }

    static func bearer(_ header: String?) -> String? {
        // Plain Swift (no Foundation bridging): this runs on every authenticated request.
        guard let header else { return nil }
        let scalars = header.unicodeScalars
        var index = scalars.startIndex
        for expected in "bearer ".unicodeScalars {
            guard index < scalars.endIndex else { return nil }
            let value = scalars[index].value
            guard (value >= 0x41 && value <= 0x5A ? value + 0x20 : value) == expected.value else { return nil }
            index = scalars.index(after: index)
        }
        // CharacterSet.whitespaces: tab and the space separators (Zs).
        let isBlank: (Unicode.Scalar) -> Bool = {
            $0 == " " || $0 == "\t" || ($0.value > 0x7F && $0.properties.generalCategory == .spaceSeparator)
        }
        guard let first = scalars[index...].firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) })
        else { return nil }
        return String(scalars[first...last])
    }

    static func basicPassword(_ header: String?) -> String? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return nil }
        let decoded = String(decoding: data, as: UTF8.self)
        guard let colon = decoded.firstIndex(of: ":") else { return nil }
        return String(decoded[decoded.index(after: colon)...])
    }

    static func tooManyAttempts(waitMs: Int64, openAIShape: Bool = false) -> Response {
        let seconds = max(1, (waitMs + 999) / 1000)
        if openAIShape {
            return JSONResponse.make(
                .tooManyRequests,
                [
                    "error": [
                        "message": .string("too many failed authentication attempts; retry in \(seconds) s"), "type": "rate_limit_error",
                    ]
                ],
                headers: [.retryAfter: String(seconds)])
        }
        return JSONResponse.error(
            .tooManyRequests,
            code: "AUTH_RATE_LIMITED",
            message: "too many failed authentication attempts; retry in \(seconds) s",
            headers: [.retryAfter: String(seconds)]
        )
    }
}

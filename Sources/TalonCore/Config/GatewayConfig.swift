public enum BindMode: String, Sendable, CaseIterable {
    case loopback, lan, custom, auto, tailnet
}

public enum AuthMode: String, Sendable, CaseIterable {
    case none
    case token
    case password
    case trustedProxy = "trusted-proxy"
}

public struct GatewayConfig: Sendable {
    /// nil: the caller decides (`--port`, `OPENCLAW_GATEWAY_PORT`, then 18789).
    public var port: Int?
    public var bind: BindMode
    /// Required when `bind == .custom`.
    public var customBindHost: String?
    public var auth: GatewayAuthConfig
    /// IPs or CIDRs of reverse proxies whose forwarding headers are trusted.
    public var trustedProxies: [String]
    public var http: GatewayHTTPConfig

    public init(
        port: Int? = nil, bind: BindMode = .loopback, customBindHost: String? = nil, auth: GatewayAuthConfig = .defaults,
        trustedProxies: [String] = [], http: GatewayHTTPConfig = .defaults
    ) {
        self.port = port
        self.bind = bind
        self.customBindHost = customBindHost
        self.auth = auth
        self.trustedProxies = trustedProxies
        self.http = http
    }

    public static let defaults = GatewayConfig()
}

public struct GatewayAuthConfig: Sendable {
    /// When absent from the file: `.password` if a password is set, else `.token`.
    public var mode: AuthMode
    public var token: String?
    public var password: String?
    public var trustedProxy: TrustedProxyConfig
    public var rateLimit: AuthRateLimitConfig

    public init(
        mode: AuthMode = .token, token: String? = nil, password: String? = nil, trustedProxy: TrustedProxyConfig = .defaults,
        rateLimit: AuthRateLimitConfig = .defaults
    ) {
        self.mode = mode
        self.token = token
        self.password = password
        self.trustedProxy = trustedProxy
        self.rateLimit = rateLimit
    }

    public static let defaults = GatewayAuthConfig()
}

public struct TrustedProxyConfig: Sendable {
    public var userHeader: String
    public var roleHeader: String

    public init(userHeader: String = "X-Forwarded-User", roleHeader: String = "X-Mctl-Team-Role") {
        self.userHeader = userHeader
        self.roleHeader = roleHeader
    }

    public static let defaults = TrustedProxyConfig()
}

public struct AuthRateLimitConfig: Sendable {
    public var maxAttempts: Int
    public var windowMs: Int
    public var lockoutMs: Int
    public var exemptLoopback: Bool

    public init(maxAttempts: Int = 10, windowMs: Int = 60_000, lockoutMs: Int = 300_000, exemptLoopback: Bool = true) {
        self.maxAttempts = maxAttempts
        self.windowMs = windowMs
        self.lockoutMs = lockoutMs
        self.exemptLoopback = exemptLoopback
    }

    public static let defaults = AuthRateLimitConfig()
}

public struct GatewayHTTPConfig: Sendable {
    /// `gateway.http.endpoints.chatCompletions.enabled`.
    public var chatCompletionsEnabled: Bool
    /// `gateway.http.endpoints.responses.enabled`.
    public var responsesEnabled: Bool
    /// `gateway.http.maxBodyBytes` (a Talon extension).
    public var maxBodyBytes: Int

    public init(chatCompletionsEnabled: Bool = false, responsesEnabled: Bool = false, maxBodyBytes: Int = 1_048_576) {
        self.chatCompletionsEnabled = chatCompletionsEnabled
        self.responsesEnabled = responsesEnabled
        self.maxBodyBytes = maxBodyBytes
    }

    public static let defaults = GatewayHTTPConfig()
}

extension GatewayConfig {
    static func decode(_ raw: JSONValue, context: inout ConfigDecodeContext) -> GatewayConfig {
        let path = ConfigPath.root.key("gateway")
        var config = GatewayConfig.defaults
        config.port = raw["port"]?.intValue.flatMap { (0...65_535).contains($0) ? $0 : nil }
        config.bind = raw["bind"]?.stringValue.flatMap(BindMode.init(rawValue:)) ?? .loopback
        config.customBindHost = context.string(raw["customBindHost"])
        if config.bind == .custom, config.customBindHost == nil {
            context.report(path.key("customBindHost"), "required when gateway.bind is \"custom\"")
        }
        config.auth = GatewayAuthConfig.decode(raw["auth"] ?? .object([:]), path: path.key("auth"), context: &context)
        for (offset, entry) in (raw["trustedProxies"]?.arrayValue ?? []).enumerated() {
            guard let text = entry.stringValue else { continue }
            let trimmed = text.trimmingSpaces
            if IPAddressSyntax.isAddressOrCIDR(trimmed) {
                config.trustedProxies.append(trimmed)
            } else {
                context.report(
                    path.key("trustedProxies").index(offset), "invalid IP address or CIDR \"\(text)\"",
                    hint: "e.g. 10.0.0.1, 10.0.0.0/8 or fd00::/8")
            }
        }
        let http = raw["http"] ?? .object([:])
        config.http.chatCompletionsEnabled = http.value(atPath: "endpoints.chatCompletions.enabled")?.boolValue ?? false
        config.http.responsesEnabled = http.value(atPath: "endpoints.responses.enabled")?.boolValue ?? false
        config.http.maxBodyBytes = http["maxBodyBytes"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? GatewayHTTPConfig.defaults.maxBodyBytes
        return config
    }

    /// The typed part of `gateway` for `effectiveJSON()`; `.null` removes a raw value that is unset here.
    func effectiveJSON() -> JSONValue {
        return [
            "port": port.map { .number(Double($0)) } ?? .null,
            "bind": .string(bind.rawValue),
            "customBindHost": customBindHost.map(JSONValue.string) ?? .null,
            "auth": auth.effectiveJSON(),
            "trustedProxies": .array(trustedProxies.map(JSONValue.string)),
            "http": [
                "endpoints": [
                    "chatCompletions": ["enabled": .bool(http.chatCompletionsEnabled)],
                    "responses": ["enabled": .bool(http.responsesEnabled)],
                ],
                "maxBodyBytes": .number(Double(http.maxBodyBytes)),
            ],
        ]
    }
}

extension GatewayAuthConfig {
    static func decode(_ raw: JSONValue, path: ConfigPath, context: inout ConfigDecodeContext) -> GatewayAuthConfig {
        var config = GatewayAuthConfig.defaults
        config.token = context.secret(raw["token"], at: path.key("token"))
        config.password = context.secret(raw["password"], at: path.key("password"))
        if let mode = raw["mode"]?.stringValue.flatMap(AuthMode.init(rawValue:)) {
            config.mode = mode
        } else {
            config.mode = config.password != nil ? .password : .token
        }
        let proxy = raw["trustedProxy"] ?? .object([:])
        config.trustedProxy.userHeader = context.string(proxy["userHeader"]) ?? TrustedProxyConfig.defaults.userHeader
        config.trustedProxy.roleHeader = context.string(proxy["roleHeader"]) ?? TrustedProxyConfig.defaults.roleHeader
        let limit = raw["rateLimit"] ?? .object([:])
        let defaults = AuthRateLimitConfig.defaults
        config.rateLimit.maxAttempts = limit["maxAttempts"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? defaults.maxAttempts
        config.rateLimit.windowMs = limit["windowMs"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? defaults.windowMs
        config.rateLimit.lockoutMs = limit["lockoutMs"]?.intValue.flatMap { $0 >= 0 ? $0 : nil } ?? defaults.lockoutMs
        config.rateLimit.exemptLoopback = limit["exemptLoopback"]?.boolValue ?? defaults.exemptLoopback
        return config
    }

    func effectiveJSON() -> JSONValue {
        [
            "mode": .string(mode.rawValue),
            "token": token.map(JSONValue.string) ?? .null,
            "password": password.map(JSONValue.string) ?? .null,
            "trustedProxy": ["userHeader": .string(trustedProxy.userHeader), "roleHeader": .string(trustedProxy.roleHeader)],
            "rateLimit": [
                "maxAttempts": .number(Double(rateLimit.maxAttempts)),
                "windowMs": .number(Double(rateLimit.windowMs)),
                "lockoutMs": .number(Double(rateLimit.lockoutMs)),
                "exemptLoopback": .bool(rateLimit.exemptLoopback),
            ],
        ]
    }
}

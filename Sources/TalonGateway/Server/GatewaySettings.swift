import TalonCore

/// Everything the gateway needs to listen and authenticate, resolved once from config, environment and CLI flags.
public struct GatewaySettings: Sendable {
    public var host: String
    /// 0 asks the kernel for a free port (the bound port is logged).
    public var port: Int
    public var isLoopbackBind: Bool
    public var auth: AuthSettings
    public var trustedProxies: [CIDR]
    /// Body limit for routes that do not set their own.
    public var maxBodyBytes: Int
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    public var drainTimeout: Duration
    public var config: TalonConfig

    public init(
        host: String,
        port: Int,
        isLoopbackBind: Bool,
        auth: AuthSettings,
        trustedProxies: [CIDR] = [],
        maxBodyBytes: Int = 1_048_576,
        drainTimeout: Duration = .seconds(10),
        config: TalonConfig = .defaults
    ) {
        self.host = host
        self.port = port
        self.isLoopbackBind = isLoopbackBind
        self.auth = auth
        self.trustedProxies = trustedProxies
        self.maxBodyBytes = maxBodyBytes
        self.drainTimeout = drainTimeout
        self.config = config
    }
}

/// The resolved credential check; the secrets themselves are only ever compared in constant time.
public struct AuthSettings: Sendable {
    public enum Mode: Sendable, Equatable {
        case none
        case token(String)
        case password(String)
        case trustedProxy(userHeader: String, roleHeader: String)
    }

    public var mode: Mode
    public var rateLimit: AuthRateLimitConfig
    /// True when the token was generated at start because none was configured.
    public var tokenWasGenerated: Bool

    public init(mode: Mode, rateLimit: AuthRateLimitConfig, tokenWasGenerated: Bool = false) {
        self.mode = mode
        self.rateLimit = rateLimit
        self.tokenWasGenerated = tokenWasGenerated
    }

    public var modeName: String {
        switch mode {
        case .none: "none"
        case .token: "token"
        case .password: "password"
        case .trustedProxy: "trusted-proxy"
        }
    }
}

/// A startup problem that is the operator's to fix (exit code 78, like an invalid config).
public struct GatewaySetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension GatewaySettings {
    public static let defaultPort = 18789

    /// Applies upstream's precedence: `--port` → `OPENCLAW_GATEWAY_PORT` → `gateway.port` → 18789,
    /// and refuses a non-loopback bind without authentication.
    public static func resolve(
        config: TalonConfig,
        environment: [String: String],
        portOverride: Int? = nil,
        bindOverride: BindMode? = nil,
        generateToken: () -> String = { Secrets.randomToken() }
    ) throws(GatewaySetupError) -> GatewaySettings {
        let port = try resolvePort(config: config, environment: environment, override: portOverride)
        let bind = bindOverride ?? config.gateway.bind
        let host: String
        switch bind {
        case .loopback: host = "127.0.0.1"
        case .lan: host = "0.0.0.0"
        case .custom:
            guard let custom = config.gateway.customBindHost, !custom.isEmpty else {
                throw GatewaySetupError("gateway.bind is \"custom\" but gateway.customBindHost is not set")
            }
            host = custom
        case .auto:
            // Upstream binds all interfaces inside a container (where loopback is unreachable from the pod network).
            host = isInContainer(environment: environment) ? "0.0.0.0" : "127.0.0.1"
        case .tailnet:
            throw GatewaySetupError("gateway.bind \"tailnet\" is not supported by Talon; use loopback, lan or custom")
        }
        let loopback = isLoopbackHost(host)

        let authConfig = config.gateway.auth
        var generated = false
        let mode: AuthSettings.Mode
        switch authConfig.mode {
        case .none:
            mode = .none
        case .token:
            if let token = nonEmpty(authConfig.token) ?? nonEmpty(environment["OPENCLAW_GATEWAY_TOKEN"]) {
                mode = .token(token)
            } else {
                mode = .token(generateToken())
                generated = true
            }
        case .password:
            guard let password = nonEmpty(authConfig.password) ?? nonEmpty(environment["OPENCLAW_GATEWAY_PASSWORD"]) else {
                throw GatewaySetupError(
                    "gateway.auth.mode is \"password\" but no password is set (gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)"
                )
            }
            mode = .password(password)
        case .trustedProxy:
            if config.gateway.trustedProxies.isEmpty {
                throw GatewaySetupError("gateway.auth.mode is \"trusted-proxy\" but gateway.trustedProxies is empty")
            }
            mode = .trustedProxy(userHeader: authConfig.trustedProxy.userHeader, roleHeader: authConfig.trustedProxy.roleHeader)
        }
        if config.hooks.enabled, let hookToken = config.hooks.token, case .token(let gatewayToken) = mode,
            Secrets.constantTimeEquals(hookToken, gatewayToken)
        {
            // A leaked hook token must not open the whole gateway (upstream's security audit flags this too).
            throw GatewaySetupError("hooks.token must differ from the gateway token: set a separate secret for webhooks")
        }
        if !loopback, case .none = mode {
            throw GatewaySetupError(
                "refusing to bind gateway to \(host) without auth (gateway.auth.mode is \"none\"): "
                    + "set gateway.auth.mode to token, password or trusted-proxy, or bind loopback"
            )
        }
        var proxies: [CIDR] = []
        for entry in config.gateway.trustedProxies {
            guard let cidr = CIDR(entry) else {
                throw GatewaySetupError("gateway.trustedProxies: \"\(entry)\" is not an IP address or CIDR")
            }
            proxies.append(cidr)
        }
        return GatewaySettings(
            host: host,
            port: port,
            isLoopbackBind: loopback,
            auth: AuthSettings(mode: mode, rateLimit: authConfig.rateLimit, tokenWasGenerated: generated),
            trustedProxies: proxies,
            maxBodyBytes: config.gateway.http.maxBodyBytes,
            config: config
        )
    }

    static func resolvePort(config: TalonConfig, environment: [String: String], override: Int?) throws(GatewaySetupError) -> Int {
        if let override {
            guard (0...65535).contains(override) else { throw GatewaySetupError("--port \(override) is out of range 0-65535") }
            return override
        }
        if let text = nonEmpty(environment["OPENCLAW_GATEWAY_PORT"]) {
            guard let value = Int(text), (0...65535).contains(value) else {
                throw GatewaySetupError("OPENCLAW_GATEWAY_PORT=\(text) is not a port number (0-65535)")
            }
            return value
        }
        return config.gateway.port ?? defaultPort
    }

    static func isInContainer(environment: [String: String]) -> Bool {
        environment["KUBERNETES_SERVICE_HOST"] != nil || FileSystem.exists("/.dockerenv")
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        return host.hasPrefix("127.")
    }
}

private func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}

import TalonCore
import Testing

@testable import TalonGateway

@Suite("Gateway settings resolution")
struct GatewaySettingsTests {
    func config(_ text: String) throws -> TalonConfig {
        try ConfigLoader.parse(text: text, path: "/tmp/openclaw.json", environment: [:]).config
    }

    @Test("port precedence: flag, then OPENCLAW_GATEWAY_PORT, then gateway.port, then 18789")
    func portPrecedence() throws {
        let withPort = try config("{ gateway: { port: 2000, auth: { token: 'x' } } }")
        #expect(try GatewaySettings.resolve(config: withPort, environment: [:]).port == 2000)
        #expect(try GatewaySettings.resolve(config: withPort, environment: ["OPENCLAW_GATEWAY_PORT": "3000"]).port == 3000)
        #expect(try GatewaySettings.resolve(config: withPort, environment: ["OPENCLAW_GATEWAY_PORT": "3000"], portOverride: 0).port == 0)
        #expect(try GatewaySettings.resolve(config: .defaults, environment: [:]).port == 18789)
        #expect(throws: GatewaySetupError.self) {
            try GatewaySettings.resolve(config: .defaults, environment: ["OPENCLAW_GATEWAY_PORT": "http"])
        }
    }

    @Test("binds map to hosts; non-loopback without auth is refused")
    func binds() throws {
        let open = try config("{ gateway: { auth: { mode: 'none' } } }")
        let loopback = try GatewaySettings.resolve(config: open, environment: [:])
        #expect(loopback.host == "127.0.0.1")
        #expect(loopback.isLoopbackBind)
        #expect(throws: GatewaySetupError.self) { try GatewaySettings.resolve(config: open, environment: [:], bindOverride: .lan) }
        let custom = try config("{ gateway: { bind: 'custom', customBindHost: '127.0.0.5', auth: { mode: 'none' } } }")
        #expect(try GatewaySettings.resolve(config: custom, environment: [:]).host == "127.0.0.5")
        let lan = try GatewaySettings.resolve(config: try config("{ gateway: { bind: 'lan', auth: { token: 'x' } } }"), environment: [:])
        #expect(lan.host == "0.0.0.0")
        #expect(!lan.isLoopbackBind)
        #expect(throws: GatewaySetupError.self) {
            try GatewaySettings.resolve(config: try config("{ gateway: { bind: 'tailnet' } }"), environment: [:])
        }
    }

    @Test("token sources: config, then OPENCLAW_GATEWAY_TOKEN, else generated")
    func tokens() throws {
        let fromConfig = try GatewaySettings.resolve(config: try config("{ gateway: { auth: { token: 'c' } } }"), environment: [:])
        #expect(fromConfig.auth.mode == .token("c"))
        #expect(!fromConfig.auth.tokenWasGenerated)
        let fromEnv = try GatewaySettings.resolve(config: .defaults, environment: ["OPENCLAW_GATEWAY_TOKEN": "e"])
        #expect(fromEnv.auth.mode == .token("e"))
        let generated = try GatewaySettings.resolve(config: .defaults, environment: [:], generateToken: { "g" })
        #expect(generated.auth.mode == .token("g"))
        #expect(generated.auth.tokenWasGenerated)
        #expect(throws: GatewaySetupError.self) {
            try GatewaySettings.resolve(config: try config("{ gateway: { auth: { mode: 'password' } } }"), environment: [:])
        }
    }
}

@Suite("CIDR matching")
struct CIDRTests {
    @Test func ipv4() throws {
        let net = try #require(CIDR("10.42.0.0/16"))
        #expect(net.contains("10.42.7.9"))
        #expect(!net.contains("10.43.0.1"))
        #expect(net.contains("::ffff:10.42.1.1"))
        #expect(try #require(CIDR("192.168.1.7")).contains("192.168.1.7"))
        #expect(!(try #require(CIDR("192.168.1.7"))).contains("192.168.1.8"))
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("not-an-ip") == nil)
    }

    @Test func ipv6() throws {
        let net = try #require(CIDR("fd00::/8"))
        #expect(net.contains("fd12::1"))
        #expect(!net.contains("fe80::1"))
        #expect(!net.contains("10.0.0.1"))
    }
}

@Suite("Failed-auth limiter")
struct FailedAuthLimiterTests {
    let config = AuthRateLimitConfig(maxAttempts: 3, windowMs: 1000, lockoutMs: 5000, exemptLoopback: false)

    @Test func locksAfterMaxAttemptsAndReleases() async {
        let limiter = FailedAuthLimiter(config: config)
        #expect(await limiter.recordFailure(address: "a", nowMs: 0) == nil)
        #expect(await limiter.recordFailure(address: "a", nowMs: 10) == nil)
        #expect(await limiter.recordFailure(address: "a", nowMs: 20) == 5000)
        #expect(await limiter.retryAfterMs(address: "a", nowMs: 1020) == 4000)
        #expect(await limiter.retryAfterMs(address: "b", nowMs: 1020) == nil)
        #expect(await limiter.retryAfterMs(address: "a", nowMs: 5021) == nil)
    }

    @Test func windowResets() async {
        let limiter = FailedAuthLimiter(config: config)
        await limiter.recordFailure(address: "a", nowMs: 0)
        await limiter.recordFailure(address: "a", nowMs: 10)
        // The window has passed: counting starts again.
        #expect(await limiter.recordFailure(address: "a", nowMs: 2000) == nil)
        await limiter.recordSuccess(address: "a")
        #expect(await limiter.trackedCount == 0)
    }

    @Test func boundedMemory() async {
        let limiter = FailedAuthLimiter(config: config, capacity: 100)
        for index in 0..<1000 {
            await limiter.recordFailure(address: "10.0.\(index / 256).\(index % 256)", nowMs: Int64(index))
        }
        #expect(await limiter.trackedCount <= 100)
    }
}

@Suite("Secrets")
struct SecretsTests {
    @Test func constantTimeEquality() {
        #expect(Secrets.constantTimeEquals("abc", "abc"))
        #expect(!Secrets.constantTimeEquals("abc", "abd"))
        #expect(!Secrets.constantTimeEquals("abc", "abcd"))
        #expect(!Secrets.constantTimeEquals("", "a"))
        #expect(Secrets.constantTimeEquals("", ""))
    }

    @Test func randomTokens() {
        let a = Secrets.randomToken()
        let b = Secrets.randomToken()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(Secrets.base64URLEncode(Array("hello".utf8)) == "aGVsbG8")
    }
}

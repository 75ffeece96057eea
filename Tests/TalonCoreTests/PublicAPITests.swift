import TalonCore  // Deliberately not @testable: this file sees only what other modules see.
import Testing

@Suite("Public API as other modules use it")
struct PublicAPITests {
    @Test("typed config values can be built and changed from outside the module")
    func constructible() {
        let limit = AuthRateLimitConfig(maxAttempts: 3, windowMs: 1000, lockoutMs: 5000, exemptLoopback: false)
        let auth = GatewayAuthConfig(mode: .trustedProxy, trustedProxy: TrustedProxyConfig(userHeader: "X-User"), rateLimit: limit)
        let gateway = GatewayConfig(
            port: 9000, bind: .lan, auth: auth, trustedProxies: ["10.0.0.0/8"], http: GatewayHTTPConfig(responsesEnabled: true))
        var config = TalonConfig(gateway: gateway, hooks: HooksConfig(enabled: true, token: "t"))
        config.agents = AgentsConfig(entries: [AgentEntry(id: "ops", isDefault: true)], defaultAgentId: "ops")
        config.models = ModelsConfig(providers: ["local": ProviderConfig(baseUrl: "http://127.0.0.1:1/v1")])
        config.session = SessionConfig(dmScope: "per-peer")
        config.agents.defaults = AgentDefaults(model: ModelSelection(primary: "a/b", fallbacks: ["c/d"]), maxConcurrent: 2)

        let json = config.effectiveJSON()
        #expect(json.value(atPath: "gateway.port")?.intValue == 9000)
        #expect(json.value(atPath: "gateway.auth.mode")?.stringValue == "trusted-proxy")
        #expect(json.value(atPath: "gateway.auth.trustedProxy.roleHeader")?.stringValue == "X-Mctl-Team-Role")
        #expect(json.value(atPath: "gateway.http.endpoints.responses.enabled")?.boolValue == true)
        #expect(json.value(atPath: "hooks.token")?.stringValue == "t")
        #expect(json.value(atPath: "session.dmScope")?.stringValue == "per-peer")
        #expect(json.value(atPath: "models.providers.local.baseUrl")?.stringValue == "http://127.0.0.1:1/v1")
        #expect(json.value(atPath: "agents.defaults.model.fallbacks.0")?.stringValue == "c/d")
        #expect(config.agents.entry(id: "ops")?.isDefault == true)
        #expect(BindMode.allCases.count == 5)
        #expect(AuthMode(rawValue: "trusted-proxy") == .trustedProxy)
    }

    @Test("loading, errors and helpers")
    func loading() throws {
        let loaded = try ConfigLoader.parse(text: "{ gateway: { port: 1 } }", path: "/nonexistent-talon/openclaw.json", environment: [:])
        #expect(loaded.fileExists)
        #expect(loaded.config.gateway.port == 1)
        #expect(loaded.raw.value(atPath: "gateway.port")?.serialized() == "1")
        do {
            _ = try ConfigLoader.parse(text: "{ gateway: { prot: 1 } }", path: "/x/openclaw.json", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/x/openclaw.json")
            #expect(error.issues.map(\.description) == [#"gateway.prot: unknown key (did you mean "port"?)"#])
        }
        #expect(redactSecrets(["apiKey": "k"]) == ["apiKey": "__OPENCLAW_REDACTED__"])
        #expect(IPAddressSyntax.isAddressOrCIDR("10.0.0.0/8"))
        #expect(try JSON5.parse("{a: 1,}")["a"]?.intValue == 1)
    }
}

import Testing

@testable import TalonCore

@Suite("Strict validation")
struct ConfigValidationTests {
    @Test("an unknown top-level key is an issue with a did-you-mean hint")
    func unknownTopLevel() {
        let issues = configIssues("{ gatway: {}, agnets: {}, zzzzzz: 1 }")
        #expect(issues.at("gatway") == ConfigIssue(path: "gatway", message: "unknown key", hint: "did you mean \"gateway\"?"))
        #expect(issues.at("agnets")?.hint == "did you mean \"agents\"?")
        #expect(issues.at("zzzzzz") == ConfigIssue(path: "zzzzzz", message: "unknown key", hint: nil))
    }

    @Test("unknown keys inside sections carry their full path and a suggestion")
    func unknownNested() {
        let text = """
            {
              gateway: { prot: 1, auth: { tokn: 'x', rateLimit: { maxAttempt: 3 } }, http: { endpoints: { chat: {} } } },
              agents: { defaults: { workspce: '/w' }, list: [ { id: 'main', modle: 'a/b' } ] },
              hooks: { mapings: [] },
              models: { providers: { openai: { baseURL: 'x' } } },
            }
            """
        let issues = configIssues(text)
        #expect(issues.at("gateway.prot")?.hint == "did you mean \"port\"?")
        #expect(issues.at("gateway.auth.tokn")?.hint == "did you mean \"token\"?")
        #expect(issues.at("gateway.auth.rateLimit.maxAttempt")?.hint == "did you mean \"maxAttempts\"?")
        #expect(issues.at("gateway.http.endpoints.chat")?.message == "unknown key")
        #expect(issues.at("agents.defaults.workspce")?.hint == "did you mean \"workspace\"?")
        #expect(issues.at("agents.list[0].modle")?.hint == "did you mean \"model\"?")
        #expect(issues.at("hooks.mapings")?.hint == "did you mean \"mappings\"?")
        #expect(issues.at("models.providers.openai.baseURL")?.hint == "did you mean \"baseUrl\"?")
        #expect(issues.count == 8)
        #expect(issues.allSatisfy { $0.message == "unknown key" })
    }

    @Test("wrong types say what was expected and what was found")
    func typeErrors() {
        let text = """
            {
              gateway: { port: '18789', auth: { allowTailscale: 'yes' }, trustedProxies: '10.0.0.1' },
              agents: { defaults: { maxConcurrent: 2.5, model: 5, skills: [1] } },
              session: { identityLinks: { me: 'telegram:1' } },
              channels: { telegram: true },
              mcp: { servers: [] },
              commands: 'all',
            }
            """
        let issues = configIssues(text)
        #expect(issues.at("gateway.port")?.message == "expected integer, got string")
        #expect(issues.at("gateway.auth.allowTailscale")?.message == "expected boolean, got string")
        #expect(issues.at("gateway.trustedProxies")?.message == "expected array, got string")
        #expect(issues.at("agents.defaults.maxConcurrent")?.message == "expected integer, got number 2.5")
        #expect(issues.at("agents.defaults.model")?.message == "expected string or object, got number")
        #expect(issues.at("agents.defaults.skills[0]")?.message == "expected string, got number")
        #expect(issues.at("session.identityLinks.me")?.message == "expected array, got string")
        #expect(issues.at("channels.telegram")?.message == "expected object, got boolean")
        #expect(issues.at("mcp.servers")?.message == "expected object, got array")
        #expect(issues.at("commands")?.message == "expected object, got string")
        #expect(issues.count == 10)
    }

    @Test("enum values list the allowed values")
    func enums() {
        let issues = configIssues("{ gateway: { bind: 'everywhere', auth: { mode: 'oauth' } }, session: { dmScope: 'peer' } }")
        #expect(
            issues.at("gateway.bind")
                == ConfigIssue(
                    path: "gateway.bind", message: "invalid value \"everywhere\"",
                    hint: "expected one of: loopback, lan, custom, auto, tailnet"))
        #expect(issues.at("gateway.auth.mode")?.hint == "expected one of: none, token, password, trusted-proxy")
        #expect(issues.at("session.dmScope")?.hint == "expected one of: main, per-peer, per-channel-peer, per-account-channel-peer")
        #expect(configIssues("{ models: { mode: 1 } }").at("models.mode")?.message == "expected string, got number")
    }

    @Test("ranges: port 0-65535, maxConcurrent and timeoutSeconds at least 1")
    func ranges() throws {
        let issues = configIssues("{ gateway: { port: 70000 }, agents: { defaults: { maxConcurrent: 0, timeoutSeconds: -1 } } }")
        #expect(issues.at("gateway.port")?.message == "must be between 0 and 65535, got 70000")
        #expect(issues.at("agents.defaults.maxConcurrent")?.message == "must be at least 1, got 0")
        #expect(issues.at("agents.defaults.timeoutSeconds")?.message == "must be at least 1, got -1")
        #expect(configIssues("{ gateway: { port: Infinity } }").at("gateway.port")?.message == "expected integer, got number inf")
        #expect(try parseConfig("{ gateway: { port: 0 } }").config.gateway.port == 0)
        #expect(try parseConfig("{ gateway: { port: 65535 } }").config.gateway.port == 65_535)
    }

    @Test("bind custom needs customBindHost")
    func customBind() throws {
        let issues = configIssues("{ gateway: { bind: 'custom' } }")
        #expect(issues == [ConfigIssue(path: "gateway.customBindHost", message: "required when gateway.bind is \"custom\"")])
        let loaded = try parseConfig("{ gateway: { bind: 'custom', customBindHost: '10.1.2.3' } }")
        #expect(loaded.config.gateway.bind == .custom)
        #expect(loaded.config.gateway.customBindHost == "10.1.2.3")
    }

    @Test("trusted proxies must be IP addresses or CIDR blocks")
    func trustedProxies() throws {
        let good = ["10.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "::1", "fd00::/8", "2001:db8::1/128", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"]
        let loaded = try parseConfig("{ gateway: { trustedProxies: \(JSONValue.array(good.map(JSONValue.string)).serialized()) } }")
        #expect(loaded.config.gateway.trustedProxies == good)
        let bad = ["10.0.0.256", "10.0.0.0/33", "fd00::/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "proxy.local", "10.0.0.1/", "::g"]
        let issues = configIssues("{ gateway: { trustedProxies: \(JSONValue.array(bad.map(JSONValue.string)).serialized()) } }")
        #expect(issues.count == bad.count)
        #expect(issues.at("gateway.trustedProxies[5]")?.message == "invalid IP address or CIDR \"proxy.local\"")
    }

    @Test("hooks: path must start with / and must not be /, enabled hooks need a token")
    func hooks() throws {
        #expect(configIssues("{ hooks: { path: '/' } }").at("hooks.path")?.message == "must not be \"/\"")
        #expect(configIssues("{ hooks: { path: '//' } }").at("hooks.path")?.message == "must not be \"/\"")
        #expect(configIssues("{ hooks: { path: 'hooks' } }").at("hooks.path")?.message == "must start with \"/\", got \"hooks\"")
        #expect(
            configIssues("{ hooks: { enabled: true } }") == [
                ConfigIssue(path: "hooks.token", message: "required when hooks.enabled is true")
            ])
        let loaded = try parseConfig("{ hooks: { enabled: true, token: 't', path: '/in/hooks/', maxBodyBytes: 1024 } }")
        #expect(loaded.config.hooks.enabled)
        #expect(loaded.config.hooks.path == "/in/hooks")
        #expect(loaded.config.hooks.token == "t")
        #expect(loaded.config.hooks.maxBodyBytes == 1024)
    }

    @Test("upstream-only sections are accepted with one warning each; meta, logging and $schema silently")
    func ignoredSections() throws {
        let text = """
            {
              $schema: 'https://openclaw.ai/schema.json', meta: { lastTouchedVersion: '2026.8.1' }, logging: { level: 'debug' },
              browser: { enabled: true }, cron: { enabled: true }, plugins: { allow: [] }, bindings: [], ui: {},
            }
            """
        let loaded = try parseConfig(text)
        #expect(
            loaded.warnings == [
                "bindings: section ignored by Talon", "browser: section ignored by Talon", "cron: section ignored by Talon",
                "plugins: section ignored by Talon", "ui: section ignored by Talon",
            ])
        #expect(loaded.raw["browser"] == ["enabled": true])
    }

    @Test("every problem is reported at once, sorted by path")
    func collectsAll() {
        let text = """
            {
              zeta: 1,
              gateway: { port: -1, bind: 'custom' },
              hooks: { enabled: true, path: '/' },
              agents: { list: [ { id: 'Bad Id!' } ] },
              session: { mainKey: 5 },
            }
            """
        let issues = configIssues(text)
        #expect(
            issues.map(\.path) == [
                "agents.list[0].id", "gateway.customBindHost", "gateway.port", "hooks.path", "hooks.token", "session.mainKey",
                "zeta",
            ])
    }

    @Test("ConfigError describes every issue")
    func errorDescription() {
        let error = ConfigError(
            file: "/etc/openclaw.json",
            issues: [
                ConfigIssue(path: "gateway.prot", message: "unknown key", hint: "did you mean \"port\"?"),
                ConfigIssue(path: "", message: "line 1, column 2: unexpected end of input"),
            ])
        #expect(
            error.description == """
                invalid config /etc/openclaw.json (2 problems):
                  - gateway.prot: unknown key (did you mean "port"?)
                  - <root>: line 1, column 2: unexpected end of input
                """)
    }

    @Test("the document root must be an object")
    func rootMustBeObject() {
        #expect(configIssues("[1]") == [ConfigIssue(path: "", message: "expected an object at the top level, got array")])
    }

    @Test("a typical upstream config with keys Talon does not act on yet loads")
    func upstreamConfigLoads() throws {
        let text = """
            {
              gateway: {
                mode: 'local', port: 18789, bind: 'loopback', controlUi: { enabled: true }, reload: { mode: 'hybrid' },
                auth: { mode: 'token', token: 'abc', rateLimit: { maxAttempts: 5 } }, tailscale: { mode: 'off' },
                http: { endpoints: { chatCompletions: { enabled: true, maxBodyBytes: 1000 } } }, tools: { deny: ['exec'] },
              },
              agents: {
                defaults: {
                  workspace: '~/.openclaw/workspace', model: { primary: 'anthropic/claude', fallbacks: ['openai/gpt'] },
                  models: { 'anthropic/claude': { alias: 'claude' } }, heartbeat: { every: '30m' }, contextTokens: 200000,
                  compaction: { mode: 'safeguard' }, thinkingDefault: 'low', sandbox: { mode: 'off' }, userTimezone: 'UTC',
                },
                list: [ { id: 'main', default: true, identity: { name: 'Claw', emoji: '🦞' }, tools: { profile: 'coding' } } ],
              },
              session: { dmScope: 'per-channel-peer', reset: { mode: 'idle', idleMinutes: 60 }, resetTriggers: ['/new'] },
              messages: { ackReaction: '👀', queue: { mode: 'collect' }, groupChat: { historyLimit: 50 } },
              channels: { telegram: { botToken: 'x', allowFrom: ['123'] }, defaults: { groupPolicy: 'allowlist' } },
              tools: { profile: 'coding', web: { search: { enabled: true } }, exec: { host: 'sandbox' } },
              skills: { entries: { github: { enabled: true } }, load: { extraDirs: ['/skills'] } },
              mcp: { servers: { fs: { command: 'npx', args: ['fs'] } } },
              commands: { native: 'auto', ownerAllowFrom: ['telegram:1'] },
              models: { mode: 'merge', providers: { local: { baseUrl: 'http://127.0.0.1:8080/v1', api: 'openai-completions',
                headers: { 'X-Org': 'talon' }, timeoutSeconds: 30, models: [ { id: 'llama', name: 'Llama' } ] } } },
            }
            """
        let loaded = try parseConfig(text)
        #expect(loaded.warnings.isEmpty)
        let config = loaded.config
        #expect(config.gateway.http.chatCompletionsEnabled)
        #expect(!config.gateway.http.responsesEnabled)
        #expect(config.gateway.auth.rateLimit.maxAttempts == 5)
        #expect(config.gateway.auth.rateLimit.windowMs == 60_000)
        #expect(config.agents.defaults.model == ModelSelection(primary: "anthropic/claude", fallbacks: ["openai/gpt"]))
        #expect(config.agents.defaults.models["anthropic/claude"] == ["alias": "claude"])
        #expect(config.session.dmScope == "per-channel-peer")
        #expect(config.session.raw["resetTriggers"] == ["/new"])
        #expect(config.models.providers["local"]?.headers == ["X-Org": "talon"])
        #expect(config.models.providers["local"]?.timeoutSeconds == 30)
        #expect(config.models.providers["local"]?.models.count == 1)
        #expect(config.mcp.value(atPath: "servers.fs.command") == "npx")
    }
}

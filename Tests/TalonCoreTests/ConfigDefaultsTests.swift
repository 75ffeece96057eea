import Foundation
import Testing

@testable import TalonCore

@Suite("Defaults and the effective config")
struct ConfigDefaultsTests {
    @Test("a missing file gives the defaults")
    func missingFile() throws {
        let dir = try TempDirectory()
        let loaded = try ConfigLoader.load(path: dir.file("openclaw.json"), environment: [:])
        #expect(!loaded.fileExists)
        #expect(loaded.raw == .object([:]))
        #expect(loaded.warnings.isEmpty)
        let config = loaded.config
        #expect(config.gateway.port == nil)
        #expect(config.gateway.bind == .loopback)
        #expect(config.gateway.auth.mode == .token)
        #expect(config.gateway.auth.trustedProxy.userHeader == "X-Forwarded-User")
        #expect(config.gateway.auth.trustedProxy.roleHeader == "X-Mctl-Team-Role")
        #expect(config.gateway.auth.rateLimit.maxAttempts == 10)
        #expect(config.gateway.auth.rateLimit.lockoutMs == 300_000)
        #expect(config.gateway.auth.rateLimit.exemptLoopback)
        #expect(config.gateway.http.maxBodyBytes == 1_048_576)
        #expect(!config.gateway.http.chatCompletionsEnabled)
        #expect(config.agents.defaultAgentId == "main")
        #expect(config.models.mode == "merge")
        #expect(config.session.dmScope == "main")
        #expect(config.session.mainKey == "main")
        #expect(!config.hooks.enabled)
        #expect(config.hooks.path == "/hooks")
        #expect(config.hooks.maxBodyBytes == 262_144)
        #expect(config.channels == .object([:]))
    }

    @Test("an existing file is marked as such; a directory or unreadable path is an error")
    func existingAndUnreadable() throws {
        let dir = try TempDirectory()
        let file = try dir.write("openclaw.json", "{ gateway: { port: 1 } }")
        let loaded = try ConfigLoader.load(path: file, environment: [:])
        #expect(loaded.fileExists)
        #expect(loaded.path == file)
        #expect(loaded.config.gateway.port == 1)

        try FileManager.default.createDirectory(atPath: dir.file("dir.json"), withIntermediateDirectories: true)
        let issues = loadIssues(dir.file("dir.json"))
        #expect(issues == [ConfigIssue(path: "", message: "cannot read config file: is a directory")])

        try Data([0xFF, 0xFE, 0x7B]).write(to: URL(fileURLWithPath: dir.file("binary.json")))
        #expect(loadIssues(dir.file("binary.json")).first?.message == "cannot read config file: file is not valid UTF-8")
    }

    @Test("auth mode defaults to password when only a password is set")
    func authModeInference() throws {
        #expect(try parseConfig("{ gateway: { auth: { password: 'p' } } }").config.gateway.auth.mode == .password)
        #expect(try parseConfig("{ gateway: { auth: { token: 't' } } }").config.gateway.auth.mode == .token)
        #expect(try parseConfig("{ gateway: { auth: { mode: 'none', password: 'p' } } }").config.gateway.auth.mode == .none)
        let proxy = try parseConfig("{ gateway: { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'X-User' } } } }")
        #expect(proxy.config.gateway.auth.mode == .trustedProxy)
        #expect(proxy.config.gateway.auth.trustedProxy.userHeader == "X-User")
        #expect(proxy.config.gateway.auth.trustedProxy.roleHeader == "X-Mctl-Team-Role")
    }

    @Test("effectiveJSON of the defaults answers config get with typed defaults")
    func effectiveDefaults() {
        let json = TalonConfig.defaults.effectiveJSON()
        #expect(json.value(atPath: "gateway.bind") == "loopback")
        #expect(json.value(atPath: "gateway.bind")?.serialized() == "\"loopback\"")
        #expect(json.value(atPath: "gateway.port") == nil)
        #expect(json.value(atPath: "gateway.auth.mode") == "token")
        #expect(json.value(atPath: "gateway.auth.token") == nil)
        #expect(json.value(atPath: "gateway.auth.rateLimit.windowMs") == 60_000)
        #expect(json.value(atPath: "gateway.http.endpoints.responses.enabled") == false)
        #expect(json.value(atPath: "gateway.http.maxBodyBytes")?.serialized() == "1048576")
        #expect(json.value(atPath: "hooks.path") == "/hooks")
        #expect(json.value(atPath: "hooks.enabled") == false)
        #expect(json.value(atPath: "agents.defaults.maxConcurrent")?.serialized() == "8")
        #expect(json.value(atPath: "agents.defaults.timeoutSeconds") == 172_800)
        #expect(json.value(atPath: "session.dmScope") == "main")
        #expect(json.value(atPath: "models.mode") == "merge")
        #expect(json.value(atPath: "channels") == .object([:]))
    }

    @Test("effectiveJSON lays the typed values over the document as written")
    func effectiveOverlay() throws {
        let text = """
            {
              gateway: { mode: 'local', port: 8080, controlUi: { enabled: true }, auth: { token: '${T}' } },
              agents: { defaults: { model: 'a/b', heartbeat: { every: '1h' } }, list: [ { id: 'main' } ] },
              hooks: { enabled: true, token: 'h', path: '/h/', mappings: [ { match: { path: 'x' } } ] },
              channels: { telegram: { allowFrom: ['1'] } },
              logging: { level: 'debug' },
              browser: { enabled: true },
            }
            """
        let json = try parseConfig(text, environment: ["T": "tok"]).config.effectiveJSON()
        #expect(json.value(atPath: "gateway.port") == 8080)
        #expect(json.value(atPath: "gateway.mode") == "local")
        #expect(json.value(atPath: "gateway.controlUi.enabled") == true)
        #expect(json.value(atPath: "gateway.bind") == "loopback")
        #expect(json.value(atPath: "gateway.auth.token") == "tok")
        #expect(json.value(atPath: "agents.defaults.model.primary") == "a/b")
        #expect(json.value(atPath: "agents.defaults.heartbeat.every") == "1h")
        #expect(json.value(atPath: "agents.defaults.maxConcurrent") == 8)
        #expect(json.value(atPath: "agents.list.0.id") == "main")
        #expect(json.value(atPath: "hooks.path") == "/h")
        #expect(json.value(atPath: "hooks.mappings.0.match.path") == "x")
        #expect(json.value(atPath: "channels.telegram.allowFrom") == ["1"])
        #expect(json.value(atPath: "logging.level") == "debug")
        #expect(redactSecrets(json).value(atPath: "gateway.auth.token") == "__OPENCLAW_REDACTED__")
    }

    @Test("effectiveJSON follows changes made to the typed values")
    func effectiveAfterMutation() {
        var config = TalonConfig.defaults
        config.gateway.port = 19_001
        config.gateway.bind = .lan
        config.hooks.enabled = true
        #expect(config.effectiveJSON().value(atPath: "gateway.port") == 19_001)
        #expect(config.effectiveJSON().value(atPath: "gateway.bind") == "lan")
        #expect(config.effectiveJSON().value(atPath: "hooks.enabled") == true)
    }
}

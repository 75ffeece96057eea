import Foundation
import TalonTestSupport
import Testing

@Suite("Process model: ports, binds, config errors, shutdown, CLI")
struct ProcessModelTests {
    @Test("talon --version prints the version")
    func version() async throws {
        let dir = try TempDir()
        let result = try await TalonProcess.run(["--version"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("SIGTERM drains and exits 0, closing the store")
    func gracefulShutdown() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        #expect(try await gateway.http.get("/readyz").status == 200)
        let code = try await gateway.stop()
        #expect(code == 0)
        #expect(gateway.process.stdout.contains("store closed"))
        #expect(gateway.process.stdout.contains("gateway stopped"))
        // The port is released.
        await #expect(throws: (any Error).self) { try await gateway.http.get("/healthz") }
    }

    @Test("SIGINT also shuts down cleanly")
    func interrupt() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        gateway.process.signal(SIGINT)
        #expect(try await gateway.process.waitForExit() == 0)
    }

    @Test("OPENCLAW_GATEWAY_PORT beats gateway.port; --port beats both")
    func portPrecedence() async throws {
        let dir = try TempDir()
        let envPort = try freeLoopbackPort()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { port: 1 } }"#,
            portArguments: [],
            environment: ["OPENCLAW_GATEWAY_PORT": String(envPort)]
        )
        defer { gateway.process.terminate() }
        #expect(gateway.port == envPort)
        #expect(try await HTTPProbe(port: envPort).get("/healthz").status == 200)

        let configPort = try freeLoopbackPort()
        let dir2 = try TempDir()
        let second = try await GatewayUnderTest.start(
            stateDir: dir2.path,
            config: "{ gateway: { port: \(configPort) } }",
            portArguments: []
        )
        defer { second.process.terminate() }
        #expect(second.port == configPort)
    }

    @Test("a non-loopback bind without auth refuses to start")
    func bindRefusal() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", #"{ gateway: { auth: { mode: "none" } } }"#)
        let env = TalonProcess.baseEnvironment(stateDir: dir.path)
        let refused = try await TalonProcess.run(["gateway", "--port", "0", "--bind", "lan"], environment: env)
        #expect(refused.code == 78)
        #expect(refused.stderr.contains("refusing to bind"))

        try dir.write("openclaw.json", #"{ gateway: { bind: "custom", customBindHost: "0.0.0.0", auth: { mode: "none" } } }"#)
        let custom = try await TalonProcess.run(["gateway", "--port", "0"], environment: env)
        #expect(custom.code == 78)

        // Loopback without auth is allowed (private by construction).
        try dir.write("openclaw.json", #"{ gateway: { auth: { mode: "none" } } }"#)
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        defer { gateway.process.terminate() }
        #expect(try await gateway.http.get("/api/status").status == 200)
    }

    @Test("an invalid config exits 78 and names the JSON path")
    func invalidConfig() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", #"{ gateway: { prot: 18789, bind: "everywhere" } }"#)
        let result = try await TalonProcess.run(["gateway", "--port", "0"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code == 78)
        #expect(result.stderr.contains("gateway.prot"))
        #expect(result.stderr.contains("port"))
        #expect(result.stderr.contains("gateway.bind"))
    }

    @Test("--config and OPENCLAW_CONFIG_PATH select the file")
    func configPath() async throws {
        let dir = try TempDir()
        try dir.write("custom.json5", #"{ gateway: { bind: "lan", auth: { token: "x" } } }"#)
        var env = TalonProcess.baseEnvironment(stateDir: dir.path)
        let byFlag = try await TalonProcess.run(["config", "get", "gateway.bind", "--config", dir.file("custom.json5")], environment: env)
        #expect(byFlag.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "lan")
        env["OPENCLAW_CONFIG_PATH"] = dir.file("custom.json5")
        let byEnv = try await TalonProcess.run(["config", "get", "gateway.bind"], environment: env)
        #expect(byEnv.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "lan")
    }
}

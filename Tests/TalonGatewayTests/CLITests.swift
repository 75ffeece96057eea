import Foundation
import TalonTestSupport
import Testing

@Suite("talon doctor and talon config get")
struct CLITests {
    @Test("doctor passes on a healthy setup")
    func doctorHealthy() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", #"{ gateway: { auth: { token: "abc" } } }"#)
        let result = try await TalonProcess.run(["doctor"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("no problems found"))
    }

    @Test("doctor lists each config problem with its path and a fix, and exits non-zero")
    func doctorBrokenConfig() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", #"{ gateway: { bnd: "lan" }, agents: { defaults: { maxConcurrent: "many" } } }"#)
        let result = try await TalonProcess.run(["doctor"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code != 0)
        #expect(result.stdout.contains("gateway.bnd"))
        #expect(result.stdout.contains("agents.defaults.maxConcurrent"))
        #expect(result.stdout.contains("fix:"))
    }

    @Test("doctor flags loose permissions with the chmod that fixes them")
    func doctorPermissions() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", "{}", mode: 0o644)
        chmod(dir.path, 0o755)
        let result = try await TalonProcess.run(["doctor"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code != 0)
        #expect(result.stdout.contains("chmod 600 \(dir.file("openclaw.json"))"))
        #expect(result.stdout.contains("chmod 700 \(dir.path)"))
    }

    @Test("doctor reports an unreachable PostgreSQL server")
    func doctorDeadDatabase() async throws {
        let dir = try TempDir()
        var env = TalonProcess.baseEnvironment(stateDir: dir.path)
        env["DATABASE_URL"] = "postgres://talon:pw@127.0.0.1:\(try freeLoopbackPort())/talon?sslmode=disable"
        let result = try await TalonProcess.run(["doctor"], environment: env)
        #expect(result.code != 0)
        #expect(result.stdout.contains("store"))
        #expect(!result.stdout.contains("pw@"))
    }

    @Test("config get prints effective values with secrets redacted")
    func configGet() async throws {
        let dir = try TempDir()
        try dir.write("openclaw.json", #"{ gateway: { port: 19001, auth: { mode: "token", token: "super-secret" } } }"#)
        let env = TalonProcess.baseEnvironment(stateDir: dir.path)
        let port = try await TalonProcess.run(["config", "get", "gateway.port"], environment: env)
        #expect(port.code == 0)
        #expect(port.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "19001")
        let bind = try await TalonProcess.run(["config", "get", "gateway.bind"], environment: env)
        #expect(bind.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "loopback")
        let auth = try await TalonProcess.run(["config", "get", "gateway.auth"], environment: env)
        #expect(auth.stdout.contains("\"mode\""))
        #expect(!auth.stdout.contains("super-secret"))
        let token = try await TalonProcess.run(["config", "get", "gateway.auth.token"], environment: env)
        #expect(!token.stdout.contains("super-secret"))
        let missing = try await TalonProcess.run(["config", "get", "gateway.nothing"], environment: env)
        #expect(missing.code != 0)
    }

    @Test("config get with no file shows the defaults")
    func configGetDefaults() async throws {
        let dir = try TempDir()
        let env = TalonProcess.baseEnvironment(stateDir: dir.path)
        let port = try await TalonProcess.run(["config", "get", "gateway.port"], environment: env)
        #expect(port.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "18789")
        let mode = try await TalonProcess.run(["config", "get", "gateway.auth.mode"], environment: env)
        #expect(mode.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "token")
    }
}

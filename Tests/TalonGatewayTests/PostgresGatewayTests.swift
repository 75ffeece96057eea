import Foundation
import TalonTestSupport
import Testing

@Suite("Gateway on PostgreSQL", .serialized)
struct PostgresGatewayTests {
    @Test("readyz turns 503 when PostgreSQL stops and 200 again when it returns; requests get 503, not a crash")
    func readinessFollowsDatabase() async throws {
        let cluster = try await PostgresCluster.start()
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "pg-test" } } }"#,
            environment: ["DATABASE_URL": cluster.url]
        )
        defer { gateway.process.terminate() }
        let auth = ["Authorization": "Bearer pg-test"]
        #expect(try await gateway.http.get("/readyz").status == 200)
        let status = try await gateway.http.get("/api/status", headers: auth)
        #expect(status.status == 200)
        #expect(((try status.json()["store"] as? [String: Any])?["backend"] as? String) == "postgres")

        try await cluster.stop()
        try await Wait.until(timeout: .seconds(20), "readyz 503") { try await gateway.http.get("/readyz").status == 503 }
        let notReady = try await gateway.http.get("/readyz")
        let body = try notReady.json()
        #expect(body["ok"] as? Bool == false)
        #expect(body["status"] as? String == "not-ready")
        #expect((body["failing"] as? [String])?.contains("store") == true)
        #expect(try await gateway.http.get("/api/status", headers: auth).status == 503)
        #expect(try await gateway.http.get("/healthz").status == 200)

        try await cluster.restart()
        try await Wait.until(timeout: .seconds(30), "readyz 200 after restart") { try await gateway.http.get("/readyz").status == 200 }
        #expect(try await gateway.http.get("/api/status", headers: auth).status == 200)
        #expect(gateway.process.exitCode == nil)
        #expect(try await gateway.stop() == 0)
        await cluster.destroy()
    }

    @Test("an unreachable database at start is a clear error and a non-zero exit")
    func deadDatabaseAtStart() async throws {
        let dir = try TempDir()
        var env = TalonProcess.baseEnvironment(stateDir: dir.path)
        env["DATABASE_URL"] = "postgres://talon:hunter2@127.0.0.1:\(try freeLoopbackPort())/talon?sslmode=disable"
        let result = try await TalonProcess.run(["gateway", "--port", "0"], environment: env)
        #expect(result.code != 0)
        #expect(result.stderr.contains("cannot open store"))
        #expect(!(result.stdout + result.stderr).contains("hunter2"))
    }

    @Test("the platform's split DB_* variables select PostgreSQL")
    func splitVariables() async throws {
        let cluster = try await PostgresCluster.start()
        let url = try #require(URLComponents(string: cluster.url))
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "t" } } }"#,
            environment: [
                "DB_HOST": url.host ?? "127.0.0.1", "DB_PORT": String(url.port ?? 5432),
                "DB_NAME": String(url.path.dropFirst()), "DB_USER": url.user ?? "postgres", "DB_PASSWORD": url.password ?? "",
                "DB_SSLMODE": "disable",
            ]
        )
        defer { gateway.process.terminate() }
        let status = try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer t"])
        #expect(((try status.json()["store"] as? [String: Any])?["backend"] as? String) == "postgres")
        try await gateway.stop()
        await cluster.destroy()
    }
}

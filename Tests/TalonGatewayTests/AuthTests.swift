import Foundation
import TalonTestSupport
import Testing

@Suite("HTTP authentication, failed-auth limiter and body limits")
struct AuthTests {
    @Test("token mode: 401 without or with a wrong token, 200 with the right one")
    func tokenMode() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "${MY_TOKEN}" } } }"#,
            environment: ["MY_TOKEN": "s3cret-token-value"]
        )
        defer { gateway.process.terminate() }
        let missing = try await gateway.http.get("/api/status")
        #expect(missing.status == 401)
        #expect((try missing.json()["error"] as? [String: Any])?["code"] as? String == "UNAUTHORIZED")
        let wrong = try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer s3cret-token-valuX"])
        #expect(wrong.status == 401)
        let right = try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer s3cret-token-value"])
        #expect(right.status == 200)
        let json = try right.json()
        #expect((json["store"] as? [String: Any])?["backend"] as? String == "sqlite")
        // The secret never reaches the log.
        #expect(!(gateway.process.stdout + gateway.process.stderr).contains("s3cret-token-value"))
    }

    @Test("no configured token: one is generated, printed once to stderr, and works")
    func generatedToken() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        defer { gateway.process.terminate() }
        let lines = gateway.process.stderr.split(separator: "\n").filter { $0.contains("generated one for this run") }
        #expect(lines.count == 1)
        let token = try #require(lines.first?.split(separator: " ").last.map(String.init))
        #expect(token.count >= 32)
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer nope"]).status == 401)
    }

    @Test("password mode accepts Bearer and Basic")
    func passwordMode() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "password" } } }"#,
            environment: ["OPENCLAW_GATEWAY_PASSWORD": "pa55word"]
        )
        defer { gateway.process.terminate() }
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer pa55word"]).status == 200)
        let basic = Data("any:pa55word".utf8).base64EncodedString()
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Basic \(basic)"]).status == 200)
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer wrong"]).status == 401)
    }

    @Test("repeated failures are locked out with 429 and Retry-After; loopback is exempt by default")
    func limiter() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: """
                { gateway: { auth: { mode: "token", token: "right",
                  rateLimit: { maxAttempts: 3, windowMs: 60000, lockoutMs: 30000, exemptLoopback: false } } } }
                """
        )
        defer { gateway.process.terminate() }
        for _ in 0..<3 {
            #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer wrong"]).status == 401)
        }
        let locked = try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer wrong"])
        #expect(locked.status == 429)
        let retryAfter = try #require(locked.header("Retry-After").flatMap(Int.init))
        #expect(retryAfter > 0 && retryAfter <= 30)
        // Locked out means locked out, even with the right token.
        #expect(try await gateway.http.get("/api/status", headers: ["Authorization": "Bearer right"]).status == 429)
        // Probes stay reachable.
        #expect(try await gateway.http.get("/healthz").status == 200)

        let exemptDir = try TempDir()
        let exempt = try await GatewayUnderTest.start(
            stateDir: exemptDir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "right", rateLimit: { maxAttempts: 2 } } } }"#
        )
        defer { exempt.process.terminate() }
        for _ in 0..<4 {
            #expect(try await exempt.http.get("/api/status", headers: ["Authorization": "Bearer wrong"]).status == 401)
        }
        #expect(try await exempt.http.get("/api/status", headers: ["Authorization": "Bearer right"]).status == 200)
    }

    @Test("a declared body over the limit is refused with 413 before it is sent")
    func bodyLimit() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "t" }, http: { maxBodyBytes: 1024 } } }"#
        )
        defer { gateway.process.terminate() }
        // Headers only: the server must answer without waiting for the 50 MB it was promised.
        let head = "POST /api/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 52428800\r\n\r\n"
        let response = try await gateway.http.raw(Data(head.utf8), timeout: 10)
        #expect(response.status == 413)
        #expect((try response.json()["error"] as? [String: Any])?["code"] as? String == "PAYLOAD_TOO_LARGE")
        // Unauthenticated oversize bodies are refused the same way, and the gateway keeps serving.
        let anonymous = try await gateway.http.request("POST", "/anything", body: Data(count: 4096))
        #expect(anonymous.status == 413)
        #expect(try await gateway.http.get("/healthz").status == 200)
    }
}

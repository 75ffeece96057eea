import Foundation
import TalonTestSupport
import Testing

@Suite("Health and readiness over a real socket")
struct HealthTests {
    @Test("GET and HEAD /health and /healthz answer live without auth")
    func liveness() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        defer { gateway.process.terminate() }
        for path in ["/health", "/healthz"] {
            let response = try await gateway.http.get(path)
            #expect(response.status == 200)
            let json = try response.json()
            #expect(json["ok"] as? Bool == true)
            #expect(json["status"] as? String == "live")
            let head = try await gateway.http.request("HEAD", path)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test("/ready and /readyz answer ready on the embedded SQLite store")
    func readiness() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        defer { gateway.process.terminate() }
        for path in ["/ready", "/readyz"] {
            let response = try await gateway.http.get(path)
            #expect(response.status == 200)
            let json = try response.json()
            #expect(json["ok"] as? Bool == true)
            #expect(json["status"] as? String == "ready")
        }
        // The state dir and the database are private.
        #expect(try permissions(dir.path) == 0o700)
        #expect(try permissions(dir.file("talon.sqlite")) == 0o600)
    }

    @Test("an unknown route needs auth first, then is a JSON 404")
    func unknownRoute() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: #"{ gateway: { auth: { mode: "token", token: "t0ken-abc" } } }"#
        )
        defer { gateway.process.terminate() }
        #expect(try await gateway.http.get("/nope").status == 401)
        let response = try await gateway.http.get("/nope", headers: ["Authorization": "Bearer t0ken-abc"])
        #expect(response.status == 404)
        #expect((try response.json()["error"] as? [String: Any])?["code"] as? String == "NOT_FOUND")
    }
}

func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
}

import Foundation
import HTTPTypes
import TalonCore
import TalonTestSupport
import Testing

/// `mctl.connect.*` over the WebSocket against the fake MCTL API, and in the Control UI.
@Suite("MCTL connect over the gateway", .serialized)
struct MCTLConnectGatewayTests {
    @Test func connectFlowStatusAndDisconnect() async throws {
        let api = try await FakeMCTLAPI.start(login: "octocat")
        defer { Task { await api.stop() } }
        let agent = try await AgentGateway.start(environment: ["MCTL_API_URL": api.baseURL])
        defer { Task { await agent.stop() } }
        let (client, _) = try await agent.connect()
        defer { client.close() }

        #expect(try await client.call("mctl.connect.status")["state"]?.stringValue == "disconnected")
        let redirect = "http://127.0.0.1:\(agent.port)/overview?mctl_oauth=1"
        let started = try await client.call("mctl.connect.start", ["redirectUri": .string(redirect)])
        let authorize = try #require(started["authorizeUrl"]?.stringValue.flatMap(URLComponents.init(string:)))
        let state = try #require(started["state"]?.stringValue)
        #expect(authorize.queryItems?.first { $0.name == "code_challenge_method" }?.value == "S256")
        #expect(try await client.call("mctl.connect.status")["state"]?.stringValue == "pending")

        // Play the browser: the authorize endpoint redirects back with a code.
        let answer = try await HTTPProbe(port: api.port).request(
            "GET", authorize.percentEncodedPath + "?" + (authorize.percentEncodedQuery ?? ""))
        #expect(answer.status == 302)
        let back = try #require(answer.header("location").flatMap(URLComponents.init(string:)))
        let code = try #require(back.queryItems?.first { $0.name == "code" }?.value)
        #expect(back.queryItems?.first { $0.name == "state" }?.value == state)

        let wrong = try await client.request("mctl.connect.complete", ["code": .string(code), "state": "not-the-state"])
        #expect(wrong["ok"]?.boolValue == false)
        let completed = try await client.call("mctl.connect.complete", ["code": .string(code), "state": .string(state)])
        #expect(completed["state"]?.stringValue == "connected")
        #expect(completed["login"]?.stringValue == "octocat")
        let status = try await client.call("mctl.connect.status")
        #expect(status["connected"]?.boolValue == true)
        #expect(status["apiBase"]?.stringValue == api.baseURL)
        let credentials = agent.dir.path + "/mcp-auth/mctl/credentials.json"
        #expect(FileManager.default.fileExists(atPath: credentials))
        #expect(FileSystem.permissions(credentials) == 0o600)

        let disconnected = try await client.call("mctl.connect.disconnect")
        #expect(disconnected["state"]?.stringValue == "disconnected")
        #expect(!FileManager.default.fileExists(atPath: credentials))
    }

    @Test func onlyOwnersMayConnect() async throws {
        let api = try await FakeMCTLAPI.start()
        defer { Task { await api.stop() } }
        let mock = try await MockModelServer.start()
        defer { Task { await mock.stop() } }
        let gateway = try await TrustedProxyTests.start(mock: mock, environment: ["MCTL_API_URL": api.baseURL])
        defer { gateway.process.terminate() }
        let developer = try await TrustedProxyTests.connect(gateway, "dana", "developer")
        defer { developer.close() }
        #expect(try await developer.call("mctl.connect.status")["state"]?.stringValue == "disconnected")
        let denied = try await developer.request("mctl.connect.start", ["redirectUri": "http://127.0.0.1/overview?mctl_oauth=1"])
        #expect(denied["error"]?["code"]?.stringValue == "FORBIDDEN")
        #expect(denied["error"]?["details"]?["missingScope"]?.stringValue == "mctl.owner")
        let owner = try await TrustedProxyTests.connect(gateway, "olga", "owner")
        defer { owner.close() }
        let started = try await owner.call("mctl.connect.start", ["redirectUri": "http://127.0.0.1/overview?mctl_oauth=1"])
        #expect(started["authorizeUrl"]?.stringValue?.hasPrefix(api.baseURL) == true)
    }

    @Test("Connect MCTL in the Control UI shows the login", .enabled(if: WebChatBrowserTests.browserReady))
    func connectInBrowser() async throws {
        let api = try await FakeMCTLAPI.start(login: "octocat")
        defer { Task { await api.stop() } }
        let agent = try await AgentGateway.start(environment: ["MCTL_API_URL": api.baseURL])
        defer { Task { await agent.stop() } }
        let result = try await E2E.runPython(
            "Tests/e2e/control_ui_test.py",
            [
                "--url", "http://127.0.0.1:\(agent.port)/", "--token", AgentGateway.token, "--timeout", "60", "--connect-mctl",
                "--expect-login", "octocat",
            ])
        #expect(result.status == 0, "control UI connect test failed:\n\(result.output)")
    }
}

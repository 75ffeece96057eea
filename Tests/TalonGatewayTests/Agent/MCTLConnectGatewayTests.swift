import Foundation
import HTTPTypes
import TalonCore
import TalonTestSupport
import Testing

/// `mctl.connect.*` over the WebSocket against the fake MCTL API, and in the Control UI.
@Suite("MCTL connect over the gateway", .serialized)
struct MCTLConnectGatewayTests {
    /// Runs the OAuth round trip over `client`, playing the browser against the fake API.
    static func connect(_ client: WSClient, agent: AgentGateway, api: FakeMCTLAPI) async throws {
        let redirect = "http://127.0.0.1:\(agent.port)/overview?mctl_oauth=1"
        let started = try await client.call("mctl.connect.start", ["redirectUri": .string(redirect)])
        let authorize = try #require(started["authorizeUrl"]?.stringValue.flatMap(URLComponents.init(string:)))
        let answer = try await HTTPProbe(port: api.port).request(
            "GET", authorize.percentEncodedPath + "?" + (authorize.percentEncodedQuery ?? ""))
        let back = try #require(answer.header("location").flatMap(URLComponents.init(string:)))
        let code = try #require(back.queryItems?.first { $0.name == "code" }?.value)
        let state = try #require(back.queryItems?.first { $0.name == "state" }?.value)
        _ = try await client.call("mctl.connect.complete", ["code": .string(code), "state": .string(state)])
    }

    /// An agent turn calls an MCTL tool through the MCP client with the OAuth bearer; an expired token is refreshed
    /// once and the call retried.
    @Test func agentTurnCallsAnMCTLToolWithTheBearer() async throws {
        let api = try await FakeMCTLAPI.start(login: "octocat")
        defer { Task { await api.stop() } }
        let agent = try await AgentGateway.start(
            extraConfig: #"mcp: { servers: { mctl: { url: "\#(api.baseURL)/mcp", transport: "streamable-http", auth: "mctl" } } },"#,
            environment: ["MCTL_API_URL": api.baseURL])
        defer { Task { await agent.stop() } }
        let (client, _) = try await agent.connect()
        defer { client.close() }
        try await Self.connect(client, agent: agent, api: api)

        let status = try await client.call("mcp.status")
        let server = try #require(status["servers"]?.arrayValue?.first)
        #expect(server["name"]?.stringValue == "mctl")

        agent.mock.enqueue(.toolCall(name: "mctl__mctl_list_services", arguments: "{}"), .text("listed"))
        let first = try await client.call("chat.send", ["message": "list my services", "idempotencyKey": "m-1"])
        _ = try await client.chatEvents(runId: try #require(first["runId"]?.stringValue))
        let result = try #require(agent.mock.requests().last?.toolResults.first)
        #expect(!result.isError, "\(result.content)")
        #expect(result.content.contains("octocat"))
        let calls = api.mcpRequests.filter { $0.method == "tools/call" }
        #expect(calls.count == 1)
        #expect(calls.first?.authorization?.hasPrefix("Bearer ") == true)

        api.expireAccessTokens()
        let refreshesBefore = api.refreshCount
        agent.mock.enqueue(.toolCall(name: "mctl__mctl_list_services", arguments: "{}"), .text("listed again"))
        let second = try await client.call("chat.send", ["message": "again", "idempotencyKey": "m-2"])
        _ = try await client.chatEvents(runId: try #require(second["runId"]?.stringValue))
        let retried = try #require(agent.mock.requests().last?.toolResults.first)
        #expect(!retried.isError, "\(retried.content)")
        #expect(api.refreshCount == refreshesBefore + 1, "one refresh after the 401")
    }

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

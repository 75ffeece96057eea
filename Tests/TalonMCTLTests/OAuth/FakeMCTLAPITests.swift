import Foundation
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonMCTL

/// The fake mctl-api keeps the server's rules, so the client tests mean something.
@Suite("Fake mctl-api: OAuth server and MCP endpoint")
struct FakeMCTLAPITests {
    @Test func publishesAuthorizationServerMetadata() async throws {
        let api = try await FakeMCTLAPI.start()
        defer { Task { await api.stop() } }
        let metadata = try await HTTPProbe(port: api.port).get("/.well-known/oauth-authorization-server").json()
        #expect(metadata["issuer"] as? String == api.baseURL)
        #expect(metadata["authorization_endpoint"] as? String == api.baseURL + "/oauth/authorize")
        #expect(metadata["token_endpoint"] as? String == api.baseURL + "/oauth/token")
        #expect(metadata["registration_endpoint"] as? String == api.baseURL + "/oauth/register")
        #expect(metadata["response_types_supported"] as? [String] == ["code"])
        #expect(metadata["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token"])
        #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
        #expect(metadata["token_endpoint_auth_methods_supported"] as? [String] == ["none"])
    }

    @Test func authorizeRefusesUnknownClientsAndRedirectsOtherErrors() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let probe = HTTPProbe(port: harness.api.port)
        let unknown = try await probe.get("/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=http%3A%2F%2Fx%2F&state=s")
        #expect(unknown.status == 400)
        #expect(unknown.header("location") == nil)
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let query = MCTLConnectHarness.query(of: started.authorizeUrl)
        let client = query["client_id"] ?? ""
        let other = try await probe.get("/oauth/authorize?response_type=code&client_id=\(client)&redirect_uri=http%3A%2F%2Fevil%2F&state=s")
        #expect(other.status == 400)
        #expect(other.header("location") == nil)
        harness.api.denyNextAuthorization()
        let denied = try await harness.authorize(started.authorizeUrl)
        #expect(denied["error"] == "access_denied")
        #expect(denied["state"] == started.state)
        #expect(denied["code"] == nil)
    }

    @Test func tokenEndpointChecksPKCEAndCodesAreSingleUse() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let pending = try #require(harness.store.readPending())
        let code = try #require(try await harness.authorize(started.authorizeUrl)["code"])
        func exchange(verifier: String) async throws -> HTTPProbe.Response {
            let form = MCTLOAuthCrypto.formEncode([
                ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("client_id", pending.clientId),
                ("redirect_uri", pending.redirectUri),
            ])
            return try await HTTPProbe(port: harness.api.port).request(
                "POST", "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8))
        }
        let wrong = try await exchange(verifier: MCTLOAuthCrypto.newVerifier())
        #expect(wrong.status == 400)
        #expect(try wrong.json()["error"] as? String == "invalid_grant")
        // The failed attempt used the code up.
        let reused = try await exchange(verifier: pending.codeVerifier)
        #expect(try reused.json()["error"] as? String == "invalid_grant")
    }

    @Test func refreshTokensRotateAndReuseIsInvalidGrant() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let first = try #require(harness.store.readCredentials())
        func refresh(_ token: String) async throws -> HTTPProbe.Response {
            let form = MCTLOAuthCrypto.formEncode([
                ("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", first.clientId),
            ])
            return try await HTTPProbe(port: harness.api.port).request(
                "POST", "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8))
        }
        let rotated = try await refresh(first.refreshToken).json()
        #expect(rotated["token_type"] as? String == "Bearer")
        #expect(rotated["scope"] as? String == "mctl")
        #expect(rotated["expires_in"] as? Int == 3600)
        let next = try #require(rotated["refresh_token"] as? String)
        #expect(next != first.refreshToken)
        let access = try #require(rotated["access_token"] as? String)
        #expect(access.split(separator: ".").count == 3)
        let claims = try #require(MCTLOAuthCrypto.unverifiedClaims(access))
        #expect(claims["sub"]?.stringValue == "octocat")
        #expect(claims["iss"]?.stringValue == harness.api.baseURL)
        #expect(claims["exp"]?.doubleValue != nil)
        let reuse = try await refresh(first.refreshToken)
        #expect(reuse.status == 400)
        #expect(try reuse.json()["error"] as? String == "invalid_grant")
        #expect(try await refresh(next).status == 200)
        #expect(harness.api.refreshCount == 3)
    }

    @Test func mcpEndpointRequiresTheBearerAndServesTwoTools() async throws {
        let harness = try await MCTLConnectHarness.start(login: "hubot")
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let token = try await harness.connect.accessToken()
        let mcp = MCPProbe(port: harness.api.port)
        let anonymous = try await mcp.initialize(token: nil)
        #expect(anonymous.status == 401)
        #expect(
            anonymous.header("www-authenticate")
                == "Bearer error=\"invalid_token\", error_description=\"missing, unknown or expired access token\"")
        #expect(try await mcp.initialize(token: "not-a-token").status == 401)

        let initialized = try await mcp.initialize(token: token)
        #expect(initialized.status == 200)
        #expect(initialized.header("content-type") == "application/json")
        let session = try #require(initialized.header("mcp-session-id"))
        let result = try #require(try initialized.json()["result"] as? [String: Any])
        #expect(result["protocolVersion"] as? String == "2025-03-26")
        #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
        #expect(result["serverInfo"] != nil)
        let notified = try await mcp.post(["jsonrpc": "2.0", "method": "notifications/initialized"], token: token, session: session)
        #expect(notified.status == 202)

        let listed = try await mcp.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"], token: token, session: session)
        let tools = try #require((try listed.json()["result"] as? [String: Any])?["tools"] as? [[String: Any]])
        #expect(tools.compactMap { $0["name"] as? String } == ["mctl_list_services", "mctl_get_service"])
        #expect(tools.allSatisfy { $0["inputSchema"] is [String: Any] })

        let call: JSONValue = [
            "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": ["name": "mctl_get_service", "arguments": ["name": "api"]],
        ]
        let called = try await mcp.post(call, token: token, session: session, accept: "text/event-stream")
        #expect(called.header("content-type") == "text/event-stream")
        #expect(called.text.hasPrefix("event: message\ndata: {"))
        let data = try #require(called.text.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
        let event = try JSON5.parse(String(data))
        #expect(event["result"]?["content"]?[0]?["type"]?.stringValue == "text")
        #expect(event["result"]?["content"]?[0]?["text"]?.stringValue?.contains("hubot") == true)
        #expect(
            harness.api.mcpRequests.map(\.method) == [
                "initialize", "initialize", "initialize", "notifications/initialized", "tools/list", "tools/call",
            ])
        #expect(harness.api.mcpRequests.last?.authorization == "Bearer " + token)
        let unknownSession = try await mcp.post(["jsonrpc": "2.0", "id": 4, "method": "tools/list"], token: token, session: "gone")
        #expect(unknownSession.status == 404)
    }
}

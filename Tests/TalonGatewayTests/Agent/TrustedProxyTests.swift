import Foundation
import HTTPTypes
import TalonCore
import TalonTestSupport
import Testing

/// Platform-aware sessions behind the trusted proxy: identity headers only from trusted CIDRs, role scopes on every
/// API, WebChat sessions and their events private to their GitHub user (and owners).
@Suite("Trusted proxy: scopes and per-user sessions", .serialized)
struct TrustedProxyTests {
    static func start(
        trustedCIDR: String = "127.0.0.0/8", mock: MockModelServer, environment: [String: String] = [:]
    ) async throws -> GatewayUnderTest {
        let dir = try TempDir()
        return try await GatewayUnderTest.start(
            stateDir: dir.path,
            config: """
                {
                  gateway: {
                    auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "X-Forwarded-User", roleHeader: "X-Mctl-Team-Role" } },
                    trustedProxies: ["\(trustedCIDR)"],
                    http: { endpoints: { chatCompletions: { enabled: true } } },
                  },
                  models: { providers: { mock: { baseUrl: "\(mock.baseURL)/v1", api: "openai-completions", apiKey: "k" } } },
                  agents: { defaults: { model: "mock/test-model" } },
                }
                """, environment: environment)
    }

    static func user(_ login: String, _ role: String?) -> [String: String] {
        var headers = ["X-Forwarded-User": login]
        if let role { headers["X-Mctl-Team-Role"] = role }
        return headers
    }

    static func connect(_ gateway: GatewayUnderTest, _ login: String, _ role: String?) async throws -> WSClient {
        var fields = HTTPFields()
        for (name, value) in user(login, role) { fields[HTTPField.Name(name)!] = value }
        let client = WSClient(WSTestClient(port: gateway.port, path: "/", headers: fields))
        _ = await client.nextFrame()
        let response = try await client.request(
            "connect", ["minProtocol": 3, "maxProtocol": 4, "client": ["id": "test", "version": "1", "platform": "linux", "mode": "test"]])
        guard response["ok"]?.boolValue == true else { throw ProbeError("connect failed: \(response.serialized())") }
        return client
    }

    @Test func httpScopesFollowThePlatformRole() async throws {
        let mock = try await MockModelServer.start()
        defer { Task { await mock.stop() } }
        let gateway = try await Self.start(mock: mock)
        defer { gateway.process.terminate() }
        let http = gateway.http
        #expect(try await http.request("GET", "/v1/models", headers: [:]).status == 401, "no identity → 401")
        #expect(try await http.request("GET", "/v1/models", headers: ["X-Mctl-Team-Role": "owner"]).status == 401, "no user → 401")
        #expect(try await http.request("GET", "/v1/models", headers: Self.user("vera", "viewer")).status == 200)
        #expect(try await http.request("GET", "/v1/models", headers: Self.user("nobody", nil)).status == 403, "no role → no scopes")

        let completion = Data(#"{"model":"openclaw","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let viewerPost = try await http.request(
            "POST", "/v1/chat/completions", headers: Self.user("vera", "viewer").merging(["Content-Type": "application/json"]) { $1 },
            body: completion)
        #expect(viewerPost.status == 403)
        let openAIError = try #require(try JSON5.parse(viewerPost.text)["error"])
        #expect(openAIError["type"]?.stringValue == "forbidden")
        mock.enqueue(.text("hello dev"))
        let devPost = try await http.request(
            "POST", "/v1/chat/completions", headers: Self.user("dana", "developer").merging(["Content-Type": "application/json"]) { $1 },
            body: completion)
        #expect(devPost.status == 200)

        let invoke = Data(#"{"tool":"session_status","args":{}}"#.utf8)
        let viewerInvoke = try await http.request("POST", "/tools/invoke", headers: Self.user("vera", "viewer"), body: invoke)
        #expect(viewerInvoke.status == 403)
        let details = try JSON5.parse(viewerInvoke.text)["error"]?["details"]
        #expect(details?["code"]?.stringValue == "MISSING_SCOPE")
        #expect(details?["missingScope"]?.stringValue == "operator.write")
        let devInvoke = try await http.request("POST", "/tools/invoke", headers: Self.user("dana", "developer"), body: invoke)
        #expect(devInvoke.status == 200)
        #expect(try JSON5.parse(devInvoke.text)["result"]?["text"]?.stringValue?.contains("webchat:direct:dana") == true)
        #expect(try await http.request("GET", "/api/incidents", headers: Self.user("dana", "developer")).status == 403)
        #expect(try await http.request("GET", "/api/incidents", headers: Self.user("olga", "owner")).status == 200)
    }

    @Test func identityHeadersFromAnUntrustedAddressAreIgnored() async throws {
        let mock = try await MockModelServer.start()
        defer { Task { await mock.stop() } }
        let gateway = try await Self.start(trustedCIDR: "10.42.0.0/16", mock: mock)
        defer { gateway.process.terminate() }
        #expect(try await gateway.http.request("GET", "/v1/models", headers: Self.user("olga", "owner")).status == 401)
        await #expect(throws: (any Error).self) { _ = try await Self.connect(gateway, "olga", "owner") }
    }

    @Test func developersCannotReadOrWatchEachOthersSessions() async throws {
        let mock = try await MockModelServer.start()
        defer { Task { await mock.stop() } }
        let gateway = try await Self.start(mock: mock)
        defer { gateway.process.terminate() }
        let alice = try await Self.connect(gateway, "alice", "developer")
        let bob = try await Self.connect(gateway, "bob", "developer")
        let owner = try await Self.connect(gateway, "olga", "owner")
        defer { for client in [alice, bob, owner] { client.close() } }

        mock.enqueue(.streamedText(["secret ", "plans"], delayMs: 50))
        let sent = try await alice.call("chat.send", ["message": "my secret", "idempotencyKey": "a-1"])
        let runId = try #require(sent["runId"]?.stringValue)
        let aliceEvents = try await alice.chatEvents(runId: runId)
        #expect(aliceEvents.last?["payload"]?["sessionKey"]?.stringValue == "agent:main:webchat:direct:alice")
        let ownerEvents = try await owner.chatEvents(runId: runId)
        #expect(!ownerEvents.isEmpty, "owners see every session's events")
        // Bob saw nothing of Alice's run.
        let bobSaw = await bob.nextFrame(timeout: .milliseconds(500))
        #expect(bobSaw == nil || bobSaw?["payload"]?["runId"]?.stringValue != runId)

        let aliceKey = "agent:main:webchat:direct:alice"
        let denied = try await bob.request("chat.history", ["sessionKey": .string(aliceKey)])
        #expect(denied["ok"]?.boolValue == false)
        #expect(denied["error"]?["code"]?.stringValue == "FORBIDDEN")
        let bobSend = try await bob.request("chat.send", ["sessionKey": .string(aliceKey), "message": "hi", "idempotencyKey": "b-1"])
        #expect(bobSend["error"]?["code"]?.stringValue == "FORBIDDEN")
        let bobList = try await bob.call("sessions.list")
        #expect(bobList["sessions"]?.arrayValue?.contains { $0["key"]?.stringValue == aliceKey } == false)
        let ownerList = try await owner.call("sessions.list")
        #expect(ownerList["sessions"]?.arrayValue?.contains { $0["key"]?.stringValue == aliceKey } == true)
        let ownerHistory = try await owner.call("chat.history", ["sessionKey": .string(aliceKey)])
        #expect(ownerHistory["messages"]?.arrayValue?.isEmpty == false)

        // Owner-only and admin methods.
        let config = try await bob.request("config.get")
        #expect(config["error"]?["code"]?.stringValue == "FORBIDDEN")
        #expect(config["error"]?["details"]?["missingScope"]?.stringValue == "operator.admin")
        let pairing = try await bob.request("pairing.approve", ["channel": "telegram", "code": "ABCDEFGH"])
        #expect(pairing["error"]?["details"]?["code"]?.stringValue == "MISSING_SCOPE")
        let ownerConfig = try await owner.call("config.get")
        #expect(ownerConfig["config"]?["gateway"]?["auth"]?["mode"]?.stringValue == "trusted-proxy")
        #expect(ownerConfig["hash"]?.stringValue?.count == 64)
    }
}

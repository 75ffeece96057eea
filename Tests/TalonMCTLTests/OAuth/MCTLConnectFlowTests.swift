import Foundation
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonMCTL

@Suite("MCTL OAuth connect flow against the fake mctl-api")
struct MCTLConnectFlowTests {
    @Test func wholeFlowConnectsAsTheJWTSubject() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let before = await harness.connect.status()
        #expect(before.state == .disconnected)
        #expect(before.json["apiBase"]?.stringValue == harness.api.baseURL)

        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        #expect(harness.api.registrations == 1)
        let registration = try #require(harness.api.registrationRequests.first)
        #expect(registration["client_name"]?.stringValue == "openclaw-control-ui")
        #expect(registration["redirect_uris"] == [.string(MCTLConnectHarness.redirectUri)])
        // 24 random bytes → 32 base64url characters.
        #expect(started.state.count == 32)
        let authorize = MCTLConnectHarness.query(of: started.authorizeUrl)
        #expect(started.authorizeUrl.hasPrefix(harness.api.baseURL + "/oauth/authorize?"))
        #expect(authorize["response_type"] == "code")
        #expect(authorize["code_challenge_method"] == "S256")
        #expect(authorize["redirect_uri"] == MCTLConnectHarness.redirectUri)
        #expect(authorize["state"] == started.state)
        #expect(authorize["code_challenge"]?.count == 43)
        #expect(started.json == ["authorizeUrl": .string(started.authorizeUrl), "state": .string(started.state)])

        let pending = await harness.connect.status()
        #expect(pending.state == .pending)
        #expect(pending.pending && !pending.connected)
        #expect(pending.startedAt != nil)

        let redirect = try await harness.authorize(started.authorizeUrl)
        #expect(redirect["state"] == started.state)
        let code = try #require(redirect["code"])
        let completed = try await harness.connect.complete(code: code, state: started.state)
        #expect(completed.state == .connected)
        #expect(completed.login == "octocat")

        let exchange = try #require(harness.api.tokenRequests.last)
        #expect(exchange.grantType == "authorization_code")
        #expect(exchange.contentType?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(Set(exchange.form.keys) == ["grant_type", "code", "code_verifier", "client_id", "redirect_uri"])
        #expect(exchange.form["code_verifier"]?.count == 43)

        let status = await harness.connect.status()
        #expect(status.state == .connected)
        #expect(status.json["connected"] == true)
        #expect(status.json["pending"] == false)
        #expect(status.json["login"]?.stringValue == "octocat")
        #expect(status.json["startedAt"] == .null)
        let expiresAt = try #require(status.expiresAt)
        #expect(abs(expiresAt - Clocks.nowMs() - 3_600_000) < 60_000)
        #expect(!FileSystem.exists(harness.store.pendingPath))
        let token = try await harness.connect.accessToken()
        #expect(harness.api.isValidAccessToken(token))
        #expect(harness.api.refreshCount == 0)
    }

    @Test func statusJSONHasExactlyTheForkKeys() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let keys: Set<String> = ["state", "connected", "pending", "apiBase", "login", "expiresAt", "updatedAt", "startedAt"]
        #expect(MCTLConnectHarness.keys(await harness.connect.status().json) == keys)
        try await harness.connectFully()
        let connected = await harness.connect.status().json
        #expect(MCTLConnectHarness.keys(connected) == keys)
        #expect(connected["state"]?.stringValue == "connected")
    }

    @Test func filesArePrivateAndCarryTheForkRecord() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let store = harness.store
        #expect(store.directory == harness.stateDir + "/mcp-auth/mctl")
        #expect(FileSystem.permissions(store.directory) == 0o700)
        #expect(FileSystem.permissions(store.pendingPath) == 0o600)
        let pending = try harness.json(store.pendingPath)
        #expect(pending["state"]?.stringValue == started.state)
        #expect(pending["redirectUri"]?.stringValue == MCTLConnectHarness.redirectUri)

        let redirect = try await harness.authorize(started.authorizeUrl)
        _ = try await harness.connect.complete(code: redirect["code"] ?? "", state: started.state)
        #expect(FileSystem.permissions(store.credentialsPath) == 0o600)
        let record = try harness.json(store.credentialsPath)
        let keys: Set<String> = [
            "version", "apiBase", "clientId", "accessToken", "refreshToken", "scope", "login", "connectedAt", "updatedAt", "expiresAt",
        ]
        #expect(MCTLConnectHarness.keys(record) == keys)
        #expect(record["version"]?.intValue == 1)
        #expect(record["apiBase"]?.stringValue == harness.api.baseURL)
        #expect(record["login"]?.stringValue == "octocat")
        #expect(record["scope"]?.stringValue == "mctl")
        #expect(record["clientId"]?.stringValue == pending["clientId"]?.stringValue)
        // Epoch milliseconds, not seconds.
        let connectedAt = try #require(record["connectedAt"]?.doubleValue)
        #expect(abs(connectedAt - Double(Clocks.nowMs())) < 60_000)
        #expect(try #require(record["expiresAt"]?.doubleValue) > connectedAt + 3_000_000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(leftovers == ["credentials.json"])
    }

    @Test func stateMismatchIsRejectedAndNothingIsStored() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let redirect = try await harness.authorize(started.authorizeUrl)
        await #expect(throws: MCTLConnectError.stateMismatch) {
            try await harness.connect.complete(code: redirect["code"] ?? "", state: "forged-" + started.state)
        }
        #expect(harness.api.tokenRequests.isEmpty)
        #expect(!FileSystem.exists(harness.store.credentialsPath))
        #expect(await harness.connect.status().state == .pending)
        // The legitimate answer still completes.
        let status = try await harness.connect.complete(code: redirect["code"] ?? "", state: started.state)
        #expect(status.connected)
    }

    @Test func completeWithoutStartAndAReusedCodeFail() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        await #expect(throws: MCTLConnectError.noPendingConnect) {
            try await harness.connect.complete(code: "x", state: "y")
        }
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let redirect = try await harness.authorize(started.authorizeUrl)
        // A code the server does not know: its OAuth error comes back, the pending connect stays.
        do {
            _ = try await harness.connect.complete(code: "not-" + (redirect["code"] ?? ""), state: started.state)
            Issue.record("completion with a wrong code succeeded")
        } catch let error as MCTLConnectError {
            #expect(error.oauthError == "invalid_grant")
            #expect(error.description.contains("invalid_grant"))
        }
        #expect(await harness.connect.status().state == .pending)
    }

    @Test func missingRefreshTokenOrBadRedirectUriIsRefused() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        await #expect(throws: MCTLConnectError.invalidRedirectUri) {
            try await harness.connect.start(redirectUri: "/overview?mctl_oauth=1")
        }
        #expect(harness.api.registrations == 0)
        let unreachable = MCTLConnect(stateDir: harness.stateDir, apiBase: "http://127.0.0.1:1", timeoutSeconds: 5)
        await #expect(throws: MCTLConnectError.self) {
            try await unreachable.start(redirectUri: MCTLConnectHarness.redirectUri)
        }
        #expect(await harness.connect.status().state == .disconnected)
        // A token response without a refresh token cannot keep the connection alive: refused.
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let redirect = try await harness.authorize(started.authorizeUrl)
        harness.api.omitNextRefreshToken()
        await #expect(throws: MCTLConnectError.missingRefreshToken) {
            try await harness.connect.complete(code: redirect["code"] ?? "", state: started.state)
        }
        #expect(!FileSystem.exists(harness.store.credentialsPath))
    }

    @Test func disconnectDeletesBothFiles() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        _ = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        let both = await harness.connect.status()
        #expect(both.state == .connected && both.pending)
        #expect(FileSystem.exists(harness.store.credentialsPath) && FileSystem.exists(harness.store.pendingPath))
        try await harness.connect.disconnect()
        #expect(!FileSystem.exists(harness.store.credentialsPath))
        #expect(!FileSystem.exists(harness.store.pendingPath))
        let status = await harness.connect.status()
        #expect(status.state == .disconnected)
        #expect(status.login == nil)
        await #expect(throws: MCTLConnectError.notConnected) { try await harness.connect.accessToken() }
        // Disconnecting twice is fine.
        try await harness.connect.disconnect()
    }

    @Test func apiBaseComesFromTheEnvironment() {
        #expect(MCTLConnect.apiBase(environment: [:]) == "https://api.mctl.ai")
        #expect(MCTLConnect.apiBase(environment: ["MCTL_API_URL": " "]) == "https://api.mctl.ai")
        #expect(MCTLConnect.apiBase(environment: ["MCTL_API_URL": "http://mctl.test/"]) == "http://mctl.test/")
        #expect(MCTLConnect(stateDir: "/tmp/x", apiBase: "http://mctl.test/").apiBase == "http://mctl.test")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonMCTL

@Suite("MCTL OAuth refresh: single flight, rotation, cleanup")
struct MCTLConnectRefreshTests {
    @Test func concurrentCallersNearExpiryShareOneRefresh() async throws {
        // 30 s tokens: under the 60 s margin, so the first use refreshes.
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(30))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let before = try #require(harness.store.readCredentials())
        harness.api.setAccessTokenTTL(.seconds(3600))
        let connect = harness.connect
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<12 { group.addTask { try await connect.accessToken() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(harness.api.refreshCount == 1)
        #expect(Set(tokens).count == 1)
        let token = try #require(tokens.first)
        #expect(token != before.accessToken)
        #expect(harness.api.isValidAccessToken(token))
        // The refresh token rotated: the old one is dead, the stored one is live.
        let after = try #require(harness.store.readCredentials())
        #expect(!harness.api.isLiveRefreshToken(before.refreshToken))
        #expect(harness.api.isLiveRefreshToken(after.refreshToken))
        #expect(after.connectedAt == before.connectedAt)
        #expect(after.updatedAt >= before.updatedAt)
        #expect(try await connect.accessToken() == token)
        #expect(harness.api.refreshCount == 1)
    }

    @Test func failingRefreshFallsBackToTheStillValidToken() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(30))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let current = try #require(harness.store.readCredentials())
        harness.api.failNextToken(status: 503, error: "temporarily_unavailable")
        #expect(try await harness.connect.accessToken() == current.accessToken)
        #expect(harness.api.refreshCount == 1)
        #expect(harness.store.readCredentials() == current)
    }

    @Test func statusRefreshesWhenLessThanAMinuteIsLeft() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(30))
        defer { Task { await harness.stop() } }
        let completed = try await harness.connectFully()
        #expect(completed.state == .connected)
        harness.api.setAccessTokenTTL(.seconds(3600))
        let status = await harness.connect.status()
        #expect(status.state == .connected)
        #expect(harness.api.refreshCount == 1)
        #expect(try #require(status.expiresAt) - Clocks.nowMs() > 3_000_000)
        let refresh = try #require(harness.api.tokenRequests.last)
        #expect(refresh.form["grant_type"] == "refresh_token")
        #expect(refresh.form["client_id"] == harness.store.readCredentials()?.clientId)
    }

    @Test func statusIsExpiredWhenTheRefreshFails() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(1))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let expiresAt = try #require(harness.store.readCredentials()?.expiresAt)
        try await Wait.until(timeout: .seconds(5), "the access token expires") { Clocks.nowMs() > expiresAt }
        harness.api.failNextToken(status: 503, error: "temporarily_unavailable")
        let expired = await harness.connect.status()
        #expect(expired.state == .expired)
        #expect(!expired.connected)
        #expect(expired.login == "octocat")
        #expect(expired.json["state"]?.stringValue == "expired")
        #expect(FileSystem.exists(harness.store.credentialsPath))
        // A transient failure keeps the credentials: the next status refreshes and reconnects.
        harness.api.setAccessTokenTTL(.seconds(3600))
        #expect(await harness.connect.status().state == .connected)
        #expect(harness.api.refreshCount == 2)
    }

    @Test(arguments: ["invalid_grant", "invalid_token"])
    func rejectedRefreshTokenDeletesTheCredentials(error: String) async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let stale = try await harness.connect.accessToken()
        harness.api.failNextToken(status: 400, error: error)
        await #expect(throws: MCTLConnectError.refreshRejected(error: error, description: "scripted failure")) {
            try await harness.connect.refreshAfterUnauthorized(staleToken: stale)
        }
        #expect(!FileSystem.exists(harness.store.credentialsPath))
        #expect(await harness.connect.status().state == .disconnected)
    }

    @Test func revokedRefreshTokenSeenByStatusDisconnects() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(30))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        harness.api.revokeRefreshTokens()
        let status = await harness.connect.status()
        #expect(status.state == .disconnected)
        #expect(harness.api.refreshCount == 1)
        #expect(!FileSystem.exists(harness.store.credentialsPath))
    }

    @Test func invalidGrantAfterAnotherWriterRotatedKeepsItsCredentials() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let stale = try await harness.connect.accessToken()
        let other = harness.secondClient()
        // Our refresh reaches the server first but is handled late; the other writer's refresh,
        // with the same refresh token, rotates it meanwhile, so ours then gets invalid_grant.
        harness.api.stallNextToken(seconds: 2)
        let connect = harness.connect
        let ours = Task { try await connect.refreshAfterUnauthorized(staleToken: stale) }
        try await Wait.until(timeout: .seconds(5), "our refresh reaches the server") { harness.api.refreshCount == 1 }
        let theirs = try await other.refreshAfterUnauthorized(staleToken: stale)
        let ourToken = try await ours.value
        #expect(harness.api.refreshCount == 2)
        #expect(ourToken == theirs)
        #expect(harness.logText.contains("rotated by another writer"))
        let stored = try #require(harness.store.readCredentials())
        #expect(stored.accessToken == theirs)
        #expect(harness.api.isLiveRefreshToken(stored.refreshToken))
        #expect(await harness.connect.status().state == .connected)
    }

    @Test func unauthorizedFromTheAPIRefreshesOnceAndTheRetrySucceeds() async throws {
        let harness = try await MCTLConnectHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        let stale = try await harness.connect.accessToken()
        #expect(try await MCPProbe(port: harness.api.port).initialize(token: stale).status == 200)
        harness.api.expireAccessTokens()
        let refused = try await MCPProbe(port: harness.api.port).initialize(token: stale)
        #expect(refused.status == 401)
        #expect(refused.header("www-authenticate")?.contains("error=\"invalid_token\"") == true)
        let fresh = try await harness.connect.refreshAfterUnauthorized(staleToken: stale)
        #expect(fresh != stale)
        #expect(try await MCPProbe(port: harness.api.port).initialize(token: fresh).status == 200)
        // A second caller holding the same stale token gets the new one without another refresh.
        #expect(try await harness.connect.refreshAfterUnauthorized(staleToken: stale) == fresh)
        #expect(harness.api.refreshCount == 1)
        #expect(harness.api.mcpRequests.map(\.authorization) == ["Bearer " + stale, "Bearer " + stale, "Bearer " + fresh])
    }

    @Test func backgroundRefresherRenewsAndStopsWhenCancelled() async throws {
        // 30-minute tokens: under the refresher's 45-minute threshold.
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(1800))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        harness.api.setAccessTokenTTL(.seconds(3600))
        let timing = MCTLRefresherTiming(checkInterval: .milliseconds(50), minBackoff: .milliseconds(50), maxBackoff: .milliseconds(100))
        let connect = harness.connect
        let refresher = Task { await connect.runRefresher(timing: timing) }
        try await Wait.until(timeout: .seconds(10), "the refresher renews the token") { harness.api.refreshCount == 1 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(harness.api.refreshCount == 1)
        refresher.cancel()
        await refresher.value
        #expect(await harness.connect.status().state == .connected)
    }

    @Test func backgroundRefresherBacksOffAfterAFailure() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(1800))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        harness.api.setAccessTokenTTL(.seconds(3600))
        harness.api.failNextToken(status: 500, error: "server_error")
        let timing = MCTLRefresherTiming(checkInterval: .milliseconds(20), minBackoff: .milliseconds(600), maxBackoff: .seconds(2))
        let connect = harness.connect
        let refresher = Task { await connect.runRefresher(timing: timing) }
        defer { refresher.cancel() }
        try await Wait.until(timeout: .seconds(10), "the first renewal fails") { harness.api.refreshCount == 1 }
        try await Wait.until(timeout: .seconds(10), "the renewal is retried") { harness.api.refreshCount == 2 }
        let attempts = harness.api.tokenRequests.filter { $0.grantType == "refresh_token" }.map(\.at)
        #expect(attempts[1].timeIntervalSince(attempts[0]) >= 0.55)
        #expect(await harness.connect.status().state == .connected)
    }

    @Test func backoffDoublesFromTenMinutesUpToAnHour() {
        let timing = MCTLRefresherTiming()
        #expect(timing.checkInterval == .seconds(300))
        #expect(timing.renewWhenRemaining == .seconds(2700))
        #expect(
            (1...5).map { timing.backoff(afterFailures: $0) } == [
                .seconds(600), .seconds(1200), .seconds(2400), .seconds(3600), .seconds(3600),
            ])
    }
}

/// A bare `POST /mcp` over loopback, as an MCP client would send its first request.
struct MCPProbe {
    let port: Int

    func initialize(token: String?) async throws -> HTTPProbe.Response {
        try await post(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["protocolVersion": "2025-03-26"]], token: token)
    }

    func post(_ body: JSONValue, token: String?, session: String? = nil, accept: String = "application/json, text/event-stream")
        async throws
        -> HTTPProbe.Response
    {
        var headers = ["Content-Type": "application/json", "Accept": accept]
        if let token { headers["Authorization"] = "Bearer " + token }
        if let session { headers["Mcp-Session-Id"] = session }
        return try await HTTPProbe(port: port).request("POST", "/mcp", headers: headers, body: Data(body.serialized().utf8))
    }
}

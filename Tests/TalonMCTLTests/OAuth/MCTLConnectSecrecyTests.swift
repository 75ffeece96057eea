import Foundation
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonMCTL

@Suite("MCTL OAuth secrets stay out of logs and errors")
struct MCTLConnectSecrecyTests {
    @Test func tokensCodesAndVerifiersAreNeverLogged() async throws {
        let harness = try await MCTLConnectHarness.start(accessTokenTTL: .seconds(30))
        defer { Task { await harness.stop() } }
        try await harness.connectFully()
        var secrets = Set<String>()
        func remember(_ credentials: MCTLCredentials?) {
            guard let credentials else { return }
            secrets.formUnion([credentials.accessToken, credentials.refreshToken])
        }
        remember(harness.store.readCredentials())
        harness.api.setAccessTokenTTL(.seconds(3600))
        _ = try await harness.connect.accessToken()
        remember(harness.store.readCredentials())
        let stale = try await harness.connect.accessToken()
        harness.api.failNextToken(status: 503, error: "temporarily_unavailable")
        var errors: [String] = []
        do { _ = try await harness.connect.refreshAfterUnauthorized(staleToken: stale) } catch { errors.append("\(error)") }
        harness.api.revokeRefreshTokens()
        do { _ = try await harness.connect.refreshAfterUnauthorized(staleToken: stale) } catch { errors.append("\(error)") }
        // A failed code exchange reports its error too.
        let started = try await harness.connect.start(redirectUri: MCTLConnectHarness.redirectUri)
        do { _ = try await harness.connect.complete(code: "bogus-code", state: started.state) } catch { errors.append("\(error)") }
        for request in harness.api.tokenRequests {
            for key in ["code", "code_verifier", "refresh_token"] { if let value = request.form[key] { secrets.insert(value) } }
        }
        let logs = harness.logText
        #expect(!logs.isEmpty)
        #expect(errors.count == 3)
        #expect(errors.contains { $0.contains("invalid_grant") })
        secrets.remove("bogus-code")
        #expect(secrets.count >= 6)
        for secret in secrets {
            #expect(!logs.contains(secret))
            #expect(!errors.contains { $0.contains(secret) })
        }
        // Interpolating a record by mistake shows no token either.
        let record = try #require(harness.store.readPending())
        #expect(!"\(record)".contains(record.codeVerifier))
    }

    @Test func credentialDescriptionRedactsTokens() {
        let credentials = MCTLCredentials(
            apiBase: "https://api.mctl.ai", clientId: "c", accessToken: "AT-SECRET", refreshToken: "RT-SECRET", scope: "mctl",
            login: "octocat", connectedAt: 1, updatedAt: 2, expiresAt: 3)
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("AT-SECRET") && !text.contains("RT-SECRET"))
            #expect(text.contains("octocat"))
        }
    }
}

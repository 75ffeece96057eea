import Foundation
import Hummingbird
import Synchronization
import TalonCore

/// A loopback mctl-api: the OAuth server the gateway's MCTL connect flow talks to (RFC 8414
/// metadata, RFC 7591 registration, an authorize step that approves at once as `login`, a token
/// endpoint with PKCE S256 and rotating refresh tokens) and the bearer-protected `/mcp` endpoint
/// with two `mctl_*` tools (reference §3.4, §3.5). Scripted failures and counters for tests.
public final class FakeMCTLAPI: Sendable {
    public let port: Int
    private let state: FakeMCTLAPIState
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`, to pass as `MCTL_API_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, state: FakeMCTLAPIState, task: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.task = task
    }

    /// Starts on 127.0.0.1 and a free port; every authorization is approved as `login`.
    public static func start(login: String = "octocat", accessTokenTTL: Duration = .seconds(3600)) async throws -> FakeMCTLAPI {
        let state = FakeMCTLAPIState(login: login, accessTokenTTL: accessTokenTTL)
        let router = Router()
        router.get("/.well-known/oauth-authorization-server") { _, _ in state.metadata() }
        router.get("/.well-known/oauth-protected-resource") { _, _ in state.protectedResource() }
        router.post("/oauth/register") { request, _ in state.register(try await FakeServerBoot.record(request)) }
        router.get("/oauth/authorize") { request, _ in state.authorize(try await FakeServerBoot.record(request)) }
        router.post("/oauth/token") { request, _ in
            let recorded = try await FakeServerBoot.record(request)
            if let stall = state.takeTokenStall(recorded) {
                try await Task.sleep(for: .seconds(stall))
                return state.token(recorded, recorded: true)
            }
            return state.token(recorded)
        }
        router.post("/mcp") { request, _ in state.mcp(try await FakeServerBoot.record(request)) }
        // No server-initiated stream: MCP streamable HTTP allows 405 for GET.
        router.get("/mcp") { _, _ in Response(status: .methodNotAllowed, headers: [.allow: "POST, DELETE"]) }
        router.delete("/mcp") { request, _ in state.endSession(try await FakeServerBoot.record(request)) }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-mctl-api")
        state.state.withLock { $0.baseURL = "http://127.0.0.1:\(port)" }
        return FakeMCTLAPI(port: port, state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    // MARK: - Controls

    /// Every access token issued so far is refused from now on (`/mcp` answers 401), as if expired.
    public func expireAccessTokens() {
        state.state.withLock { state in
            for key in state.accessTokens.keys { state.accessTokens[key]?.forcedExpired = true }
        }
    }

    /// Every live refresh token is revoked: using one answers 400 `invalid_grant`.
    public func revokeRefreshTokens() {
        state.state.withLock { $0.refreshTokens.removeAll() }
    }

    /// The next token request (either grant) answers `status` with `{"error": error}`.
    public func failNextToken(status: Int = 400, error: String = "invalid_grant") {
        state.state.withLock { $0.tokenFailures.append((status, error)) }
    }

    /// The next token request is recorded at once but handled only after `seconds` (a slow server,
    /// or a race between two refreshers).
    public func stallNextToken(seconds: Double) {
        state.state.withLock { $0.tokenStalls.append(seconds) }
    }

    /// Lifetime (`expires_in`) of the access tokens issued from now on.
    public func setAccessTokenTTL(_ ttl: Duration) {
        state.state.withLock { $0.accessTokenTTL = ttl }
    }

    /// The next authorization redirects back with `error` instead of a code.
    public func denyNextAuthorization(error: String = "access_denied") {
        state.state.withLock { $0.authorizeDenials.append(error) }
    }

    /// The next successful token response carries no `refresh_token` (a server the client must refuse).
    public func omitNextRefreshToken() {
        state.state.withLock { $0.omitRefreshTokens += 1 }
    }

    /// Answer `/mcp` requests as SSE even when the client also accepts JSON.
    public func setStreamResponses(_ enabled: Bool) {
        state.state.withLock { $0.streamResponses = enabled }
    }

    // MARK: - Inspection

    /// How many `/oauth/register` requests arrived (refused ones included).
    public var registrations: Int { state.state.withLock { $0.registrationBodies.count } }

    /// The JSON bodies of the registration requests, in order.
    public var registrationRequests: [JSONValue] { state.state.withLock { $0.registrationBodies } }

    /// Every `/oauth/token` request, in order of arrival.
    public var tokenRequests: [FakeMCTLTokenRequest] { state.state.withLock { $0.tokenRequests } }

    /// How many `grant_type=refresh_token` requests arrived (refused ones included).
    public var refreshCount: Int { tokenRequests.filter { $0.grantType == "refresh_token" }.count }

    /// Every `POST /mcp` request, in order (refused ones included).
    public var mcpRequests: [FakeMCTLMCPRequest] { state.state.withLock { $0.mcpRequests } }

    /// Whether the server currently accepts `accessToken` as a bearer.
    public func isValidAccessToken(_ accessToken: String) -> Bool {
        state.login(forAuthorization: "Bearer " + accessToken) != nil
    }

    /// Whether `refreshToken` is live (issued, not rotated away, not revoked).
    public func isLiveRefreshToken(_ refreshToken: String) -> Bool {
        state.state.withLock { $0.refreshTokens[refreshToken] != nil }
    }
}

import Foundation
import Logging
import TalonCore

/// The gateway's MCTL OAuth connection, as the platform fork's `mctl.connect.*` methods keep it
/// (reference §3.1–§3.5): dynamic registration + PKCE authorization code flow, credentials in
/// `<stateDir>/mcp-auth/mctl/`, and refresh that is single-flight (one rotation of the refresh
/// token however many callers need a fresh access token at once). One instance per state dir:
/// the single-flight guarantee holds within the instance, compare-before-delete across writers.
public actor MCTLConnect {
    public static let defaultAPIBase = "https://api.mctl.ai"
    /// The `client_name` the fork registers with.
    public static let clientName = "openclaw-control-ui"
    /// Refresh when fewer than 60 s of the access token are left.
    static let refreshMarginMs: Int64 = 60_000

    public nonisolated let apiBase: String
    public nonisolated let store: MCTLCredentialStore
    let logger: Logger
    let timeoutSeconds: Double
    /// The refresh in progress; every caller that needs one while it runs awaits this same task.
    var inFlight: Task<Result<MCTLCredentials, MCTLConnectError>, Never>?

    /// `apiBase` is `MCTL_API_URL` (see `apiBase(environment:)`); `timeoutSeconds` bounds each request.
    public init(
        stateDir: String, apiBase: String = MCTLConnect.defaultAPIBase, logger: Logger = Logger(label: "talon.mctl.oauth"),
        timeoutSeconds: Double = 30
    ) {
        var base = apiBase.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBase = base.isEmpty ? Self.defaultAPIBase : base
        self.store = MCTLCredentialStore(stateDir: stateDir)
        self.logger = logger
        self.timeoutSeconds = timeoutSeconds
    }

    /// `MCTL_API_URL`, or `https://api.mctl.ai` when unset or empty.
    public static func apiBase(environment: [String: String]) -> String {
        let value = environment["MCTL_API_URL"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return value.isEmpty ? defaultAPIBase : value
    }

    // MARK: - mctl.connect.*

    /// Registers a client for `redirectUri`, stores the pending connect (state + PKCE verifier) and
    /// returns the URL to send the browser to.
    public func start(redirectUri: String) async throws -> MCTLConnectStart {
        guard let url = URL(string: redirectUri), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else { throw MCTLConnectError.invalidRedirectUri }
        let registration: JSONValue = ["client_name": .string(Self.clientName), "redirect_uris": [.string(redirectUri)]]
        let answer = try await MCTLOAuthHTTP.postJSON(apiBase + "/oauth/register", registration, timeoutSeconds: timeoutSeconds)
        guard answer.ok, let clientId = answer.json?["client_id"]?.stringValue, !clientId.isEmpty else {
            logger.warning("mctl connect: client registration failed", metadata: ["status": "\(answer.status)"])
            throw MCTLConnectError.registrationFailed(
                status: answer.status, error: answer.oauthError, description: answer.oauthErrorDescription)
        }
        let state = MCTLOAuthCrypto.newState()
        let verifier = MCTLOAuthCrypto.newVerifier()
        try store.writePending(
            MCTLPendingConnect(
                apiBase: apiBase, clientId: clientId, redirectUri: redirectUri, state: state, codeVerifier: verifier,
                startedAt: Clocks.nowMs()))
        let query = MCTLOAuthCrypto.formEncode([
            ("client_id", clientId), ("redirect_uri", redirectUri), ("response_type", "code"), ("state", state),
            ("code_challenge", MCTLOAuthCrypto.challenge(forVerifier: verifier)), ("code_challenge_method", "S256"),
        ])
        logger.info("mctl connect started", metadata: ["apiBase": "\(apiBase)", "clientId": "\(clientId)"])
        return MCTLConnectStart(authorizeUrl: apiBase + "/oauth/authorize?" + query, state: state)
    }

    /// Exchanges the authorization code of the pending connect for credentials and stores them.
    public func complete(code: String, state: String) async throws -> MCTLConnectStatus {
        guard let pending = store.readPending() else { throw MCTLConnectError.noPendingConnect }
        guard Secrets.constantTimeEquals(pending.state, state) else {
            logger.warning("mctl connect: state mismatch, completion refused")
            throw MCTLConnectError.stateMismatch
        }
        let fields = [
            ("grant_type", "authorization_code"), ("code", code), ("code_verifier", pending.codeVerifier), ("client_id", pending.clientId),
            ("redirect_uri", pending.redirectUri),
        ]
        let tokens: MCTLOAuthHTTP.TokenResponse
        do {
            tokens = try await MCTLOAuthHTTP.token(pending.apiBase + "/oauth/token", fields, timeoutSeconds: timeoutSeconds)
        } catch {
            logger.warning("mctl connect: code exchange failed", metadata: ["error": "\(error)"])
            throw error
        }
        guard let refreshToken = tokens.refreshToken else { throw MCTLConnectError.missingRefreshToken }
        let now = Clocks.nowMs()
        let credentials = MCTLCredentials(
            apiBase: pending.apiBase, clientId: pending.clientId, accessToken: tokens.accessToken, refreshToken: refreshToken,
            scope: tokens.scope, login: Self.login(of: tokens.accessToken), connectedAt: now, updatedAt: now,
            expiresAt: Self.expiry(of: tokens, now: now))
        try store.writeCredentials(credentials)
        try store.deletePending()
        logger.info(
            "mctl connected",
            metadata: [
                "login": "\(credentials.login ?? "-")", "apiBase": "\(credentials.apiBase)", "expiresAt": "\(credentials.expiresAt)",
            ])
        return currentStatus()
    }

    /// The connection state; an access token with < 60 s left is refreshed first (a failure shows
    /// as `expired`, or `disconnected` when the refresh token was rejected).
    public func status() async -> MCTLConnectStatus {
        if let credentials = store.readCredentials(), credentials.expiresAt - Clocks.nowMs() < Self.refreshMarginMs {
            _ = try? await refreshShared()
        }
        return currentStatus()
    }

    /// Forgets the connection: deletes the credentials and any pending connect.
    public func disconnect() throws {
        try store.deleteCredentials()
        try store.deletePending()
        logger.info("mctl disconnected")
    }

    // MARK: - Using the token

    /// A usable access token, refreshed first when < 60 s are left.
    public func accessToken() async throws -> String {
        guard let credentials = store.readCredentials() else { throw MCTLConnectError.notConnected }
        if credentials.expiresAt - Clocks.nowMs() >= Self.refreshMarginMs { return credentials.accessToken }
        do {
            return try await refreshShared().accessToken
        } catch {
            // The 60 s margin is early on purpose: while the server is unreachable or failing, a
            // token that still works beats none. (A rejected refresh token removed the file.)
            guard let current = store.readCredentials(), current.expiresAt > Clocks.nowMs() else { throw error }
            return current.accessToken
        }
    }

    /// After the API answered 401 to `staleToken`: a newer token if one was stored meanwhile,
    /// otherwise the result of a (shared) refresh.
    public func refreshAfterUnauthorized(staleToken: String) async throws -> String {
        guard let credentials = store.readCredentials() else { throw MCTLConnectError.notConnected }
        if credentials.accessToken != staleToken, credentials.expiresAt - Clocks.nowMs() >= Self.refreshMarginMs {
            return credentials.accessToken
        }
        return try await refreshShared().accessToken
    }

    // MARK: - Internals

    func currentStatus() -> MCTLConnectStatus {
        let pending = store.readPending()
        guard let credentials = store.readCredentials() else {
            return MCTLConnectStatus(
                state: pending == nil ? .disconnected : .pending, pending: pending != nil, apiBase: pending?.apiBase ?? apiBase,
                startedAt: pending?.startedAt)
        }
        return MCTLConnectStatus(
            state: credentials.expiresAt > Clocks.nowMs() ? .connected : .expired, pending: pending != nil, apiBase: credentials.apiBase,
            login: credentials.login, expiresAt: credentials.expiresAt, updatedAt: credentials.updatedAt, startedAt: pending?.startedAt)
    }

    /// Joins the refresh in progress or starts one: concurrent callers share a single token request.
    func refreshShared() async throws -> MCTLCredentials {
        let task: Task<Result<MCTLCredentials, MCTLConnectError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { await self.performRefresh() }
            inFlight = task
        }
        let result = await task.value
        if inFlight == task { inFlight = nil }
        return try result.get()
    }

    /// The access token's `sub`: the GitHub login, for display only (the JWT is not verified).
    static func login(of accessToken: String) -> String? {
        MCTLOAuthCrypto.unverifiedClaims(accessToken)?["sub"]?.stringValue
    }

    /// `expires_in`, else the JWT's `exp`, else one hour (mctl-api's fallback TTL).
    static func expiry(of tokens: MCTLOAuthHTTP.TokenResponse, now: Int64) -> Int64 {
        if let seconds = tokens.expiresIn, seconds.isFinite, seconds >= 0 { return now + Int64(seconds * 1000) }
        if let exp = MCTLOAuthCrypto.unverifiedClaims(tokens.accessToken)?["exp"]?.doubleValue, exp.isFinite {
            return Int64(exp * 1000)
        }
        return now + 3_600_000
    }
}

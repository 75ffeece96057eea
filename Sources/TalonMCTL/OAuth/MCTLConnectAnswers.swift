import TalonCore

/// The answer of `mctl.connect.status` (reference §3.1): exactly the fork's keys, absent values as
/// `null`, times in epoch milliseconds.
public struct MCTLConnectStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Credentials with a live access token.
        case connected
        /// No credentials, but a `start` waits for its `complete`.
        case pending
        /// Credentials whose access token has expired and could not be refreshed (yet).
        case expired
        /// Nothing stored.
        case disconnected
    }

    public var state: State
    public var pending: Bool
    public var apiBase: String
    public var login: String?
    public var expiresAt: Int64?
    public var updatedAt: Int64?
    /// When the pending connect was started.
    public var startedAt: Int64?

    public var connected: Bool { state == .connected }

    public init(
        state: State, pending: Bool, apiBase: String, login: String? = nil, expiresAt: Int64? = nil, updatedAt: Int64? = nil,
        startedAt: Int64? = nil
    ) {
        self.state = state
        self.pending = pending
        self.apiBase = apiBase
        self.login = login
        self.expiresAt = expiresAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
    }

    /// `{state, connected, pending, apiBase, login, expiresAt, updatedAt, startedAt}`.
    public var json: JSONValue {
        [
            "state": .string(state.rawValue), "connected": .bool(connected), "pending": .bool(pending), "apiBase": .string(apiBase),
            "login": login.map { .string($0) } ?? .null, "expiresAt": expiresAt.map { .number(Double($0)) } ?? .null,
            "updatedAt": updatedAt.map { .number(Double($0)) } ?? .null, "startedAt": startedAt.map { .number(Double($0)) } ?? .null,
        ]
    }
}

/// The answer of `mctl.connect.start`: where to send the browser, and the state it will bring back.
public struct MCTLConnectStart: Sendable, Equatable {
    public var authorizeUrl: String
    public var state: String

    public init(authorizeUrl: String, state: String) {
        self.authorizeUrl = authorizeUrl
        self.state = state
    }

    /// `{authorizeUrl, state}`.
    public var json: JSONValue {
        ["authorizeUrl": .string(authorizeUrl), "state": .string(state)]
    }
}

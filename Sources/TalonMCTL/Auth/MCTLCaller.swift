import Foundation

/// Who called `talon mctl serve`, from a verified MCTL JWT: the GitHub login (`sub`) and the
/// platform groups. Only ever built by `MCTLJWTVerifier` after the signature and claims checked out.
public struct MCTLCaller: Sendable, Equatable {
    /// The platform's admin group: admins pass every owner check.
    public static let adminGroup = "admins"

    /// GitHub login (the token's `sub`).
    public var login: String
    public var groups: [String]
    /// When the token stops being accepted (its `exp`; nil when the token has none).
    public var expiresAt: Date?

    public var isAdmin: Bool { groups.contains(Self.adminGroup) }

    public init(login: String, groups: [String], expiresAt: Date?) {
        self.login = login
        self.groups = groups
        self.expiresAt = expiresAt
    }
}

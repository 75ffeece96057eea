/// Operator scopes, and how platform roles map onto them.
enum Scopes {
    static let read = "operator.read"
    static let write = "operator.write"
    static let admin = "operator.admin"
    static let approvals = "operator.approvals"
    static let pairing = "operator.pairing"

    /// The closed set of operator scopes a client may ask for.
    static let operatorScopes: Set<String> = [
        read, write, admin, approvals, pairing, "operator.talk", "operator.talk.secrets",
    ]

    /// What a shared-secret (token/password) or `none` caller gets: full operator access, as upstream.
    static let fullOperator: [String] = [admin, read, write, approvals, pairing]

    /// The platform fork's role mapping for trusted-proxy identities.
    static func forPlatformRole(_ role: String?) -> [String] {
        guard let role = role?.lowercased(), !role.isEmpty else { return [] }
        switch role {
        case "owner":
            return ["mctl.role:owner", "mctl.owner", admin, read, write, approvals, pairing]
        case "developer":
            return ["mctl.role:developer", read, write]
        default:
            return ["mctl.role:\(role)", read]
        }
    }

    /// `operator.admin` implies every operator scope.
    static func grants(_ granted: Set<String>, _ required: String) -> Bool {
        granted.contains(required) || ((required.hasPrefix("operator.") || required == mctlOwner) && granted.contains(admin))
    }

    /// Connecting or disconnecting the tenant's MCTL credentials is an owner's decision (or an admin's).
    static let mctlOwner = "mctl.owner"

    /// The scope a method needs (nil: any authenticated client).
    static func required(for method: String) -> String? {
        switch method {
        case "health", "status": nil
        case "chat.history", "sessions.list", "agent.wait": read
        case "chat.send", "chat.abort", "sessions.reset", "sessions.patch", "agent": write
        case "pairing.list", "pairing.approve": pairing
        case "mctl.connect.start", "mctl.connect.complete", "mctl.connect.disconnect": mctlOwner
        default: method.hasPrefix("config.") ? admin : read
        }
    }
}

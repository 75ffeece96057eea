/// Which platform user a session key belongs to. WebChat sessions of trusted-proxy users live under
/// `agent:<id>:webchat:direct:<login>`; keys without a user part belong to nobody in particular.
enum SessionAccess {
    static func owner(ofKey key: String) -> String? {
        let parts = key.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "agent", parts[2] == "webchat", parts[3] == "direct" else { return nil }
        return String(parts[4])
    }

    /// The caller's own WebChat key.
    static func webchatKey(agentId: String, user: String) -> String {
        "agent:\(agentId):webchat:direct:\(user)".lowercased()
    }
}

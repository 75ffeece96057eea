/// How direct chats map to sessions: one shared main session, or one per sender (optionally per channel/account).
public enum DMScope: String, Sendable, CaseIterable {
    /// Every direct chat shares the agent's main session.
    case main
    /// One session per sender, shared across channels.
    case perPeer = "per-peer"
    /// One session per sender and channel.
    case perChannelPeer = "per-channel-peer"
    /// One session per sender, channel and bot account.
    case perAccountChannelPeer = "per-account-channel-peer"
}

/// Upstream's session-key grammar for channel conversations; every part is trimmed and lower-cased so the same
/// conversation always lands in the same session whatever the config's spelling.
public enum ChannelSessionKeys {
    /// main → "agent:<agentId>:<mainKey>"; per-peer → "agent:<agentId>:direct:<peerId>"; per-channel-peer → "agent:<agentId>:<channel>:direct:<peerId>";
    /// per-account-channel-peer → "agent:<agentId>:<channel>:<accountId or "default" when empty>:direct:<peerId>".
    ///
    /// Empty parts fall back as upstream does: agentId and mainKey to "main", channel and peerId to "unknown".
    public static func direct(agentId: String, dmScope: DMScope, mainKey: String, channel: String, accountId: String, peerId: String)
        -> String
    {
        let agent = "agent:" + part(agentId, or: "main")
        let peer = part(peerId, or: "unknown")
        switch dmScope {
        case .main:
            return agent + ":" + part(mainKey, or: "main")
        case .perPeer:
            return agent + ":direct:" + peer
        case .perChannelPeer:
            return agent + ":" + part(channel, or: "unknown") + ":direct:" + peer
        case .perAccountChannelPeer:
            return agent + ":" + part(channel, or: "unknown") + ":" + part(accountId, or: "default") + ":direct:" + peer
        }
    }

    /// "agent:<agentId>:<channel>:group:<groupId>" plus ":topic:<topicId>" when a forum topic id is given.
    ///
    /// An empty topic id counts as none.
    public static func group(agentId: String, channel: String, groupId: String, topicId: String?) -> String {
        let key = "agent:" + part(agentId, or: "main") + ":" + part(channel, or: "unknown") + ":group:" + part(groupId, or: "unknown")
        guard let topicId, !topicId.trimmingWhitespace().isEmpty else { return key }
        return key + ":topic:" + part(topicId, or: "")
    }

    private static func part(_ value: String, or fallback: String) -> String {
        let normalized = value.trimmingWhitespace().lowercased()
        return normalized.isEmpty ? fallback : normalized
    }
}

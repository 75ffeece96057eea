/// Who may talk to the bot in direct messages.
public enum DMPolicy: String, Sendable, CaseIterable {
    /// Unknown senders get a pairing code; the owner approves them once.
    case pairing
    /// Only `allowFrom` (and earlier approvals) get through; others are ignored silently.
    case allowlist
    /// Everyone, but only when `allowFrom` contains "*" (an explicit opt-in).
    case open
    /// No direct messages at all.
    case disabled
}

/// Which groups the bot answers in.
public enum GroupPolicy: String, Sendable, CaseIterable {
    /// Only chats listed in `groups` (by id, or "*").
    case allowlist
    /// Any group the bot is in.
    case open
    /// No group messages at all.
    case disabled
}

/// Per-group settings, keyed by chat id (or "*") in ``AccessPolicy/groups``.
public struct GroupRule: Sendable, Hashable {
    /// Answer only when the bot is mentioned (or replied to).
    public var requireMention: Bool
    /// Senders allowed to trigger the bot here; nil → falls back to the policy's groupAllowFrom, then allowFrom.
    public var allowFrom: SenderAllowList?
    /// False silences the group without removing its entry.
    public var enabled: Bool

    /// A rule; the defaults require a mention and let the policy's lists decide who may trigger.
    public init(requireMention: Bool = true, allowFrom: SenderAllowList? = nil, enabled: Bool = true) {
        self.requireMention = requireMention
        self.allowFrom = allowFrom
        self.enabled = enabled
    }
}

/// What to do with a direct message.
public enum DirectDecision: Sendable, Hashable {
    /// Hand it to the agent.
    case allow
    /// Reply with a pairing code instead.
    case pair
    /// Drop it; `reason` is for logs.
    case ignore(reason: String)
}

/// What to do with a group message.
public enum GroupDecision: Sendable, Hashable {
    /// Hand it to the agent.
    case allow
    /// Drop it (or keep it as context only); `reason` is for logs.
    case ignore(reason: String)
}

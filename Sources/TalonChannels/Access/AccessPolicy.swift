/// One channel account's access settings, and the decisions they make for incoming messages.
public struct AccessPolicy: Sendable, Hashable {
    /// How direct messages from senders not in `allowFrom` are handled.
    public var dmPolicy: DMPolicy
    /// Senders allowed in direct messages (and the last fallback for group senders).
    public var allowFrom: SenderAllowList
    /// Which groups are answered.
    public var groupPolicy: GroupPolicy
    /// keyed by chat id (e.g. "-1001234567890") and "*" for any group.
    public var groups: [String: GroupRule]
    /// Senders allowed to trigger the bot in groups whose rule names none; nil or empty → `allowFrom`.
    public var groupAllowFrom: SenderAllowList?

    /// A policy; the defaults are the safe ones: pairing for DMs, listed groups only.
    public init(
        dmPolicy: DMPolicy = .pairing, allowFrom: SenderAllowList = SenderAllowList([]), groupPolicy: GroupPolicy = .allowlist,
        groups: [String: GroupRule] = [:], groupAllowFrom: SenderAllowList? = nil
    ) {
        self.dmPolicy = dmPolicy
        self.allowFrom = allowFrom
        self.groupPolicy = groupPolicy
        self.groups = groups
        self.groupAllowFrom = groupAllowFrom
    }

    /// `isApproved`: the sender was approved through pairing earlier.
    /// pairing: allowFrom or approved → allow, else pair. allowlist: allowFrom (or approved) → allow, else ignore.
    /// open: allow only when allowFrom allowsEveryone (else ignore with a reason saying open needs "*"); disabled → ignore.
    public func decideDirect(senderId: String, isApproved: Bool) -> DirectDecision {
        switch dmPolicy {
        case .pairing:
            return allowFrom.contains(senderId) || isApproved ? .allow : .pair
        case .allowlist:
            return allowFrom.contains(senderId) || isApproved ? .allow : .ignore(reason: "sender not in allowFrom")
        case .open:
            // "open" without "*" is almost always a config mistake; refusing makes it visible instead of exposing the bot.
            return allowFrom.allowsEveryone ? .allow : .ignore(reason: "dmPolicy \"open\" requires allowFrom to include \"*\"")
        case .disabled:
            return .ignore(reason: "direct messages disabled")
        }
    }

    /// disabled → ignore. allowlist: the chat must be in `groups` (by id, or "*") else ignore; open: any chat (rule from groups[id] ?? groups["*"] ?? default GroupRule()).
    /// A rule with enabled=false → ignore. Sender allowlist: rule.allowFrom ?? groupAllowFrom (if non-empty); if that list exists and doesn't contain the sender → ignore. Never uses pairing approvals.
    /// requireMention && !mentioned → ignore(reason: "not mentioned").
    ///
    /// The sender list falls back further to `allowFrom` (as ``GroupRule/allowFrom`` documents); an empty list at any
    /// level counts as not set, so an empty `allowFrom` leaves group senders unrestricted.
    public func decideGroup(chatId: String, senderId: String, mentioned: Bool) -> GroupDecision {
        let configured = groups[chatId.trimmingWhitespace()] ?? groups["*"]
        let rule: GroupRule
        switch groupPolicy {
        case .disabled:
            return .ignore(reason: "group messages disabled")
        case .allowlist:
            guard let configured else { return .ignore(reason: "group not in allowlist") }
            rule = configured
        case .open:
            rule = configured ?? GroupRule()
        }
        guard rule.enabled else { return .ignore(reason: "group disabled") }
        if let senders = groupSenders(for: rule), !senders.contains(senderId) {
            return .ignore(reason: "sender not allowed in group")
        }
        if rule.requireMention && !mentioned { return .ignore(reason: "not mentioned") }
        return .allow
    }

    /// The first non-empty sender list of rule, group default, DM list; nil when none restricts senders.
    func groupSenders(for rule: GroupRule) -> SenderAllowList? {
        [rule.allowFrom, groupAllowFrom, allowFrom].lazy.compactMap { $0 }.first { !$0.isEmpty }
    }
}

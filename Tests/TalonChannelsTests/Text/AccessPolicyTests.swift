import Testing

@testable import TalonChannels

@Suite("AccessPolicy")
struct AccessPolicyTests {
    private let owner = SenderAllowList(["tg:100"])

    @Test("the defaults pair strangers and ignore unlisted groups")
    func defaults() {
        let policy = AccessPolicy()
        #expect(policy.dmPolicy == .pairing)
        #expect(policy.groupPolicy == .allowlist)
        #expect(policy.decideDirect(senderId: "1", isApproved: false) == .pair)
        #expect(policy.decideGroup(chatId: "-1", senderId: "1", mentioned: true) == .ignore(reason: "group not in allowlist"))
    }

    @Test("pairing: listed or approved senders pass, others pair")
    func pairing() {
        let policy = AccessPolicy(dmPolicy: .pairing, allowFrom: owner)
        #expect(policy.decideDirect(senderId: "100", isApproved: false) == .allow)
        #expect(policy.decideDirect(senderId: "200", isApproved: true) == .allow)
        #expect(policy.decideDirect(senderId: "200", isApproved: false) == .pair)
    }

    @Test("allowlist: listed or approved senders pass, others are ignored")
    func allowlist() {
        let policy = AccessPolicy(dmPolicy: .allowlist, allowFrom: owner)
        #expect(policy.decideDirect(senderId: "100", isApproved: false) == .allow)
        #expect(policy.decideDirect(senderId: "200", isApproved: true) == .allow)
        guard case .ignore = policy.decideDirect(senderId: "200", isApproved: false) else {
            Issue.record("stranger not ignored")
            return
        }
    }

    @Test("open needs a star in allowFrom")
    func open() {
        let withStar = AccessPolicy(dmPolicy: .open, allowFrom: SenderAllowList(["*"]))
        #expect(withStar.decideDirect(senderId: "anyone", isApproved: false) == .allow)
        let withoutStar = AccessPolicy(dmPolicy: .open, allowFrom: owner)
        guard case .ignore(let reason) = withoutStar.decideDirect(senderId: "100", isApproved: true) else {
            Issue.record("open without * allowed a sender")
            return
        }
        #expect(reason.contains("\"*\""))
    }

    @Test("disabled ignores everyone, even listed and approved senders")
    func disabledDirect() {
        let policy = AccessPolicy(dmPolicy: .disabled, allowFrom: SenderAllowList(["*"]))
        #expect(policy.decideDirect(senderId: "100", isApproved: true) == .ignore(reason: "direct messages disabled"))
    }

    @Test("allowlisted groups by id or star; mention gating by default")
    func groupAllowlist() {
        let policy = AccessPolicy(groups: ["-1001": GroupRule(), "-1002": GroupRule(requireMention: false)])
        #expect(policy.decideGroup(chatId: "-1001", senderId: "5", mentioned: true) == .allow)
        #expect(policy.decideGroup(chatId: "-1001", senderId: "5", mentioned: false) == .ignore(reason: "not mentioned"))
        #expect(policy.decideGroup(chatId: "-1002", senderId: "5", mentioned: false) == .allow)
        #expect(policy.decideGroup(chatId: "-1003", senderId: "5", mentioned: true) == .ignore(reason: "group not in allowlist"))
        let star = AccessPolicy(groups: ["*": GroupRule(requireMention: false)])
        #expect(star.decideGroup(chatId: "-1003", senderId: "5", mentioned: false) == .allow)
    }

    @Test("a chat's own rule wins over the star rule")
    func specificRuleWins() {
        let policy = AccessPolicy(groups: ["*": GroupRule(requireMention: false), "-1001": GroupRule(enabled: false)])
        #expect(policy.decideGroup(chatId: "-1001", senderId: "5", mentioned: true) == .ignore(reason: "group disabled"))
        #expect(policy.decideGroup(chatId: "-1002", senderId: "5", mentioned: false) == .allow)
    }

    @Test("open groups use the default rule when none is configured")
    func groupOpen() {
        let policy = AccessPolicy(groupPolicy: .open)
        #expect(policy.decideGroup(chatId: "-5", senderId: "1", mentioned: true) == .allow)
        #expect(policy.decideGroup(chatId: "-5", senderId: "1", mentioned: false) == .ignore(reason: "not mentioned"))
        let configured = AccessPolicy(groupPolicy: .open, groups: ["-5": GroupRule(enabled: false)])
        #expect(configured.decideGroup(chatId: "-5", senderId: "1", mentioned: true) == .ignore(reason: "group disabled"))
        #expect(configured.decideGroup(chatId: "-6", senderId: "1", mentioned: true) == .allow)
    }

    @Test("disabled groups ignore everything")
    func groupDisabled() {
        let policy = AccessPolicy(groupPolicy: .disabled, groups: ["*": GroupRule(requireMention: false)])
        #expect(policy.decideGroup(chatId: "-1", senderId: "1", mentioned: true) == .ignore(reason: "group messages disabled"))
    }

    @Test("group senders: rule list, then groupAllowFrom, then allowFrom")
    func groupSenders() {
        let ruleList = GroupRule(requireMention: false, allowFrom: SenderAllowList(["1"]))
        let policy = AccessPolicy(
            allowFrom: SenderAllowList(["3"]), groups: ["-10": ruleList, "-20": GroupRule(requireMention: false)],
            groupAllowFrom: SenderAllowList(["2"]))
        #expect(policy.decideGroup(chatId: "-10", senderId: "1", mentioned: false) == .allow)
        #expect(policy.decideGroup(chatId: "-10", senderId: "2", mentioned: true) == .ignore(reason: "sender not allowed in group"))
        #expect(policy.decideGroup(chatId: "-20", senderId: "2", mentioned: false) == .allow)
        #expect(policy.decideGroup(chatId: "-20", senderId: "3", mentioned: false) == .ignore(reason: "sender not allowed in group"))

        var fallback = policy
        fallback.groupAllowFrom = SenderAllowList([])  // Empty counts as unset.
        #expect(fallback.decideGroup(chatId: "-20", senderId: "3", mentioned: false) == .allow)
        #expect(fallback.decideGroup(chatId: "-20", senderId: "2", mentioned: false) == .ignore(reason: "sender not allowed in group"))

        fallback.allowFrom = SenderAllowList([])
        #expect(fallback.decideGroup(chatId: "-20", senderId: "anyone", mentioned: false) == .allow)

        let starRule = AccessPolicy(
            groups: ["-30": GroupRule(requireMention: false, allowFrom: SenderAllowList(["*"]))], groupAllowFrom: owner)
        #expect(starRule.decideGroup(chatId: "-30", senderId: "9", mentioned: false) == .allow)
    }

    @Test("the sender check comes before mention gating")
    func senderBeforeMention() {
        let policy = AccessPolicy(groups: ["-1": GroupRule()], groupAllowFrom: owner)
        #expect(policy.decideGroup(chatId: "-1", senderId: "7", mentioned: false) == .ignore(reason: "sender not allowed in group"))
        #expect(policy.decideGroup(chatId: "-1", senderId: "100", mentioned: false) == .ignore(reason: "not mentioned"))
    }

    @Test("policies round-trip through their raw config values")
    func rawValues() {
        #expect(DMPolicy.allCases.map(\.rawValue) == ["pairing", "allowlist", "open", "disabled"])
        #expect(GroupPolicy.allCases.map(\.rawValue) == ["allowlist", "open", "disabled"])
        #expect(DMPolicy(rawValue: "open") == .open)
        #expect(GroupPolicy(rawValue: "pairing") == nil)
    }
}

import Testing

@testable import TalonChannels

@Suite("ChannelSessionKeys")
struct ChannelSessionKeysTests {
    private func direct(_ scope: DMScope, account: String = "Work", peer: String = "12345") -> String {
        ChannelSessionKeys.direct(agentId: "Main", dmScope: scope, mainKey: "Main", channel: "Telegram", accountId: account, peerId: peer)
    }

    @Test("direct keys follow each DM scope, lower-cased")
    func directKeys() {
        #expect(direct(.main) == "agent:main:main")
        #expect(direct(.perPeer) == "agent:main:direct:12345")
        #expect(direct(.perChannelPeer) == "agent:main:telegram:direct:12345")
        #expect(direct(.perAccountChannelPeer) == "agent:main:telegram:work:direct:12345")
        #expect(direct(.perPeer, peer: "AbC") == "agent:main:direct:abc")
    }

    @Test("empty parts fall back to upstream's defaults")
    func fallbacks() {
        #expect(direct(.perAccountChannelPeer, account: "") == "agent:main:telegram:default:direct:12345")
        #expect(direct(.perAccountChannelPeer, account: "  ") == "agent:main:telegram:default:direct:12345")
        let empty = ChannelSessionKeys.direct(agentId: "", dmScope: .main, mainKey: " ", channel: "", accountId: "", peerId: "")
        #expect(empty == "agent:main:main")
        #expect(
            ChannelSessionKeys.direct(agentId: "ops", dmScope: .perPeer, mainKey: "", channel: "", accountId: "", peerId: "")
                == "agent:ops:direct:unknown")
    }

    @Test("the main key is configurable")
    func customMainKey() {
        let key = ChannelSessionKeys.direct(
            agentId: "ops", dmScope: .main, mainKey: "Home", channel: "telegram", accountId: "", peerId: "1")
        #expect(key == "agent:ops:home")
    }

    @Test("group keys add the forum topic when given")
    func groupKeys() {
        #expect(
            ChannelSessionKeys.group(agentId: "Main", channel: "Telegram", groupId: "-1001234567890", topicId: nil)
                == "agent:main:telegram:group:-1001234567890")
        #expect(
            ChannelSessionKeys.group(agentId: "main", channel: "telegram", groupId: "-100", topicId: "42")
                == "agent:main:telegram:group:-100:topic:42")
        #expect(
            ChannelSessionKeys.group(agentId: "main", channel: "telegram", groupId: "-100", topicId: "") == "agent:main:telegram:group:-100"
        )
    }

    @Test("scopes round-trip through their config spelling")
    func rawValues() {
        #expect(DMScope.allCases.map(\.rawValue) == ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"])
        #expect(DMScope(rawValue: "per-peer") == .perPeer)
    }
}

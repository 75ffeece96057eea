import TalonAgent
import TalonCore
import Testing

@Suite("Session keys")
struct SessionKeyTests {
    @Test func buildsUpstreamGrammar() {
        #expect(SessionKey.main(agentId: "Main").rawValue == "agent:main:main")
        #expect(SessionKey.direct(agentId: "main", channel: "telegram", peerId: "42", dmScope: "main").rawValue == "agent:main:main")
        #expect(
            SessionKey.direct(agentId: "main", channel: "telegram", peerId: "42", dmScope: "per-peer").rawValue == "agent:main:direct:42")
        #expect(
            SessionKey.direct(agentId: "main", channel: "Telegram", peerId: "Bob", dmScope: "per-channel-peer").rawValue
                == "agent:main:telegram:direct:bob")
        #expect(
            SessionKey.direct(agentId: "work", channel: "slack", peerId: "u1", dmScope: "per-account-channel-peer").rawValue
                == "agent:work:slack:default:direct:u1")
        #expect(
            SessionKey.direct(agentId: "work", channel: "slack", peerId: "u1", accountId: "Acme", dmScope: "per-account-channel-peer")
                .rawValue == "agent:work:slack:acme:direct:u1")
        #expect(
            SessionKey.group(agentId: "main", channel: "telegram", groupId: "-1001234567890", topicId: "42").rawValue
                == "agent:main:telegram:group:-1001234567890:topic:42")
        #expect(
            SessionKey.channel(agentId: "main", channel: "discord", channelId: "123456", threadId: "987654").rawValue
                == "agent:main:discord:channel:123456:thread:987654")
        #expect(SessionKey.hook("ABC").rawValue == "hook:abc")
        #expect(SessionKey.main(agentId: "main", mainKey: "home").topic("7").rawValue == "agent:main:home:topic:7")
    }

    @Test func parsesAgentIdAndResolvesAliases() {
        #expect(SessionKey("AGENT:Work:Telegram:direct:1").agentId == "work")
        #expect(SessionKey("hook:123").agentId == nil)
        #expect(SessionKey("hook:123").isHook)
        let config = TalonConfig(
            agents: AgentsConfig(entries: [AgentEntry(id: "ops", isDefault: true)], defaultAgentId: "ops"),
            session: SessionConfig(mainKey: "home"))
        #expect(SessionKey.resolve("main", config: config).rawValue == "agent:ops:home")
        #expect(SessionKey.resolve("  ", config: config).rawValue == "agent:ops:home")
        #expect(SessionKey.resolve("agent:work", config: config).rawValue == "agent:work:home")
        #expect(SessionKey.resolve("Agent:Main:Main", config: config).rawValue == "agent:main:main")
        #expect(SessionKey.agentId(of: "hook:x", config: config) == "ops")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram groups", .serialized)
struct TelegramGroupTests {
    static let groups = """
        groupPolicy: "allowlist", groups: { "\(TelegramGateway.group)": { requireMention: true, allowFrom: ["*"] } },
        dmPolicy: "allowlist", allowFrom: ["\(TelegramGateway.owner)"],
        """

    @Test func mentionGatingAndForumTopics() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("answer in topic"))
        let tg = try await TelegramGateway.start(telegram: Self.groups, mock: mock)
        defer { Task { await tg.stop() } }
        let group = TelegramGateway.group
        let botName = tg.telegram.botUsername

        tg.telegram.sendText("just chatting, no bot here", from: 501, username: "alice", chatId: group, chatType: "supergroup")
        tg.telegram.sendText(
            "@\(botName) what is the status?", from: 502, username: "bob", chatId: group, chatType: "supergroup", threadId: 42,
            isTopicMessage: true)
        let reply = try #require(try await tg.telegram.waitForMessages(count: 1, chatId: group, timeout: .seconds(20)).first)
        #expect(reply.visibleText == "answer in topic")
        #expect(reply.threadId == 42, "the reply goes to the same forum topic")
        let requests = mock.requests()
        #expect(requests.count == 1, "the message without a mention never reached the model")
        let asked = try #require(requests.first?.lastUserText)
        #expect(asked.contains("what is the status?") && !asked.contains("@\(botName)"))
        #expect(!asked.contains("just chatting"))

        // The topic has its own session.
        let sessions = try await tg.agent.connect().0.call("sessions.list")
        let keys = sessions["sessions"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
        #expect(keys.contains("agent:main:telegram:group:\(group):topic:42"))
        #expect(tg.telegram.calls("editMessageText").isEmpty, "no preview edits in groups")
    }

    @Test func replyToTheBotCountsAsAMentionAndUnlistedGroupsAreIgnored() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("replied"))
        let tg = try await TelegramGateway.start(telegram: Self.groups, mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("@\(tg.telegram.botUsername) hello", from: 503, chatId: -100_999, chatType: "supergroup")
        tg.telegram.sendText("following up", from: 503, chatId: TelegramGateway.group, chatType: "supergroup", replyToBot: true)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.group, timeout: .seconds(20))
        #expect(reply[0].visibleText == "replied")
        #expect(mock.requests().count == 1)
        #expect(tg.telegram.sentMessages(chatId: -100_999).isEmpty, "a group outside the allowlist gets nothing")
    }
}

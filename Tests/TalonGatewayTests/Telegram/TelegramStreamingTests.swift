import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram streaming previews, pairing API and hook delivery", .serialized)
struct TelegramStreamingTests {
    @Test func partialModeEditsOnePreviewThenSendsTheAnswer() async throws {
        let mock = try await MockModelServer.start()
        let pieces = (1...6).map { "Streaming part number \($0) of the answer. " }
        mock.enqueue(.streamedText(pieces, delayMs: 700))
        let tg = try await TelegramGateway.start(
            telegram: "dmPolicy: \"allowlist\", allowFrom: [\"\(TelegramGateway.owner)\"], streaming: { mode: \"partial\" },", mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("stream please", from: TelegramGateway.owner)
        let final = pieces.joined().trimmingCharacters(in: .whitespaces)
        try await Wait.until(timeout: .seconds(30), "final answer") {
            tg.telegram.sentMessages(chatId: TelegramGateway.owner).contains { $0.visibleText == final && !$0.deleted }
        }
        let messages = tg.telegram.sentMessages(chatId: TelegramGateway.owner)
        let preview = try #require(messages.first)
        #expect(preview.deleted, "the preview gives way to the final message")
        #expect(preview.editedTexts.count >= 2, "the preview was edited as text streamed")
        let edits = tg.telegram.calls("editMessageText").map(\.at)
        for (earlier, later) in zip(edits, edits.dropFirst()) { #expect(later - earlier >= .milliseconds(950)) }
        #expect(messages.filter { !$0.deleted }.count == 1)
    }

    @Test func progressModeKeepsAStatusMessageWithToolLines() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.toolCall(name: "session_status", arguments: "{}"), .text("all good"))
        let tg = try await TelegramGateway.start(mock: mock)  // progress is the default
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("check status", from: TelegramGateway.owner)
        try await Wait.until(timeout: .seconds(20), "answer") {
            tg.telegram.sentMessages(chatId: TelegramGateway.owner).contains { $0.visibleText == "all good" }
        }
        let messages = tg.telegram.sentMessages(chatId: TelegramGateway.owner)
        #expect(messages.count == 2)
        #expect(messages[0].visibleText.contains("session_status"), "the status message lists the tool")
        #expect(messages[1].visibleText == "all good")
    }

    @Test func pairingOverTheWebSocketAPI() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(telegram: "", mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("let me in", from: 31_337, username: "newbie")
        let codeMessage = try await tg.telegram.waitForMessages(count: 1, chatId: 31_337, timeout: .seconds(20))
        let code = try #require(TelegramDirectTests.pairingCode(in: codeMessage[0].text))
        let (client, _) = try await tg.agent.connect()
        defer { client.close() }
        let channels = try await client.call("channels.status")
        let bot = try #require(channels["channels"]?.arrayValue?.first)
        #expect(bot["channel"]?.stringValue == "telegram")
        #expect(bot["state"]?.stringValue == "serving")
        #expect(bot["bot"]?.stringValue == "@\(tg.telegram.botUsername)")
        let listed = try await client.call("pairing.list")
        let request = try #require(listed["requests"]?.arrayValue?.first)
        #expect(request["code"]?.stringValue == code)
        #expect(request["channel"]?.stringValue == "telegram")
        #expect(request["senderId"]?.stringValue == "31337")
        let wrong = try await client.request("pairing.approve", ["channel": "telegram", "code": "ZZZZZZZZ"])
        #expect(wrong["ok"]?.boolValue == false)
        #expect(wrong["error"]?["code"]?.stringValue == "NOT_FOUND")
        let approved = try await client.call("pairing.approve", ["channel": "telegram", "code": .string(code)])
        #expect(approved["approved"]?["senderId"]?.stringValue == "31337")
        #expect(try await client.call("pairing.list")["requests"]?.arrayValue?.isEmpty == true)
        mock.enqueue(.text("hello newbie"))
        tg.telegram.sendText("thanks", from: 31_337)
        let replies = try await tg.telegram.waitForMessages(count: 3, chatId: 31_337, timeout: .seconds(20))
        #expect(replies.map(\.visibleText).contains("hello newbie"))
    }

    @Test func hookRunWithDeliverSendsTheAnswerToTheOwner() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("Incident summary: api restarted"))
        let hookToken = "hook-token-for-delivery-0123"
        let tg = try await TelegramGateway.start(
            extraConfig: """
                hooks: { enabled: true, token: "\(hookToken)", allowedSessionKeyPrefixes: ["hook:"],
                  mappings: [{ id: "alert", match: { path: "alert" }, action: "agent", deliver: true, channel: "telegram",
                               messageTemplate: "Alert: {{payload.text}}" }] },
                """, mock: mock)
        defer { Task { await tg.stop() } }
        let response = try await tg.gateway.http.request(
            "POST", "/hooks/alert", headers: ["Authorization": "Bearer \(hookToken)", "Content-Type": "application/json"],
            body: Data(#"{"text":"disk full"}"#.utf8))
        #expect(response.status == 200)
        let delivered = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(delivered[0].visibleText == "Incident summary: api restarted")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram webhook mode", .serialized)
struct TelegramWebhookTests {
    static let secret = "tg-webhook-secret-0123456789"

    @Test func secretIsCheckedAndUpdatesAreAnswered() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("via webhook"))
        let tg = try await TelegramGateway.start(
            telegram: """
                mode: "webhook", webhookUrl: "https://bot.example.com/telegram-webhook", webhookSecret: "\(Self.secret)",
                dmPolicy: "allowlist", allowFrom: ["\(TelegramGateway.owner)"],
                """, mock: mock)
        defer { Task { await tg.stop() } }
        try await Wait.until(timeout: .seconds(20), "setWebhook") { tg.telegram.webhookURL != nil }
        #expect(tg.telegram.webhookURL == "https://bot.example.com/telegram-webhook")
        #expect(tg.telegram.webhookSecret == Self.secret)
        #expect(tg.telegram.calls("getUpdates").isEmpty, "no polling in webhook mode")

        let update =
            #"{"update_id": 7001, "message": {"message_id": 1, "date": 1, "chat": {"id": \#(TelegramGateway.owner), "type": "private"}, "from": {"id": \#(TelegramGateway.owner), "is_bot": false, "first_name": "Owner"}, "text": "ping"}}"#
        let wrong = try await tg.gateway.http.request(
            "POST", "/telegram-webhook", headers: ["X-Telegram-Bot-Api-Secret-Token": "nope", "Content-Type": "application/json"],
            body: Data(update.utf8))
        #expect(wrong.status == 401)
        let missing = try await tg.gateway.http.request("POST", "/telegram-webhook", headers: [:], body: Data(update.utf8))
        #expect(missing.status == 401)
        #expect(mock.requests().isEmpty)

        let good = try await tg.gateway.http.request(
            "POST", "/telegram-webhook", headers: ["X-Telegram-Bot-Api-Secret-Token": Self.secret, "Content-Type": "application/json"],
            body: Data(update.utf8))
        #expect(good.status == 200)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText == "via webhook")

        // Telegram redelivering the same update starts nothing new.
        let again = try await tg.gateway.http.request(
            "POST", "/telegram-webhook", headers: ["X-Telegram-Bot-Api-Secret-Token": Self.secret], body: Data(update.utf8))
        #expect(again.status == 200)
        let bad = try await tg.gateway.http.request(
            "POST", "/telegram-webhook", headers: ["X-Telegram-Bot-Api-Secret-Token": Self.secret], body: Data("{nope".utf8))
        #expect(bad.status == 400)
        try await Task.sleep(for: .seconds(1))
        #expect(mock.requests().count == 1)
        #expect(tg.telegram.sentMessages(chatId: TelegramGateway.owner).count == 1)
    }
}

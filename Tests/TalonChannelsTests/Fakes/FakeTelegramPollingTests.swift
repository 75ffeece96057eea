import Foundation
import TalonCore
import TalonTestSupport
import XCTest

/// The fake's routing, auth and getUpdates semantics, exercised over loopback HTTP.
final class FakeTelegramPollingTests: XCTestCase {
    private var fake: FakeTelegram!
    private var client: FakeTelegramTestClient { FakeTelegramTestClient(fake: fake) }

    override func setUp() async throws {
        fake = try await FakeTelegram.start()
    }

    override func tearDown() async throws {
        await fake.stop()
    }

    func testGetMeDescribesTheBot() async throws {
        let answer = try await client.call("getMe")
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.json["ok"], true)
        XCTAssertEqual(answer.result?["id"]?.intValue, 999_000_111)
        XCTAssertEqual(answer.result?["is_bot"], true)
        XCTAssertEqual(answer.result?["username"], "talon_test_bot")
        XCTAssertNotNil(answer.result?["first_name"]?.stringValue)
        XCTAssertNotNil(answer.result?["can_join_groups"]?.boolValue)
        XCTAssertNotNil(answer.result?["can_read_all_group_messages"]?.boolValue)
        XCTAssertNotNil(answer.result?["supports_inline_queries"]?.boolValue)
        // Method names are case-insensitive, and a GET works too.
        let lower = try await client.get("getme")
        XCTAssertEqual(lower.status, 200)
        XCTAssertEqual(fake.calls("getMe").count, 2)
    }

    func testWrongTokenAndUnknownMethodAnswerLikeTelegram() async throws {
        let unauthorized = try await client.call("getMe", token: "123456:wrong")
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertEqual(unauthorized.json, ["ok": false, "error_code": 401, "description": "Unauthorized"])
        let unknown = try await client.call("sendTelepathy")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json, ["ok": false, "error_code": 404, "description": "Not Found"])
        XCTAssertEqual(fake.calls().map(\.status), [401, 404])
    }

    func testLongPollIsHeldUntilAnUpdateArrives() async throws {
        let client = self.client
        let started = ContinuousClock.now
        let poll = Task { try await client.call("getUpdates", ["timeout": 20]) }
        try await Wait.until(timeout: .seconds(5), "the long poll is held") { self.fake.activePollers == 1 }
        let id = fake.sendText("hello bot", from: 42, username: "alice")
        let answer = try await poll.value
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertEqual(answer.status, 200)
        let updates = try XCTUnwrap(answer.result?.arrayValue)
        XCTAssertEqual(updates.count, 1)
        XCTAssertEqual(updates[0]["update_id"]?.intValue, Int(id))
        XCTAssertEqual(updates[0]["message"]?["text"], "hello bot")
        XCTAssertEqual(updates[0]["message"]?["chat"]?["id"]?.intValue, 42)
        XCTAssertEqual(updates[0]["message"]?["chat"]?["type"], "private")
        XCTAssertEqual(updates[0]["message"]?["from"]?["username"], "alice")
        XCTAssertEqual(fake.activePollers, 0)
        XCTAssertEqual(fake.maxConcurrentPollers, 1)
    }

    func testLongPollTimesOutWithAnEmptyList() async throws {
        let started = ContinuousClock.now
        let answer = try await client.call("getUpdates", ["timeout": 1])
        XCTAssertEqual(answer.result, [])
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(900))
    }

    func testOffsetConfirmsUpdatesForever() async throws {
        let first = fake.sendText("one", from: 7)
        fake.sendText("two", from: 7)
        let third = fake.sendText("three", from: 7)
        let all = try await client.call("getUpdates")
        XCTAssertEqual(all.result?.arrayValue?.count, 3)
        XCTAssertEqual(fake.pendingUpdateCount, 3)
        // Returning updates confirms nothing; an offset does.
        let rest = try await client.form("getUpdates", "offset=\(first + 1)&limit=1")
        XCTAssertEqual(rest.result?.arrayValue?.map { $0["message"]?["text"] }, ["two"])
        XCTAssertEqual(fake.pendingUpdateCount, 2)
        XCTAssertEqual(fake.confirmedOffset, first + 1)
        let again = try await client.call("getUpdates", ["offset": 0])
        XCTAssertEqual(again.result?.arrayValue?.map { $0["message"]?["text"] }, ["two", "three"])
        _ = try await client.get("getUpdates", query: "offset=\(third + 1)")
        XCTAssertEqual(fake.pendingUpdateCount, 0)
        XCTAssertEqual(fake.confirmedOffset, third + 1)
    }

    func testASecondPollerEndsTheFirstWith409() async throws {
        let client = self.client
        let first = Task { try await client.call("getUpdates", ["timeout": 20]) }
        try await Wait.until(timeout: .seconds(5), "the first poll is held") { self.fake.activePollers == 1 }
        let second = Task { try await client.call("getUpdates", ["timeout": 20]) }
        let conflict = try await first.value
        XCTAssertEqual(conflict.status, 409)
        XCTAssertEqual(
            conflict.json,
            [
                "ok": false, "error_code": 409,
                "description": "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            ])
        try await Wait.until(timeout: .seconds(5), "the second poll is held") { self.fake.activePollers == 1 }
        fake.sendText("for the survivor", from: 9)
        let survivor = try await second.value
        XCTAssertEqual(survivor.status, 200)
        XCTAssertEqual(survivor.result?.arrayValue?.count, 1)
        XCTAssertEqual(fake.maxConcurrentPollers, 2)
    }

    func testWebhookForbidsPolling() async throws {
        let set = try await client.call("setWebhook", ["url": "http://127.0.0.1:9/hook", "secret_token": "abc_DEF-123"])
        XCTAssertEqual(set.result, true)
        XCTAssertEqual(set.description, "Webhook was set")
        fake.sendText("queued", from: 5)
        let refused = try await client.call("getUpdates")
        XCTAssertEqual(refused.status, 409)
        XCTAssertEqual(
            refused.description,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        let info = try await client.call("getWebhookInfo")
        XCTAssertEqual(info.result?["url"], "http://127.0.0.1:9/hook")
        XCTAssertEqual(info.result?["pending_update_count"]?.intValue, 1)
        let bad = try await client.call("setWebhook", ["url": "http://127.0.0.1:9/hook", "secret_token": "no spaces!"])
        XCTAssertEqual(bad.description, "Bad Request: secret token contains unallowed characters")
        let deleted = try await client.call("deleteWebhook", ["drop_pending_updates": true])
        XCTAssertEqual(deleted.result, true)
        let polled = try await client.call("getUpdates")
        XCTAssertEqual(polled.result, [])
    }

    func testAllowedUpdatesFilterLaterUpdates() async throws {
        _ = try await client.call("getUpdates", ["allowed_updates": ["callback_query"]])
        fake.sendText("ignored", from: 3)
        XCTAssertEqual(fake.pendingUpdateCount, 0)
        _ = try await client.form("getUpdates", "allowed_updates=%5B%22message%22%5D")
        fake.sendText("kept", from: 3)
        XCTAssertEqual(fake.pendingUpdateCount, 1)
    }

    func testCommandsAndMentionsGetEntities() async throws {
        fake.sendText("/start@talon_test_bot hi @talon_test_bot", from: 77, chatId: -100_123, chatType: "supergroup")
        let update = try XCTUnwrap(fake.pendingUpdates.first)
        let entities = try XCTUnwrap(update["message"]?["entities"]?.arrayValue)
        XCTAssertEqual(entities.map { $0["type"] }, ["bot_command", "mention"])
        XCTAssertEqual(entities[0]["length"]?.intValue, 21)
        XCTAssertEqual(entities[1]["offset"]?.intValue, 25)
        XCTAssertEqual(update["message"]?["chat"]?["type"], "supergroup")
    }

    func testStopReleasesAHeldPoll() async throws {
        let client = self.client
        let poll = Task { try await client.call("getUpdates", ["timeout": 30]) }
        try await Wait.until(timeout: .seconds(5), "the long poll is held") { self.fake.activePollers == 1 }
        let started = ContinuousClock.now
        await fake.stop()
        let answer = try await poll.value
        XCTAssertEqual(answer.result, [])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testNegativeOffsetKeepsOnlyTheLatestUpdates() async throws {
        for text in ["a", "b", "c"] { fake.sendText(text, from: 4) }
        let latest = try await client.call("getUpdates", ["offset": -1])
        XCTAssertEqual(latest.result?.arrayValue?.map { $0["message"]?["text"] }, ["c"])
        XCTAssertEqual(fake.pendingUpdateCount, 1)
    }

    func testRepliesLinkInboundAndBotMessages() async throws {
        fake.sendText("question", from: 12)
        let inboundId = try XCTUnwrap(fake.pendingUpdates.first?["message"]?["message_id"])
        let reply = try await client.call("sendMessage", ["chat_id": 12, "text": "answer", "reply_parameters": ["message_id": inboundId]])
        XCTAssertEqual(reply.result?["reply_to_message"]?["text"], "question")
        XCTAssertEqual(fake.sentMessages(chatId: 12).first?.replyToMessageId, inboundId.intValue.map(Int64.init))
        fake.sendText("thanks", from: 12, replyToBot: true)
        let replied = try XCTUnwrap(fake.pendingUpdates.last?["message"]?["reply_to_message"])
        XCTAssertEqual(replied["text"], "answer")
        XCTAssertEqual(replied["from"]?["is_bot"], true)
        XCTAssertNotEqual(replied["message_id"], inboundId)
    }
}

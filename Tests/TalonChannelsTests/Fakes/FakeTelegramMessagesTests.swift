import Foundation
import TalonCore
import TalonTestSupport
import XCTest

/// sendMessage / editMessageText checks, HTML parsing and scripted faults.
final class FakeTelegramMessagesTests: XCTestCase {
    private var fake: FakeTelegram!
    private var client: FakeTelegramTestClient { FakeTelegramTestClient(fake: fake) }

    override func setUp() async throws {
        fake = try await FakeTelegram.start()
    }

    override func tearDown() async throws {
        await fake.stop()
    }

    func testSendMessageReturnsAMessageAndIsRecorded() async throws {
        let first = try await client.call(
            "sendMessage",
            [
                "chat_id": -100_555, "text": "in a topic", "message_thread_id": 17, "disable_notification": true,
                "link_preview_options": ["is_disabled": true],
            ])
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.result?["text"], "in a topic")
        XCTAssertEqual(first.result?["chat"]?["id"]?.intValue, -100_555)
        XCTAssertEqual(first.result?["message_thread_id"]?.intValue, 17)
        XCTAssertEqual(first.result?["from"]?["is_bot"], true)
        XCTAssertNotNil(first.result?["date"]?.intValue)
        // Form and query parameters are strings; they work all the same.
        let second = try await client.form("sendMessage", "chat_id=-100555&text=hello+world%21")
        XCTAssertEqual(second.result?["text"], "hello world!")
        let third = try await client.get("sendMessage", query: "chat_id=-100555&text=via%20query")
        XCTAssertEqual(third.result?["text"], "via query")
        let ids = [first, second, third].compactMap { $0.result?["message_id"]?.intValue }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, 3)
        let sent = fake.sentMessages(chatId: -100_555)
        XCTAssertEqual(sent.map(\.text), ["in a topic", "hello world!", "via query"])
        XCTAssertEqual(sent[0].threadId, 17)
        XCTAssertTrue(sent[0].disableNotification)
        XCTAssertEqual(fake.calls("sendMessage").first?.int64("chat_id"), -100_555)
    }

    func testMissingParametersAnswer400() async throws {
        let noChat = try await client.call("sendMessage", ["text": "x"])
        XCTAssertEqual(noChat.json, ["ok": false, "error_code": 400, "description": "Bad Request: chat_id is empty"])
        let noText = try await client.call("sendMessage", ["chat_id": 1])
        XCTAssertEqual(noText.description, "Bad Request: message text is empty")
        let tooLong = try await client.call("sendMessage", ["chat_id": 1, "text": .string(String(repeating: "a", count: 4097))])
        XCTAssertEqual(tooLong.description, "Bad Request: message is too long")
        // The limit counts visible text: markup does not count.
        let markedUp = "<b>" + String(repeating: "a", count: 4096) + "</b>"
        let fits = try await client.call("sendMessage", ["chat_id": 1, "text": .string(markedUp), "parse_mode": "HTML"])
        XCTAssertEqual(fits.status, 200)
        let missingReply = try await client.call("sendMessage", ["chat_id": 1, "text": "x", "reply_parameters": ["message_id": 999]])
        XCTAssertEqual(missingReply.description, "Bad Request: message to be replied not found")
    }

    func testHTMLIsCheckedLikeTelegram() async throws {
        let cases: [(String, String)] = [
            ("<b>unclosed", "Can't find end tag corresponding to start tag \"b\""),
            ("a < b", "Unsupported start tag \"\" at byte offset 2"),
            ("<b>x</i>", "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\""),
            ("x</b>", "Unexpected end tag at byte offset 1"),
            ("<div>x</div>", "Unsupported start tag \"div\" at byte offset 0"),
            ("<span>x</span>", "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"),
            ("AT&T", "Character \"&\" must start an HTML entity at byte offset 2"),
            ("é <b", "Unclosed start tag at byte offset 3"),
        ]
        for (html, reason) in cases {
            let answer = try await client.call("sendMessage", ["chat_id": 1, "text": .string(html), "parse_mode": "HTML"])
            XCTAssertEqual(answer.status, 400, html)
            XCTAssertEqual(answer.description, "Bad Request: can't parse entities: " + reason, html)
        }
        XCTAssertTrue(fake.sentMessages().isEmpty)
    }

    func testValidHTMLIsAcceptedWithEntities() async throws {
        let html =
            "<b>bold</b> <i>it</i> <a href=\"https://example.com/?a=1&amp;b=2\">link</a> "
            + "<pre><code class=\"language-swift\">let x = 1</code></pre> <tg-spoiler>s</tg-spoiler> "
            + "<blockquote expandable>q</blockquote> &lt;tag&gt; &#128512; &quot;"
        let answer = try await client.call("sendMessage", ["chat_id": 1, "text": .string(html), "parse_mode": "HTML"])
        XCTAssertEqual(answer.status, 200, answer.description ?? "")
        XCTAssertEqual(answer.result?["text"], "bold it link let x = 1 s q <tag> 😀 \"")
        let entities = try XCTUnwrap(answer.result?["entities"]?.arrayValue)
        XCTAssertEqual(
            entities.map { $0["type"] }, ["bold", "italic", "text_link", "pre", "spoiler", "expandable_blockquote"])
        XCTAssertEqual(entities[2]["url"], "https://example.com/?a=1&b=2")
        XCTAssertEqual(entities[3]["language"], "swift")
        XCTAssertEqual(entities[3]["offset"]?.intValue, 13)
        XCTAssertEqual(entities[3]["length"]?.intValue, 9)
        XCTAssertEqual(fake.sentMessages().first?.parseMode, "HTML")
        XCTAssertEqual(fake.sentMessages().first?.text, html)
    }

    func testRejectHTMLNextForcesAParseError() async throws {
        fake.rejectHTMLNext(count: 1)
        let rejected = try await client.call("sendMessage", ["chat_id": 1, "text": "<b>fine</b>", "parse_mode": "HTML"])
        XCTAssertEqual(rejected.status, 400)
        XCTAssertTrue(rejected.description?.hasPrefix("Bad Request: can't parse entities: ") == true)
        let plain = try await client.call("sendMessage", ["chat_id": 1, "text": "<b>fine</b>"])
        XCTAssertEqual(plain.result?["text"], "<b>fine</b>")
    }

    func testEditMessageText() async throws {
        let sent = try await client.call("sendMessage", ["chat_id": 5, "text": "draft"])
        let id = try XCTUnwrap(sent.result?["message_id"])
        let same = try await client.call("editMessageText", ["chat_id": 5, "message_id": id, "text": "draft"])
        XCTAssertEqual(
            same.description,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a "
                + "current content and reply markup of the message")
        let edited = try await client.call(
            "editMessageText", ["chat_id": 5, "message_id": id, "text": "<b>final</b>", "parse_mode": "HTML"])
        XCTAssertEqual(edited.status, 200)
        XCTAssertEqual(edited.result?["text"], "final")
        XCTAssertNotNil(edited.result?["edit_date"]?.intValue)
        let missing = try await client.call("editMessageText", ["chat_id": 5, "message_id": 4242, "text": "x"])
        XCTAssertEqual(missing.description, "Bad Request: message to edit not found")
        let message = try XCTUnwrap(fake.sentMessages(chatId: 5).first)
        XCTAssertEqual(message.text, "<b>final</b>")
        XCTAssertEqual(message.visibleText, "final")
        XCTAssertEqual(message.editedTexts, ["<b>final</b>"])
        let deleted = try await client.call("deleteMessage", ["chat_id": 5, "message_id": id])
        XCTAssertEqual(deleted.result, true)
        XCTAssertEqual(fake.sentMessages(chatId: 5).first?.deleted, true)
        let again = try await client.call("deleteMessage", ["chat_id": 5, "message_id": id])
        XCTAssertEqual(again.description, "Bad Request: message to delete not found")
    }

    func testRateLimitAndServerErrorsAreScripted() async throws {
        fake.rateLimitNext("sendMessage", retryAfter: 7)
        fake.serverErrorNext("sendChatAction")
        let limited = try await client.call("sendMessage", ["chat_id": 1, "text": "x"])
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(
            limited.json,
            ["ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": ["retry_after": 7]])
        XCTAssertEqual(limited.headers["retry-after"], "7")
        let bad = try await client.call("sendChatAction", ["chat_id": 1, "action": "typing"])
        XCTAssertEqual(bad.json, ["ok": false, "error_code": 502, "description": "Bad Gateway"])
        let recovered = try await client.call("sendMessage", ["chat_id": 1, "text": "x"])
        XCTAssertEqual(recovered.status, 200)
        let typing = try await client.call("sendChatAction", ["chat_id": 1, "action": "typing", "message_thread_id": 3])
        XCTAssertEqual(typing.result, true)
        let wrong = try await client.call("sendChatAction", ["chat_id": 1, "action": "dancing"])
        XCTAssertEqual(wrong.description, "Bad Request: wrong parameter action in request")
        XCTAssertEqual(fake.calls("sendMessage").map(\.status), [429, 200])
        XCTAssertEqual(fake.calls("sendMessage").first?.errorDescription, "Too Many Requests: retry after 7")
    }

    func testSetMyCommandsAndWaitForMessages() async throws {
        let commands: JSONValue = [["command": "start", "description": "Start"], ["command": "reset", "description": "New session"]]
        let set = try await client.form(
            "setMyCommands", "commands=" + (commands.serialized().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        XCTAssertEqual(set.result, true)
        XCTAssertEqual(fake.myCommands().compactMap { $0["command"]?.stringValue }, ["start", "reset"])
        let invalid = try await client.call("setMyCommands", ["commands": [["command": "Bad Command", "description": "x"]]])
        XCTAssertEqual(invalid.description, "Bad Request: BOT_COMMAND_INVALID")
        let client = self.client
        Task {
            try await Task.sleep(for: .milliseconds(100))
            _ = try await client.call("sendMessage", ["chat_id": 8, "text": "later"])
        }
        let messages = try await fake.waitForMessages(count: 1, chatId: 8, timeout: .seconds(5))
        XCTAssertEqual(messages.map(\.text), ["later"])
        let multipart = try await client.multipart(
            "sendMessage", [.init(name: "chat_id", data: Array("8".utf8)), .init(name: "text", data: Array("from a form".utf8))])
        XCTAssertEqual(multipart.result?["text"], "from a form")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

/// Direct messages end to end: fake Bot API ↔ real gateway ↔ mock model.
@Suite("Telegram direct messages", .serialized)
struct TelegramDirectTests {
    @Test func allowedUserGetsTheModelsReplyAsHTML() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("Hello **owner** <3"))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }

        tg.telegram.sendText("hi there", from: TelegramGateway.owner, username: "owner")
        let reply = try #require(
            try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20)).first)
        #expect(reply.parseMode == "HTML")
        #expect(reply.text == "Hello <b>owner</b> &lt;3")
        #expect(reply.visibleText == "Hello owner <3")
        #expect(mock.requests().last?.lastUserText == "hi there")
        // Startup: identity, the command menu, a typing indicator while the run was active.
        #expect(!tg.telegram.calls("getMe").isEmpty)
        let commands = tg.telegram.myCommands().compactMap { $0["command"]?.stringValue }
        #expect(Set(commands) == ["new", "reset", "status", "whoami", "help"])
        #expect(tg.telegram.calls("sendChatAction").contains { $0.string("action") == "typing" })
    }

    @Test func unknownSenderPairsThenTalks() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(telegram: "", mock: mock)  // dmPolicy defaults to pairing
        defer { Task { await tg.stop() } }
        let stranger: Int64 = 424_242

        tg.telegram.sendText("hello?", from: stranger, username: "stranger")
        let codeMessage = try #require(try await tg.telegram.waitForMessages(count: 1, chatId: stranger, timeout: .seconds(20)).first)
        let code = try #require(Self.pairingCode(in: codeMessage.text))
        #expect(mock.requests().isEmpty, "an unpaired sender never reaches the model")

        // Asking again gives the same code, not a new request.
        tg.telegram.sendText("hello again", from: stranger)
        let again = try await tg.telegram.waitForMessages(count: 2, chatId: stranger, timeout: .seconds(20))
        #expect(Self.pairingCode(in: again[1].text) == code)

        let list = try await tg.cli(["pairing", "list", "--json"])
        #expect(list.status == 0)
        #expect(list.stdout.contains(code) && list.stdout.contains("\(stranger)"))

        let approve = try await tg.cli(["pairing", "approve", "telegram", code.lowercased()])
        #expect(approve.status == 0, "\(approve.stderr)")
        let approvedNote = try await tg.telegram.waitForMessages(count: 3, chatId: stranger, timeout: .seconds(20))
        #expect(approvedNote[2].text.contains("approved"))

        mock.enqueue(.text("Welcome aboard"))
        tg.telegram.sendText("now?", from: stranger)
        let answered = try await tg.telegram.waitForMessages(count: 4, chatId: stranger, timeout: .seconds(20))
        #expect(answered[3].visibleText == "Welcome aboard")
        #expect(try await tg.cli(["pairing", "approve", "telegram", code]).status == 1, "a used code is gone")
    }

    @Test func pairingCodesAreCappedAtThreePerAccount() async throws {
        let tg = try await TelegramGateway.start(telegram: "")
        defer { Task { await tg.stop() } }
        for sender in Int64(1)...4 { tg.telegram.sendText("hi", from: 9_000 + sender) }
        var codes: [String] = []
        for sender in Int64(1)...3 {
            let message = try #require(try await tg.telegram.waitForMessages(count: 1, chatId: 9_000 + sender, timeout: .seconds(20)).first)
            codes.append(try #require(Self.pairingCode(in: message.text)))
        }
        #expect(Set(codes).count == 3)
        let fourth = try #require(try await tg.telegram.waitForMessages(count: 1, chatId: 9_004, timeout: .seconds(20)).first)
        #expect(Self.pairingCode(in: fourth.text) == nil)
        #expect(fourth.text.contains("too many pending"))
    }

    @Test func commandsAreAnsweredByTheChannel() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("/whoami", from: TelegramGateway.owner, username: "owner")
        let whoami = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(whoami[0].visibleText.contains("\(TelegramGateway.owner)"))
        tg.telegram.sendText("/new", from: TelegramGateway.owner)
        let reset = try await tg.telegram.waitForMessages(count: 2, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reset[1].visibleText.contains("New session"))
        tg.telegram.sendText("/status", from: TelegramGateway.owner)
        let status = try await tg.telegram.waitForMessages(count: 3, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(status[2].visibleText.contains("agent:main:main"))
        #expect(status[2].visibleText.contains("mock/test-model"))
        #expect(mock.requests().isEmpty, "commands never reach the model")
    }

    @Test func longReplyArrivesAsOrderedChunks() async throws {
        let mock = try await MockModelServer.start()
        let paragraphs = (1...45).map { index in "Paragraph \(index): " + String(repeating: "lorem ipsum ", count: 16) }
        let long = paragraphs.joined(separator: "\n\n")
        #expect(long.count > 9_000)
        mock.enqueue(.text(long))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("tell me a lot", from: TelegramGateway.owner)
        try await Wait.until(timeout: .seconds(30), "all chunks") {
            tg.telegram.sentMessages(chatId: TelegramGateway.owner).map(\.visibleText).joined().contains("Paragraph 45")
        }
        let chunks = tg.telegram.sentMessages(chatId: TelegramGateway.owner)
        #expect(chunks.count >= 3)
        #expect(chunks.allSatisfy { $0.visibleText.count <= 4000 })
        let joined = chunks.map(\.visibleText).joined(separator: "\n\n")
        let numbers = joined.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("Paragraph ") else { return nil }
            return Int(line.dropFirst("Paragraph ".count).prefix { $0.isNumber })
        }
        #expect(numbers == Array(1...45), "every paragraph once, in order")
    }

    @Test func rateLimitPausesThenDeliversEverything() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("first answer"))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.rateLimitNext("sendMessage", count: 1, retryAfter: 2)
        let started = ContinuousClock.now
        tg.telegram.sendText("question", from: TelegramGateway.owner)
        let delivered = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(delivered[0].visibleText == "first answer")
        #expect(ContinuousClock.now - started >= .seconds(2), "the 429's retry_after was honoured")
        let sends = tg.telegram.calls("sendMessage")
        #expect(sends.first?.status == 429)
        if sends.count >= 2 { #expect(sends[1].at - sends[0].at >= .milliseconds(1900)) }
    }

    @Test func htmlParseErrorFallsBackToPlainText() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("Use **bold** and `code`"))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.rejectHTMLNext(count: 1)
        tg.telegram.sendText("format please", from: TelegramGateway.owner)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].parseMode == nil)
        #expect(reply[0].text == "Use **bold** and `code`")
        #expect(tg.telegram.calls("sendMessage").first?.status == 400)
    }

    @Test func serverErrorsAreRetriedUntilDelivered() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("eventually"))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.serverErrorNext("sendMessage", count: 2)
        tg.telegram.sendText("are you there", from: TelegramGateway.owner)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(30))
        #expect(reply[0].visibleText == "eventually")
        #expect(tg.telegram.calls("sendMessage").filter { $0.status == 502 }.count == 2)
    }

    static func pairingCode(in text: String) -> String? {
        let alphabet = Set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        for word in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where word.count == 8 {
            if word.allSatisfy({ alphabet.contains($0) }) { return String(word) }
        }
        return nil
    }
}

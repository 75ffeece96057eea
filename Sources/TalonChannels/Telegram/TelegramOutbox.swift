import Logging
import TalonCore
import TalonStore

/// What an outbox row holds for Telegram.
struct TelegramOutboundMessage: Sendable, Hashable {
    var text: String
    /// Markdown is rendered to Telegram HTML at send time; plain goes as is.
    var markdown: Bool
    var topicId: Int64?

    var json: JSONValue {
        var object: [String: JSONValue] = ["text": .string(text), "format": .string(markdown ? "markdown" : "plain")]
        if let topicId { object["topicId"] = .number(Double(topicId)) }
        return .object(object)
    }

    init(text: String, markdown: Bool = true, topicId: Int64? = nil) {
        self.text = text
        self.markdown = markdown
        self.topicId = topicId
    }

    init?(json: JSONValue) {
        guard let text = json["text"]?.stringValue else { return nil }
        self.text = text
        self.markdown = json["format"]?.stringValue != "plain"
        self.topicId = json["topicId"]?.doubleValue.map(Int64.init)
    }

    /// Chunks at the account's limit, as outbox drafts in order.
    static func drafts(_ text: String, chatId: Int64, topicId: Int64?, limit: Int, markdown: Bool = true) -> [OutboxDraft] {
        chunks(text, limit: limit).map { chunk in
            OutboxDraft(
                chatId: String(chatId),
                payloadJSON: TelegramOutboundMessage(text: chunk, markdown: markdown, topicId: topicId).json.serialized())
        }
    }

    /// `TextChunker` counts Characters; Telegram counts UTF-16 code units, in which an emoji is two or more. A chunk
    /// over the limit in those units is split again at a limit scaled by its units per Character.
    static func chunks(_ text: String, limit: Int) -> [String] {
        TextChunker.chunks(text, limit: limit).flatMap { fitUTF16($0, limit: limit) }
    }

    private static func fitUTF16(_ chunk: String, limit: Int) -> [String] {
        let units = chunk.utf16.count
        guard units > limit else { return [chunk] }
        let characters = chunk.count
        let scaled = max(16, limit * characters / units - 1)
        // At the chunker's floor no smaller split exists; Telegram's own error is then the honest outcome.
        guard scaled < characters else { return [chunk] }
        return TextChunker.chunks(chunk, limit: scaled).flatMap { fitUTF16($0, limit: limit) }
    }
}

/// The durable sender: pending rows go out in order per chat, chats in parallel, all paced by the send gate.
extension TelegramBot {
    static let maxSendAttempts = 8
    /// Idle rescans (rows queued by another process, e.g. `talon pairing approve`); retries due sooner wake it sooner.
    static let outboxRescanEvery: Duration = .seconds(3)

    func outboxLoop() async {
        let sending = ActiveChats()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                var wait = Self.outboxRescanEvery
                do {
                    let pending = try await store.outboxPending(channel: Self.channel, account: account, limit: 200)
                    let now = Clocks.nowMs()
                    if let due = pending.map(\.nextAttemptMs).filter({ $0 > now }).min() {
                        wait = min(wait, .milliseconds(max(due - now, 20)))
                    }
                    var byChat: [String: [OutboxItem]] = [:]
                    var order: [String] = []
                    for item in pending {
                        if byChat[item.chatId] == nil { order.append(item.chatId) }
                        byChat[item.chatId, default: []].append(item)
                    }
                    for chatId in order where await sending.begin(chatId) {
                        let items = byChat[chatId] ?? []
                        group.addTask {
                            let progressed = await self.sendInOrder(items)
                            await sending.end(chatId)
                            // Rows queued meanwhile go out at once; a row waiting for its retry time waits for the timer.
                            if progressed { await self.outboxSignal.fire() }
                        }
                    }
                } catch {
                    logger.warning("cannot read the telegram outbox", metadata: ["error": "\(error)"])
                }
                await outboxSignal.wait(timeout: wait)
            }
        }
    }

    /// Sends one chat's rows in order; stops at the first row that must wait (later rows keep their place).
    /// Returns whether any row was attempted.
    private func sendInOrder(_ items: [OutboxItem]) async -> Bool {
        var attempted = false
        for item in items {
            if item.nextAttemptMs > Clocks.nowMs() { return attempted }
            attempted = true
            guard await deliver(item) else { return attempted }
        }
        return attempted
    }

    /// One attempt at one row; true when the row is finished (sent or failed for good).
    private func deliver(_ item: OutboxItem) async -> Bool {
        guard let chatId = Int64(item.chatId), let json = try? JSON5.parse(item.payloadJSON),
            let message = TelegramOutboundMessage(json: json)
        else {
            await finish(item, state: .failed, error: "unreadable outbox row")
            return true
        }
        let attempts = item.attempts + 1
        do {
            try await send(message, chatId: chatId)
            await finish(item, state: .sent, attempts: attempts)
            return true
        } catch let error as TelegramAPIError where error.isRetryable && attempts < Self.maxSendAttempts {
            if let seconds = error.retryAfter {
                await gate.pause(seconds: seconds)
                logger.warning("telegram rate limit: pausing every send of this bot", metadata: ["retryAfterS": "\(seconds)"])
            }
            let delayMs = error.retryAfter.map { Int64($0) * 1000 } ?? min(Int64(1000) << Int64(attempts - 1), 60_000)
            logger.warning(
                "telegram send failed; will retry", metadata: ["error": "\(error)", "attempt": "\(attempts)", "retryInMs": "\(delayMs)"])
            await reschedule(item, attempts: attempts, delayMs: delayMs, error: error.description)
            return false
        } catch {
            logger.error(
                "telegram message could not be delivered; marked failed",
                metadata: ["chat": .string(item.chatId), "attempts": "\(attempts)", "error": "\(error)"])
            await finish(item, state: .failed, attempts: attempts, error: "\(error)")
            return true
        }
    }

    /// Sends a message now (paced), falling back to plain text when Telegram cannot parse the HTML.
    @discardableResult
    func send(_ message: TelegramOutboundMessage, chatId: Int64) async throws -> Int64? {
        await gate.waitTurn(chatId: chatId)
        var params: [String: JSONValue] = ["chat_id": .number(Double(chatId))]
        if let topicId = message.topicId { params["message_thread_id"] = .number(Double(topicId)) }
        if message.markdown {
            params["text"] = .string(TelegramHTML.render(markdown: message.text))
            params["parse_mode"] = "HTML"
            do {
                return try await api.call("sendMessage", .object(params))["message_id"]?.doubleValue.map(Int64.init)
            } catch let error as TelegramAPIError where error.isParseError {
                logger.warning("telegram could not parse the HTML; sending as plain text", metadata: ["error": "\(error)"])
                params["parse_mode"] = nil
                await gate.waitTurn(chatId: chatId)
            }
        }
        params["text"] = .string(message.text)
        return try await api.call("sendMessage", .object(params))["message_id"]?.doubleValue.map(Int64.init)
    }

    private func finish(_ item: OutboxItem, state: OutboxState, attempts: Int? = nil, error: String? = nil) async {
        do {
            try await store.outboxUpdate(
                id: item.id, state: state, attempts: attempts ?? item.attempts, nextAttemptMs: 0, lastError: error, nowMs: Clocks.nowMs())
        } catch {
            logger.error("cannot record a telegram send in the store", metadata: ["error": "\(error)"])
        }
    }

    private func reschedule(_ item: OutboxItem, attempts: Int, delayMs: Int64, error: String) async {
        do {
            try await store.outboxUpdate(
                id: item.id, state: .pending, attempts: attempts, nextAttemptMs: Clocks.nowMs() + delayMs, lastError: error,
                nowMs: Clocks.nowMs())
        } catch {
            logger.error("cannot record a telegram send in the store", metadata: ["error": "\(error)"])
        }
    }
}

/// Chats whose rows are being sent now (one sender per chat keeps them in order).
actor ActiveChats {
    private var chats: Set<String> = []

    func begin(_ chat: String) -> Bool { chats.insert(chat).inserted }
    func end(_ chat: String) { chats.remove(chat) }
}

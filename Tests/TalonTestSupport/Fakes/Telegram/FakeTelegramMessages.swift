import Foundation
import TalonCore

/// sendMessage, editMessageText and deleteMessage with the real server's checks and error texts.
extension FakeTelegramState.State {
    typealias Params = [String: JSONValue]

    static let maxTextLength = 4096

    /// The visible text and entities of `text` under `parse_mode`, or the error Telegram answers.
    mutating func render(_ text: String, parseMode: String?, entities: JSONValue?) -> Result<FakeTelegramHTML.Parsed, Failure> {
        var parsed: FakeTelegramHTML.Parsed
        switch parseMode?.lowercased() ?? "" {
        case "":
            parsed = .init(text: text.trimmingCharacters(in: .whitespacesAndNewlines), entities: entities?.arrayValue ?? [])
        case "html":
            if forcedHTMLRejections > 0 {
                forcedHTMLRejections -= 1
                return .failure(Failure(.badRequest("can't parse entities: Unsupported start tag \"forced\" at byte offset 0")))
            }
            switch FakeTelegramHTML.parse(text) {
            case .success(let value): parsed = value
            case .failure(let failure): return .failure(Failure(.badRequest("can't parse entities: " + failure.reason)))
            }
        case "markdown", "markdownv2":
            // Not modelled: the gateway speaks HTML. The text is taken as it is.
            parsed = .init(text: text.trimmingCharacters(in: .whitespacesAndNewlines), entities: [])
        default:
            return .failure(Failure(.badRequest("unsupported parse_mode")))
        }
        if parsed.text.isEmpty { return .failure(Failure(.badRequest("message text is empty"))) }
        if parsed.text.unicodeScalars.count > Self.maxTextLength { return .failure(Failure(.badRequest("message is too long"))) }
        return .success(parsed)
    }

    struct Failure: Error {
        var answer: FakeTelegramAnswer
        init(_ answer: FakeTelegramAnswer) { self.answer = answer }
    }

    func chatId(_ params: Params) -> Result<Int64, Failure> {
        switch FakeTelegramParams.chatId(params["chat_id"]) {
        case .missing: return .failure(Failure(.badRequest("chat_id is empty")))
        case .unknown: return .failure(Failure(.badRequest("chat not found")))
        case .id(let id): return .success(id)
        }
    }

    mutating func sendMessage(_ params: Params) -> FakeTelegramAnswer {
        let chatId: Int64
        switch self.chatId(params) {
        case .failure(let failure): return failure.answer
        case .success(let id): chatId = id
        }
        let text = FakeTelegramParams.string(params["text"]) ?? ""
        guard !text.isEmpty else { return .badRequest("message text is empty") }
        let parseMode = FakeTelegramParams.string(params["parse_mode"]).flatMap { $0.isEmpty ? nil : $0 }
        let parsed: FakeTelegramHTML.Parsed
        switch render(text, parseMode: parseMode, entities: FakeTelegramParams.json(params["entities"])) {
        case .failure(let failure): return failure.answer
        case .success(let value): parsed = value
        }
        let replyParameters = FakeTelegramParams.json(params["reply_parameters"])
        var replyTo = FakeTelegramParams.int64(replyParameters?["message_id"]) ?? FakeTelegramParams.int64(params["reply_to_message_id"])
        let allowWithoutReply =
            FakeTelegramParams.bool(replyParameters?["allow_sending_without_reply"])
            || FakeTelegramParams.bool(params["allow_sending_without_reply"])
        if let target = replyTo, known[.init(chatId: chatId, messageId: target)] == nil {
            guard allowWithoutReply else { return .badRequest("message to be replied not found") }
            replyTo = nil
        }
        let threadId = FakeTelegramParams.int64(params["message_thread_id"])
        let messageId = nextMessageId
        nextMessageId += 1
        let key = FakeTelegramState.MessageKey(chatId: chatId, messageId: messageId)
        let message = FakeTelegramMessage(
            chatId: chatId, messageId: messageId, text: text, visibleText: parsed.text, entities: parsed.entities, parseMode: parseMode,
            threadId: threadId, replyToMessageId: replyTo, disableNotification: FakeTelegramParams.bool(params["disable_notification"]),
            replyMarkup: FakeTelegramParams.json(params["reply_markup"]), editedTexts: [], deleted: false, sentAt: .now)
        var json = messageJSON(message, editDate: nil)
        if let options = FakeTelegramParams.json(params["link_preview_options"]) {
            json = json.deepMerged(with: ["link_preview_options": options])
        }
        messages[key] = message
        messageOrder.append(key)
        if messageOrder.count > Self.maxRecords {
            for old in messageOrder.prefix(Self.maxRecords / 10) { messages[old] = nil }
            messageOrder.removeFirst(Self.maxRecords / 10)
        }
        known[key] = FakeTelegramKnownMessage(json: json, fromBot: true)
        return .ok(json)
    }

    mutating func editMessageText(_ params: Params) -> FakeTelegramAnswer {
        if params["inline_message_id"] != nil { return .ok(true) }  // inline messages are not tracked
        let chatId: Int64
        switch self.chatId(params) {
        case .failure(let failure): return failure.answer
        case .success(let id): chatId = id
        }
        guard let messageId = FakeTelegramParams.int64(params["message_id"]) else {
            return .badRequest("message identifier is not specified")
        }
        let text = FakeTelegramParams.string(params["text"]) ?? ""
        guard !text.isEmpty else { return .badRequest("message text is empty") }
        let parseMode = FakeTelegramParams.string(params["parse_mode"]).flatMap { $0.isEmpty ? nil : $0 }
        let parsed: FakeTelegramHTML.Parsed
        switch render(text, parseMode: parseMode, entities: FakeTelegramParams.json(params["entities"])) {
        case .failure(let failure): return failure.answer
        case .success(let value): parsed = value
        }
        let key = FakeTelegramState.MessageKey(chatId: chatId, messageId: messageId)
        guard var message = messages[key], !message.deleted else {
            return known[key] == nil ? .badRequest("message to edit not found") : .badRequest("message can't be edited")
        }
        let markup = FakeTelegramParams.json(params["reply_markup"])
        if parsed.text == message.visibleText, parsed.entities == message.entities, markup == message.replyMarkup {
            return .badRequest(
                "message is not modified: specified new message content and reply markup are exactly the same as a current "
                    + "content and reply markup of the message")
        }
        message.text = text
        message.visibleText = parsed.text
        message.entities = parsed.entities
        message.parseMode = parseMode
        message.replyMarkup = markup
        message.editedTexts.append(text)
        messages[key] = message
        let json = messageJSON(message, editDate: Int(Date().timeIntervalSince1970))
        known[key] = FakeTelegramKnownMessage(json: json, fromBot: true)
        return .ok(json)
    }

    mutating func deleteMessage(_ params: Params) -> FakeTelegramAnswer {
        let chatId: Int64
        switch self.chatId(params) {
        case .failure(let failure): return failure.answer
        case .success(let id): chatId = id
        }
        guard let messageId = FakeTelegramParams.int64(params["message_id"]) else {
            return .badRequest("message identifier is not specified")
        }
        let key = FakeTelegramState.MessageKey(chatId: chatId, messageId: messageId)
        guard known.removeValue(forKey: key) != nil else { return .badRequest("message to delete not found") }
        messages[key]?.deleted = true
        return .ok(true)
    }

    /// The Message object Telegram returns for a message the bot sent.
    func messageJSON(_ message: FakeTelegramMessage, editDate: Int?) -> JSONValue {
        var json: [String: JSONValue] = [
            "message_id": .number(Double(message.messageId)), "from": botUser, "chat": chat(message.chatId),
            "date": .number(Double(Int(Date().timeIntervalSince1970))), "text": .string(message.visibleText),
        ]
        if !message.entities.isEmpty { json["entities"] = .array(message.entities) }
        if let threadId = message.threadId {
            json["message_thread_id"] = .number(Double(threadId))
            if chat(message.chatId)["is_forum"]?.boolValue == true { json["is_topic_message"] = true }
        }
        if let replyTo = message.replyToMessageId, let target = known[.init(chatId: message.chatId, messageId: replyTo)] {
            json["reply_to_message"] = target.json
        }
        if let markup = message.replyMarkup { json["reply_markup"] = markup }
        if let editDate { json["edit_date"] = .number(Double(editDate)) }
        return .object(json)
    }
}

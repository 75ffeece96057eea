import Foundation
import TalonCore

/// Simulating users: updates queued for getUpdates (or posted to the webhook), with the message
/// shapes Telegram sends, and files the bot can fetch.
extension FakeTelegram {
    /// Queues an update, numbering it when `update_id` is missing, and wakes a held long poll.
    /// Returns the update id.
    @discardableResult
    public func push(update: JSONValue) -> Int64 {
        state.state.withLock { $0.push(update) }
    }

    /// A text message from a user. `chatId` defaults to the user's id (a private chat); a group
    /// needs a negative id and `chatType` `group` or `supergroup`. `replyToBot` replies to the
    /// bot's last message in the chat (or a stand-in one). Commands and mentions at word starts
    /// get their `bot_command` / `mention` entities when `entities` is empty, as Telegram adds them.
    @discardableResult
    public func sendText(
        _ text: String, from userId: Int64, username: String? = nil, chatId: Int64? = nil, chatType: String = "private",
        threadId: Int64? = nil, isTopicMessage: Bool = false, replyToBot: Bool = false, entities: [JSONValue] = []
    ) -> Int64 {
        var message = baseMessage(from: userId, username: username, chatId: chatId, chatType: chatType, isForum: isTopicMessage)
        message["text"] = .string(text)
        let found = entities.isEmpty ? Self.detectEntities(text) : entities
        if !found.isEmpty { message["entities"] = .array(found) }
        if let threadId { message["message_thread_id"] = .number(Double(threadId)) }
        if isTopicMessage { message["is_topic_message"] = true }
        if replyToBot { message["reply_to_message"] = lastBotMessage(in: chatId ?? userId, threadId: threadId) }
        return push(update: ["message": .object(message)])
    }

    /// A voice note: registers `fileBytes` and sends `voice {file_id, file_unique_id, duration,
    /// mime_type, file_size}`. `fileSize` claims a size other than the bytes' (to test caps).
    @discardableResult
    public func sendVoice(
        from userId: Int64, chatId: Int64? = nil, fileBytes: Data, durationSeconds: Int = 3, mimeType: String = "audio/ogg",
        fileSize: Int? = nil
    ) -> Int64 {
        let file = state.state.withLock { $0.registerFile(bytes: fileBytes, fileSize: fileSize, kind: "voice", fileExtension: "oga") }
        var message = baseMessage(from: userId, username: nil, chatId: chatId, chatType: "private", isForum: false)
        message["voice"] = [
            "file_id": .string(file.fileId), "file_unique_id": .string(file.fileUniqueId), "duration": .number(Double(durationSeconds)),
            "mime_type": .string(mimeType), "file_size": .number(Double(file.fileSize)),
        ]
        return push(update: ["message": .object(message)])
    }

    /// A photo: Telegram sends several sizes, smallest first; the last one is these bytes.
    @discardableResult
    public func sendPhoto(from userId: Int64, chatId: Int64? = nil, fileBytes: Data, caption: String? = nil, fileSize: Int? = nil)
        -> Int64
    {
        let (thumb, full) = state.state.withLock { state in
            (
                state.registerFile(bytes: fileBytes.prefix(1024), fileSize: nil, kind: "photos", fileExtension: "jpg"),
                state.registerFile(bytes: fileBytes, fileSize: fileSize, kind: "photos", fileExtension: "jpg")
            )
        }
        var message = baseMessage(from: userId, username: nil, chatId: chatId, chatType: "private", isForum: false)
        message["photo"] = [
            Self.photoSize(thumb, width: 90, height: 67), Self.photoSize(full, width: 1280, height: 960),
        ]
        if let caption { message["caption"] = .string(caption) }
        return push(update: ["message": .object(message)])
    }

    /// A document (any file): `document {file_id, file_unique_id, file_name, mime_type, file_size}`.
    @discardableResult
    public func sendDocument(
        from userId: Int64, chatId: Int64? = nil, fileBytes: Data, fileName: String = "file.bin",
        mimeType: String = "application/octet-stream", caption: String? = nil, fileSize: Int? = nil
    ) -> Int64 {
        let ext = fileName.split(separator: ".").last.map(String.init) ?? "bin"
        let file = state.state.withLock { $0.registerFile(bytes: fileBytes, fileSize: fileSize, kind: "documents", fileExtension: ext) }
        var message = baseMessage(from: userId, username: nil, chatId: chatId, chatType: "private", isForum: false)
        message["document"] = [
            "file_id": .string(file.fileId), "file_unique_id": .string(file.fileUniqueId), "file_name": .string(fileName),
            "mime_type": .string(mimeType), "file_size": .number(Double(file.fileSize)),
        ]
        if let caption { message["caption"] = .string(caption) }
        return push(update: ["message": .object(message)])
    }

    /// Makes bytes downloadable via getFile; returns the `file_id`. `fileSize` may claim more than
    /// the bytes (getFile refuses files above 20 MB, as Telegram does).
    @discardableResult
    public func registerFile(bytes: Data, fileSize: Int? = nil) -> String {
        state.state.withLock { $0.registerFile(bytes: bytes, fileSize: fileSize, kind: "documents", fileExtension: "bin").fileId }
    }

    // MARK: - Webhook

    /// POSTs an update to the URL of the last setWebhook, as Telegram does, with
    /// `X-Telegram-Bot-Api-Secret-Token: secret` when `secret` is non-nil. Returns the HTTP status;
    /// a non-2xx one shows in getWebhookInfo's `last_error_message`.
    public func deliverToWebhook(update: JSONValue, secret: String?) async throws -> Int {
        guard let url = webhookURL, let target = URL(string: url), let host = target.host else {
            throw ProbeError("no webhook is set")
        }
        guard target.scheme?.lowercased() == "http" else { throw ProbeError("the fake delivers over plain HTTP only: \(url)") }
        var numbered = update
        if update["update_id"] == nil {
            let id = state.state.withLock { state in
                defer { state.nextUpdateId += 1 }
                return state.nextUpdateId
            }
            numbered = update.deepMerged(with: ["update_id": .number(Double(id))])
        }
        var headers = ["Content-Type": "application/json"]
        if let secret { headers["X-Telegram-Bot-Api-Secret-Token"] = secret }
        let path = (target.path.isEmpty ? "/" : target.path) + (target.query.map { "?" + $0 } ?? "")
        let probe = HTTPProbe(host: host == "localhost" ? "127.0.0.1" : host, port: target.port ?? 80)
        let response = try await probe.request("POST", path, headers: headers, body: Data(numbered.serialized().utf8))
        if !(200..<300).contains(response.status) {
            state.state.withLock { state in
                state.webhook?.lastErrorDate = Int(Date().timeIntervalSince1970)
                state.webhook?.lastErrorMessage = "Wrong response from the webhook: \(response.status)"
            }
        }
        return response.status
    }

    /// Delivers with the secret given to the last setWebhook.
    public func deliverToWebhook(update: JSONValue) async throws -> Int {
        try await deliverToWebhook(update: update, secret: webhookSecret)
    }

    // MARK: - Shapes

    private func baseMessage(from userId: Int64, username: String?, chatId: Int64?, chatType: String, isForum: Bool)
        -> [String: JSONValue]
    {
        var user: [String: JSONValue] = [
            "id": .number(Double(userId)), "is_bot": false, "first_name": .string("User \(userId)"), "language_code": "en",
        ]
        if let username { user["username"] = .string(username) }
        let id = chatId ?? userId
        var chat: [String: JSONValue] = ["id": .number(Double(id)), "type": .string(chatType)]
        if chatType == "private" {
            chat["first_name"] = user["first_name"]
            if let username { chat["username"] = .string(username) }
        } else {
            chat["title"] = .string("Chat \(id)")
            if isForum { chat["is_forum"] = true }
        }
        let messageId = state.state.withLock { state in
            defer { state.nextMessageId += 1 }
            return state.nextMessageId
        }
        return [
            "message_id": .number(Double(messageId)), "from": .object(user), "chat": .object(chat),
            "date": .number(Double(Int(Date().timeIntervalSince1970))),
        ]
    }

    private func lastBotMessage(in chatId: Int64, threadId: Int64?) -> JSONValue {
        state.state.withLock { state in
            let last = state.messageOrder.last { $0.chatId == chatId && state.messages[$0]?.deleted == false }
            if let last, let known = state.known[last] { return known.json }
            // Replying to a message the fake never saw: a plausible earlier bot message.
            let stand = FakeTelegramMessage(
                chatId: chatId, messageId: max(1, state.nextMessageId - 1), text: "…", visibleText: "…", entities: [], parseMode: nil,
                threadId: threadId, replyToMessageId: nil, disableNotification: false, replyMarkup: nil, editedTexts: [], deleted: false,
                sentAt: .now)
            return state.messageJSON(stand, editDate: nil)
        }
    }

    private static func photoSize(_ file: FakeTelegramFile, width: Int, height: Int) -> JSONValue {
        [
            "file_id": .string(file.fileId), "file_unique_id": .string(file.fileUniqueId), "file_size": .number(Double(file.fileSize)),
            "width": .number(Double(width)), "height": .number(Double(height)),
        ]
    }

    /// `/command[@bot]` and `@username` at word starts, with UTF-16 offsets.
    static func detectEntities(_ text: String) -> [JSONValue] {
        var entities: [JSONValue] = []
        var offset = 0
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if previous.isWhitespace, character == "/" || character == "@" {
                let word = text[index...].prefix { !$0.isWhitespace }
                let name = word.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || (character == "/" && $0 == "@") }
                if !name.isEmpty, name.first != "@" {
                    let length = 1 + name.utf16.count
                    let type = character == "/" ? "bot_command" : "mention"
                    entities.append(["type": .string(type), "offset": .number(Double(offset)), "length": .number(Double(length))])
                }
            }
            offset += character.utf16.count
            previous = character
            index = text.index(after: index)
        }
        return entities
    }
}

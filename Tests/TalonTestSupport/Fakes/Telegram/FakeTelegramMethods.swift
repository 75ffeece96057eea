import Foundation
import TalonCore

/// The synchronous Bot API methods (everything but the long poll), answered under the state lock.
extension FakeTelegramState.State {
    /// Canonical spellings by lowercased name: the real server matches method names case-insensitively.
    static let methods: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "getMe", "getUpdates", "sendMessage", "editMessageText", "deleteMessage", "sendChatAction", "setMyCommands",
            "getMyCommands", "deleteMyCommands", "getFile", "setWebhook", "deleteWebhook", "getWebhookInfo",
        ].map { ($0.lowercased(), $0) })

    static let chatActions: Set<String> = [
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
        "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    ]

    /// Telegram refuses `getFile` above 20 MB.
    static let maxDownloadSize = 20 * 1024 * 1024

    mutating func answer(_ method: String, _ params: Params) -> FakeTelegramAnswer {
        switch method {
        case "getMe":
            return .ok(
                botUser.deepMerged(with: [
                    "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
                    "can_connect_to_business": false, "has_main_web_app": false,
                ]))
        case "sendMessage": return sendMessage(params)
        case "editMessageText": return editMessageText(params)
        case "deleteMessage": return deleteMessage(params)
        case "sendChatAction": return sendChatAction(params)
        case "setMyCommands": return setMyCommands(params)
        case "getMyCommands": return .ok(commands[commandsKey(params)] ?? [])
        case "deleteMyCommands":
            commands[commandsKey(params)] = nil
            return .ok(true)
        case "getFile": return getFile(params)
        case "setWebhook": return setWebhook(params)
        case "deleteWebhook": return deleteWebhook(params)
        case "getWebhookInfo": return webhookInfo()
        default: return .notFound
        }
    }

    private func sendChatAction(_ params: Params) -> FakeTelegramAnswer {
        if case .failure(let failure) = chatId(params) { return failure.answer }
        guard let action = FakeTelegramParams.string(params["action"]), !action.isEmpty else {
            return .badRequest("parameter \"action\" is required")
        }
        guard Self.chatActions.contains(action) else { return .badRequest("wrong parameter action in request") }
        return .ok(true)
    }

    /// Commands are kept per scope type and language, as Telegram keeps them.
    private func commandsKey(_ params: Params) -> String {
        let scope = FakeTelegramParams.json(params["scope"])?["type"]?.stringValue ?? "default"
        return scope + "|" + (FakeTelegramParams.string(params["language_code"]) ?? "")
    }

    private mutating func setMyCommands(_ params: Params) -> FakeTelegramAnswer {
        guard let list = FakeTelegramParams.json(params["commands"])?.arrayValue else {
            return .badRequest("parameter \"commands\" is required")
        }
        guard list.count <= 100 else { return .badRequest("BOT_COMMANDS_TOO_MUCH") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        for entry in list {
            guard let command = entry["command"]?.stringValue, (1...32).contains(command.count), command.allSatisfy(allowed.contains)
            else { return .badRequest("BOT_COMMAND_INVALID") }
            guard let description = entry["description"]?.stringValue, (1...256).contains(description.count) else {
                return .badRequest("command description is empty")
            }
        }
        commands[commandsKey(params)] = .array(list)
        return .ok(true)
    }

    // MARK: Files

    /// Registers bytes as a downloadable file; `kind` picks the folder of its `file_path`.
    mutating func registerFile(bytes: Data, fileSize: Int?, kind: String, fileExtension: String) -> FakeTelegramFile {
        let number = nextFileNumber
        nextFileNumber += 1
        // Real ids are opaque base64url strings; these keep that alphabet and are unique per fake.
        let fileId = "AgACAgQAAxkBAAI\(String(format: "%06d", number))TalonFake_\(kind)"
        let file = FakeTelegramFile(
            fileId: fileId, fileUniqueId: "AQAD\(String(format: "%06d", number))", fileSize: fileSize ?? bytes.count,
            filePath: "\(kind)/file_\(number).\(fileExtension)", bytes: bytes)
        files[fileId] = file
        filePaths[file.filePath] = fileId
        return file
    }

    private func getFile(_ params: Params) -> FakeTelegramAnswer {
        guard let fileId = FakeTelegramParams.string(params["file_id"]), let file = files[fileId] else {
            return .badRequest("invalid file_id")
        }
        guard file.fileSize <= Self.maxDownloadSize else { return .badRequest("file is too big") }
        return .ok([
            "file_id": .string(file.fileId), "file_unique_id": .string(file.fileUniqueId), "file_size": .number(Double(file.fileSize)),
            "file_path": .string(file.filePath),
        ])
    }

    // MARK: Webhook

    private mutating func setWebhook(_ params: Params) -> FakeTelegramAnswer {
        let url = FakeTelegramParams.string(params["url"]) ?? ""
        if url.isEmpty { return deleteWebhook(params) }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return .badRequest("bad webhook: Failed to resolve host: Name or service not known")
        }
        let secret = FakeTelegramParams.string(params["secret_token"]).flatMap { $0.isEmpty ? nil : $0 }
        if let secret {
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            guard secret.count <= 256, secret.allSatisfy(allowed.contains) else {
                return .badRequest("secret token contains unallowed characters")
            }
        }
        if let allowed = FakeTelegramParams.json(params["allowed_updates"])?.arrayValue {
            allowedUpdates = allowed.compactMap(\.stringValue)
        }
        if FakeTelegramParams.bool(params["drop_pending_updates"]) { updates.removeAll() }
        let maxConnections = FakeTelegramParams.int64(params["max_connections"]).map { Int(min(max($0, 1), 100)) } ?? 40
        let unchanged = webhook?.url == url && webhook?.secret == secret
        webhook = FakeTelegramState.Webhook(url: url, secret: secret, maxConnections: maxConnections)
        // A long poll in flight ends the way a new one would find it: in conflict with the webhook.
        wakePoller(.webhookSet)
        return .ok(true, description: unchanged ? "Webhook is already set" : "Webhook was set")
    }

    private mutating func deleteWebhook(_ params: Params) -> FakeTelegramAnswer {
        if FakeTelegramParams.bool(params["drop_pending_updates"]) { updates.removeAll() }
        let existed = webhook != nil
        webhook = nil
        return .ok(true, description: existed ? "Webhook was deleted" : "Webhook is already deleted")
    }

    private func webhookInfo() -> FakeTelegramAnswer {
        var info: [String: JSONValue] = [
            "url": .string(webhook?.url ?? ""), "has_custom_certificate": false, "pending_update_count": .number(Double(updates.count)),
        ]
        if let webhook {
            info["max_connections"] = .number(Double(webhook.maxConnections))
            info["ip_address"] = "127.0.0.1"
            if let date = webhook.lastErrorDate { info["last_error_date"] = .number(Double(date)) }
            if let message = webhook.lastErrorMessage { info["last_error_message"] = .string(message) }
        }
        if !allowedUpdates.isEmpty { info["allowed_updates"] = .array(allowedUpdates.map { .string($0) }) }
        return .ok(.object(info))
    }
}

import TalonCore

/// A file attached to a message (voice note, audio, photo, document).
struct TelegramFileRef: Sendable, Hashable {
    enum Kind: String, Sendable { case voice, audio, photo, document }
    var kind: Kind
    var fileId: String
    var fileSize: Int?
    var mimeType: String?
}

/// The parts of an update the channel acts on (`message` updates only).
struct TelegramMessage: Sendable, Hashable {
    var updateId: Int64
    var messageId: Int64
    var chatId: Int64
    var chatType: String
    var senderId: Int64?
    var senderUsername: String?
    var senderName: String
    /// Text, or the caption of a media message.
    var text: String
    /// Forum topic, when the message was posted in one.
    var topicId: Int64?
    var replyToUserId: Int64?
    var file: TelegramFileRef?

    var isGroup: Bool { chatType == "group" || chatType == "supergroup" }

    init?(update: JSONValue) {
        guard let updateId = update["update_id"]?.doubleValue.map(Int64.init), let message = update["message"],
            let chat = message["chat"], let chatId = chat["id"]?.doubleValue.map(Int64.init)
        else { return nil }
        self.updateId = updateId
        self.messageId = message["message_id"]?.doubleValue.map(Int64.init) ?? 0
        self.chatId = chatId
        self.chatType = chat["type"]?.stringValue ?? "private"
        let from = message["from"]
        self.senderId = from?["id"]?.doubleValue.map(Int64.init)
        self.senderUsername = from?["username"]?.stringValue
        let first = from?["first_name"]?.stringValue ?? ""
        let last = from?["last_name"]?.stringValue ?? ""
        let name = [first, last].filter { !$0.isEmpty }.joined(separator: " ")
        self.senderName = name.isEmpty ? (senderUsername ?? senderId.map(String.init) ?? "someone") : name
        self.text = message["text"]?.stringValue ?? message["caption"]?.stringValue ?? ""
        if message["is_topic_message"]?.boolValue == true {
            self.topicId = message["message_thread_id"]?.doubleValue.map(Int64.init)
        }
        self.replyToUserId = message["reply_to_message"]?["from"]?["id"]?.doubleValue.map(Int64.init)
        self.file = Self.file(in: message)
    }

    private static func file(in message: JSONValue) -> TelegramFileRef? {
        func ref(_ kind: TelegramFileRef.Kind, _ value: JSONValue?) -> TelegramFileRef? {
            guard let value, let id = value["file_id"]?.stringValue else { return nil }
            return TelegramFileRef(
                kind: kind, fileId: id, fileSize: value["file_size"]?.intValue, mimeType: value["mime_type"]?.stringValue)
        }
        if let voice = ref(.voice, message["voice"]) { return voice }
        if let audio = ref(.audio, message["audio"]) { return audio }
        // Photo sizes come smallest first; the largest is the useful one.
        if let largest = message["photo"]?.arrayValue?.last, var photo = ref(.photo, largest) {
            photo.mimeType = photo.mimeType ?? "image/jpeg"
            return photo
        }
        return ref(.document, message["document"])
    }
}

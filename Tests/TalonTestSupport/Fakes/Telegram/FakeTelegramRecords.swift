import Foundation
import TalonCore

/// One Bot API call the fake answered (or is still holding, for a long poll), for assertions.
public struct FakeTelegramCall: Sendable, Hashable {
    /// The method's canonical spelling (`sendMessage`, even when the client wrote `sendmessage`);
    /// an unknown method keeps the client's spelling.
    public var method: String
    /// Every parameter, merged from the query string and the body. Form and multipart values are
    /// strings as sent; JSON bodies keep their types.
    public var params: JSONValue
    public var at: ContinuousClock.Instant
    /// The HTTP status answered; 0 while a long poll is still held.
    public var status: Int
    /// The `description` of an error answer.
    public var errorDescription: String?
    public var httpMethod: String
    public var contentType: String?

    /// A parameter as an integer, whether it came as a JSON number or a form string.
    public func int64(_ name: String) -> Int64? { FakeTelegramParams.int64(params[name]) }
    /// A parameter as text (a JSON number is rendered).
    public func string(_ name: String) -> String? { FakeTelegramParams.string(params[name]) }
    /// A parameter that Telegram takes JSON-serialized (`reply_parameters`, `commands`, …), decoded.
    public func json(_ name: String) -> JSONValue? { FakeTelegramParams.json(params[name]) }
}

/// A message the bot sent through the fake, with its edit history.
public struct FakeTelegramMessage: Sendable, Hashable {
    public var chatId: Int64
    public var messageId: Int64
    /// The current text exactly as the client sent it (HTML markup included).
    public var text: String
    /// What a user sees: `text` after entity parsing and trimming.
    public var visibleText: String
    /// The entities Telegram derived from the markup (`type`, `offset`, `length` in UTF-16 units, …).
    public var entities: [JSONValue]
    public var parseMode: String?
    public var threadId: Int64?
    public var replyToMessageId: Int64?
    public var disableNotification: Bool
    public var replyMarkup: JSONValue?
    /// Texts applied by successful `editMessageText` calls, oldest first (the last equals `text`).
    public var editedTexts: [String]
    public var deleted: Bool
    public var sentAt: ContinuousClock.Instant
}

/// A file the fake can serve through `getFile` and `/file/bot<token>/<file_path>`.
public struct FakeTelegramFile: Sendable, Hashable {
    public var fileId: String
    public var fileUniqueId: String
    /// The size Telegram claims (may exceed `bytes.count`, to test size caps without the bytes).
    public var fileSize: Int
    public var filePath: String
    public var bytes: Data
}

/// Internal record of a message the fake knows (sent by the bot or pushed inbound).
struct FakeTelegramKnownMessage {
    var json: JSONValue
    var fromBot: Bool
}

/// A scripted error answer consumed by the next call(s) of a method (`*` matches any method).
struct FakeTelegramFault {
    var method: String
    var remaining: Int
    var errorCode: Int
    var description: String
    var retryAfter: Int?
}

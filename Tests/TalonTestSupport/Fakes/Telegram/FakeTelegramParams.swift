import Foundation
import TalonCore

/// Reading Bot API parameters the way the real server does: from the query string and from a JSON,
/// `application/x-www-form-urlencoded` or `multipart/form-data` body, with values typed loosely
/// (`"42"` is as good as `42`, a JSON-serialized object as good as an object).
enum FakeTelegramParams {
    /// Merges the query string and the body; body values win, as they come later.
    static func parse(query: String?, contentType: String?, body: [UInt8]) -> [String: JSONValue] {
        var params: [String: JSONValue] = [:]
        if let query { params.merge(formDecode(query).mapValues { .string($0) }) { _, new in new } }
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("multipart/form-data") {
            for part in FakeMultipart.parse(body, contentType: contentType ?? "") {
                if let filename = part.filename {
                    // Uploaded files are summarized; tests assert on names and sizes, not bytes.
                    params[part.name] = ["filename": .string(filename), "size": .number(Double(part.data.count))]
                } else {
                    params[part.name] = .string(String(decoding: part.data, as: UTF8.self))
                }
            }
        } else if type.hasPrefix("application/x-www-form-urlencoded") {
            params.merge(formDecode(String(decoding: body, as: UTF8.self)).mapValues { .string($0) }) { _, new in new }
        } else if !body.isEmpty, case .object(let members)? = try? JSON5.parse(String(decoding: body, as: UTF8.self)) {
            // JSON is the default: Telegram reads a body without a content type as JSON too.
            params.merge(members) { _, new in new }
        }
        return params
    }

    /// Decodes `a=1&b=x+y%21` (plus means space, as in HTML forms).
    static func formDecode(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decodeComponent(parts[0])
            result[key] = parts.count > 1 ? decodeComponent(parts[1]) : ""
        }
        return result
    }

    private static func decodeComponent(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func int64(_ value: JSONValue?) -> Int64? {
        switch value {
        case .number(let number)?: return Int64(exactly: number)
        case .string(let text)?: return Int64(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    static func string(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .number?, .bool?: return value?.serialized()
        default: return nil
        }
    }

    static func bool(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .string(let text)?: return ["true", "1"].contains(text.lowercased())
        case .number(let number)?: return number != 0
        default: return false
        }
    }

    /// Objects and arrays as they are; strings holding JSON decoded (form bodies serialize them).
    static func json(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .object?, .array?: return value
        case .string(let text)?: return try? JSON5.parse(text)
        default: return nil
        }
    }

    /// `chat_id` is an integer or `@channelusername`; the fake only knows numeric chats.
    enum ChatId {
        case missing
        case id(Int64)
        case unknown
    }

    static func chatId(_ value: JSONValue?) -> ChatId {
        guard let value, let text = string(value), !text.isEmpty else { return .missing }
        return Int64(text).map { .id($0) } ?? .unknown
    }
}

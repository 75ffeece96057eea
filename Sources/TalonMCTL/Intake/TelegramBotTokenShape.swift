import Foundation

/// The shape of a Telegram bot token, `<bot id>:<secret>`: 1–20 digits, a colon, exactly 35
/// characters of `[A-Za-z0-9_-]`. Only the shape is checked (no call to Telegram); surrounding
/// whitespace (a pasted newline) is trimmed first.
enum TelegramBotTokenShape {
    static let secretLength = 35

    /// The trimmed token when its shape is right, else nil.
    static func normalized(_ raw: String) -> String? {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(token.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let id = bytes[..<colon]
        let secret = bytes[(colon + 1)...]
        guard (1...20).contains(id.count), id.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            secret.count == secretLength, secret.allSatisfy(isSecretByte)
        else { return nil }
        return token
    }

    static func isValid(_ raw: String) -> Bool { normalized(raw) != nil }

    private static func isSecretByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

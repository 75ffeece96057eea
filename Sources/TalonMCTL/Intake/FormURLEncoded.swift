/// `application/x-www-form-urlencoded` bodies (WHATWG URL §5.1): `&`-separated `name=value`
/// pairs, `+` for space, percent-escapes decoded as UTF-8 (invalid sequences replaced, malformed
/// escapes kept literally, as browsers do).
enum FormURLEncoded {
    /// The intake form's fields are a few short strings; bigger bodies are refused (413) unread.
    static let maxBodyBytes = 8 * 1024

    /// All pairs in order, duplicates kept.
    static func parsePairs(_ body: String) -> [(name: String, value: String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return (decode(part[..<equals]), decode(part[part.index(after: equals)...]))
            }
            return (decode(part), "")
        }
    }

    /// Name → value; for a repeated name the FIRST value wins, so a field appended after the
    /// form's own (by a proxy or an injected suffix) cannot override it.
    static func parse(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in parsePairs(body) where fields[name] == nil { fields[name] = value }
        return fields
    }

    static func decode(_ text: Substring) -> String {
        var bytes = [UInt8]()
        let input = Array(text.utf8)
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count, let high = hexValue(input[index + 1]),
                let low = hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

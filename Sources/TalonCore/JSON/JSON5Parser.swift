/// A JSON5 syntax error with a 1-based line and column (columns count Unicode scalars).
public struct JSON5SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// JSON5 reader. Our own parser rather than `JSONDecoder.allowsJSON5`, whose errors carry no position.
/// Duplicate keys: the last one wins, as with upstream's `JSON5.parse`.
public enum JSON5 {
    public static func parse(_ text: String) throws(JSON5SyntaxError) -> JSONValue {
        var parser = JSON5Parser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// Parses UTF-8 bytes as they came off the wire (invalid sequences read as U+FFFD, as `String(decoding:)` does).
    public static func parse(utf8 bytes: [UInt8]) throws(JSON5SyntaxError) -> JSONValue {
        var parser = JSON5Parser(bytes: bytes)
        return try parser.parseDocument()
    }
}

struct JSON5Parser {
    let bytes: [UInt8]
    var index = 0
    /// Bounds recursion so a hostile file cannot overflow the stack.
    static let maxDepth = 256

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    mutating func parseDocument() throws(JSON5SyntaxError) -> JSONValue {
        try skipTrivia()
        guard index < bytes.count else { throw error("empty document, expected a value") }
        let value = try parseValue(depth: 0)
        try skipTrivia()
        guard index == bytes.count else { throw error("unexpected \(describeCurrent()) after the end of the document") }
        return value
    }

    mutating func parseValue(depth: Int) throws(JSON5SyntaxError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseKeyword("true", .bool(true))
        case UInt8(ascii: "f"): return try parseKeyword("false", .bool(false))
        case UInt8(ascii: "n"): return try parseKeyword("null", .null)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "I"), UInt8(ascii: "N"):
            return .number(try parseNumber())
        default:
            throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSON5SyntaxError) -> JSONValue {
        let start = index
        guard depth <= JSON5Parser.maxDepth else { throw error("nesting deeper than \(JSON5Parser.maxDepth) levels") }
        index += 1
        var members: [String: JSONValue] = [:]
        while true {
            try skipTrivia()
            guard let byte = current else { throw error("unterminated object (opened at \(positionText(start)))") }
            if byte == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            let key = try parseKey()
            try skipTrivia()
            guard current == UInt8(ascii: ":") else {
                throw error("expected ':' after key \"\(key)\", found \(describeCurrent())")
            }
            index += 1
            try skipTrivia()
            members[key] = try parseValue(depth: depth)
            try skipTrivia()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): continue
            case nil: throw error("unterminated object (opened at \(positionText(start)))")
            default: throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSON5SyntaxError) -> JSONValue {
        let start = index
        guard depth <= JSON5Parser.maxDepth else { throw error("nesting deeper than \(JSON5Parser.maxDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        while true {
            try skipTrivia()
            guard let byte = current else { throw error("unterminated array (opened at \(positionText(start)))") }
            if byte == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.append(try parseValue(depth: depth))
            try skipTrivia()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): continue
            case nil: throw error("unterminated array (opened at \(positionText(start)))")
            default: throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseKey() throws(JSON5SyntaxError) -> String {
        guard let byte = current else { throw error("unexpected end of input, expected a key") }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return try parseString() }
        guard JSON5Parser.isIdentifierStart(byte) else {
            throw error("expected a key or '}', found \(describeCurrent())")
        }
        let start = index
        while let next = current, JSON5Parser.isIdentifierPart(next) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseKeyword(_ word: String, _ value: JSONValue) throws(JSON5SyntaxError) -> JSONValue {
        let expected = Array(word.utf8)
        let end = index + expected.count
        guard end <= bytes.count, Array(bytes[index..<end]) == expected,
            end == bytes.count || !JSON5Parser.isIdentifierPart(bytes[end])
        else { throw error("unexpected \(describeCurrent()), expected a value") }
        index = end
        return value
    }

    // MARK: - Characters

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "$"):
            true
        default:
            byte >= 0x80  // Non-ASCII letters are valid in ES5 identifier names.
        }
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Skips whitespace (including Unicode space separators and the BOM) and both comment forms.
    mutating func skipTrivia() throws(JSON5SyntaxError) {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                index += 1
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while let next = current, next != 0x0A, next != 0x0D { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) { index += 1 }
                guard index < bytes.count else { throw error("unterminated block comment", at: start) }
                index += 2
            case 0x80...:
                guard let (scalar, length) = scalar(at: index), JSON5Parser.isUnicodeSpace(scalar) else { return }
                index += length
            default:
                return
            }
        }
    }

    static func isUnicodeSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{FEFF}" || scalar == "\u{2028}" || scalar == "\u{2029}"
            || scalar.properties.generalCategory == .spaceSeparator
    }

    /// Decodes the UTF-8 scalar starting at `offset`, with its length in bytes.
    func scalar(at offset: Int) -> (Unicode.Scalar, Int)? {
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, UTF8.width(scalar))
    }

    // MARK: - Errors

    func describeCurrent() -> String {
        guard let byte = current else { return "end of input" }
        switch byte {
        case 0x0A, 0x0D: return "line break"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x80...:
            guard let (scalar, _) = scalar(at: index) else { return "invalid UTF-8" }
            return "'\(scalar)' (U+\(String(scalar.value, radix: 16, uppercase: true)))"
        default:
            return "U+" + String(repeating: "0", count: byte < 0x10 ? 3 : 2) + String(byte, radix: 16, uppercase: true)
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSON5SyntaxError {
        let (line, column) = position(of: offset ?? index)
        return JSON5SyntaxError(line: line, column: column, message: message)
    }

    func positionText(_ offset: Int) -> String {
        let (line, column) = position(of: offset)
        return "line \(line), column \(column)"
    }

    /// 1-based line and column of a byte offset; `\n`, `\r\n` and a lone `\r` each end a line.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var cursor = 0
        let end = min(offset, bytes.count)
        while cursor < end {
            let byte = bytes[cursor]
            if byte == 0x0A || (byte == 0x0D && (cursor + 1 >= bytes.count || bytes[cursor + 1] != 0x0A)) {
                line += 1
                lineStart = cursor + 1
            }
            cursor += 1
        }
        // Count scalars, not bytes: skip UTF-8 continuation bytes.
        let column = bytes[lineStart..<end].reduce(1) { count, byte in byte & 0xC0 == 0x80 ? count : count + 1 }
        return (line, column)
    }
}

extension JSON5Parser {
    /// A single- or double-quoted string with JSON5 escapes (`\x41`, `\u0041`, `\v`, `\0`, escaped line breaks).
    mutating func parseString() throws(JSON5SyntaxError) -> String {
        let quote = bytes[index]
        let start = index
        index += 1
        // Most strings have no escapes: find the closing quote and decode the run in one step.
        var end = index
        while end < bytes.count, bytes[end] != quote, bytes[end] != UInt8(ascii: "\\"), bytes[end] != 0x0A, bytes[end] != 0x0D {
            end += 1
        }
        if end < bytes.count, bytes[end] == quote {
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }
        var buffer = Array(bytes[index..<end])
        index = end
        while true {
            guard let byte = current else { throw error("unterminated string", at: start) }
            if byte == quote {
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            }
            switch byte {
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x0A, 0x0D:
                throw error("line break inside a string (write \\n, or end the line with a backslash)")
            default:
                buffer.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSON5SyntaxError) {
        let start = index
        index += 1
        guard let byte = current else { throw error("unterminated string", at: start) }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "v"): buffer.append(0x0B)
        case UInt8(ascii: "0"):
            if let next = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                throw error("octal escapes are not allowed", at: start)
            }
            buffer.append(0)
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'", at: start)
        case UInt8(ascii: "x"):
            let value = try readHex(count: 2, escapeStart: start)
            JSON5Parser.append(scalarValue: value, to: &buffer)
        case UInt8(ascii: "u"):
            try parseUnicodeEscape(into: &buffer, escapeStart: start)
        case 0x0A:
            break  // Line continuation.
        case 0x0D:
            if current == 0x0A { index += 1 }
        case 0xE2 where peek(0) == 0x80 && (peek(1) == 0xA8 || peek(1) == 0xA9):
            index += 2  // U+2028 / U+2029 continuation.
        default:
            buffer.append(byte)  // Any other escaped character stands for itself; trailing UTF-8 bytes follow as usual.
        }
    }

    private mutating func parseUnicodeEscape(into buffer: inout [UInt8], escapeStart: Int) throws(JSON5SyntaxError) {
        let unit = try readHex(count: 4, escapeStart: escapeStart)
        guard (0xD800...0xDBFF).contains(unit) else {
            JSON5Parser.append(scalarValue: unit, to: &buffer)
            return
        }
        // A high surrogate pairs with a following \uDC00-\uDFFF; a lone surrogate becomes U+FFFD.
        if current == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") {
            let save = index
            index += 2
            let low = try readHex(count: 4, escapeStart: save)
            if (0xDC00...0xDFFF).contains(low) {
                JSON5Parser.append(scalarValue: 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), to: &buffer)
                return
            }
            index = save
        }
        JSON5Parser.append(scalarValue: 0xFFFD, to: &buffer)
    }

    private mutating func readHex(count: Int, escapeStart: Int) throws(JSON5SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let byte = current, let digit = JSON5Parser.hexValue(byte) else {
                throw error("invalid escape: expected \(count) hex digits", at: escapeStart)
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    static func append(scalarValue: UInt32, to buffer: inout [UInt8]) {
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        buffer.append(contentsOf: String(scalar).utf8)
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Decimal (`1`, `-2.5e3`, `.5`, `5.`), hexadecimal (`0x1F`), signed with `+` or `-`, `Infinity`, `NaN`.
    mutating func parseNumber() throws(JSON5SyntaxError) -> Double {
        let start = index
        var sign = 1.0
        if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
            if current == UInt8(ascii: "-") { sign = -1 }
            index += 1
        }
        if current == UInt8(ascii: "I") || current == UInt8(ascii: "N") {
            let word = current == UInt8(ascii: "I") ? "Infinity" : "NaN"
            try parseWord(word)
            return word == "NaN" ? .nan : sign * .infinity
        }
        if current == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
            index += 2
            var value = 0.0
            var digits = 0
            while let byte = current, let digit = JSON5Parser.hexValue(byte) {
                value = value * 16 + Double(digit)
                digits += 1
                index += 1
            }
            guard digits > 0 else { throw error("hexadecimal number without digits", at: start) }
            try checkNumberEnd()
            return sign * value
        }
        var text = sign < 0 ? "-" : ""
        let integerStart = index
        while JSON5Parser.isDigit(current) { index += 1 }
        let integerDigits = String(decoding: bytes[integerStart..<index], as: UTF8.self)
        if integerDigits.count > 1, integerDigits.hasPrefix("0") { throw error("leading zeros are not allowed", at: start) }
        var fractionDigits = ""
        if current == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while JSON5Parser.isDigit(current) { index += 1 }
            fractionDigits = String(decoding: bytes[fractionStart..<index], as: UTF8.self)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else {
            throw error("invalid number, expected a digit", at: start)
        }
        text += integerDigits.isEmpty ? "0" : integerDigits
        if !fractionDigits.isEmpty { text += "." + fractionDigits }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            var exponent = "e"
            if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
                exponent += current == UInt8(ascii: "-") ? "-" : "+"
                index += 1
            }
            let exponentStart = index
            while JSON5Parser.isDigit(current) { index += 1 }
            guard index > exponentStart else { throw error("invalid number, expected exponent digits", at: start) }
            text += exponent + String(decoding: bytes[exponentStart..<index], as: UTF8.self)
        }
        try checkNumberEnd()
        guard let value = Double(text) else { throw error("invalid number", at: start) }
        return value
    }

    private mutating func parseWord(_ word: String) throws(JSON5SyntaxError) {
        let expected = Array(word.utf8)
        let end = index + expected.count
        guard end <= bytes.count, Array(bytes[index..<end]) == expected else {
            throw error("unexpected \(describeCurrent()), expected a value")
        }
        index = end
        try checkNumberEnd()
    }

    /// A number must not run straight into letters or digits (`12px`, `0x1G`).
    private func checkNumberEnd() throws(JSON5SyntaxError) {
        guard let byte = current, JSON5Parser.isIdentifierPart(byte) || byte == UInt8(ascii: ".") else { return }
        throw error("unexpected \(describeCurrent()) in number")
    }
}

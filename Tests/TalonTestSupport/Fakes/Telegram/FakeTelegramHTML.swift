import Foundation
import TalonCore

/// Telegram's `parse_mode=HTML`, modelled on TDLib's parser: the same tags, the same error texts
/// with UTF-8 byte offsets, and the entities (UTF-16 offsets) a client would get back. One rule is
/// stricter than TDLib, on purpose: an `&` that starts no entity is an error here (TDLib keeps it as
/// text), so a gateway that forgets to escape `&` is caught.
enum FakeTelegramHTML {
    struct Parsed: Equatable {
        var text: String
        var entities: [JSONValue]
    }

    struct Failure: Error, Equatable {
        var reason: String
    }

    static let tags: Set<String> = [
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code",
        "blockquote",
    ]

    private struct Open {
        var tag: String
        var argument: String
        var utf16Offset: Int
        var outputStart: Int
    }

    static func parse(_ html: String) -> Result<Parsed, Failure> {
        let input = Array(html.utf8)
        func at(_ index: Int) -> UInt8 { index < input.count ? input[index] : 0 }
        var output: [UInt8] = []
        var utf16 = 0
        var stack: [Open] = []
        var entities: [JSONValue] = []
        var codeLanguages: [Int: String] = [:]  // entity index → language of a <code class="language-…">
        var i = 0
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "&") {
                guard case (let scalar, let next)? = decodeEntity(input, at: i) else {
                    return .failure(Failure(reason: "Character \"&\" must start an HTML entity at byte offset \(i)"))
                }
                if (0xD800...0xDFFF).contains(scalar) {
                    return .failure(
                        Failure(
                            reason: "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
                                + "surrogate code units"))
                }
                guard let unicode = Unicode.Scalar(scalar) else { return .failure(Failure(reason: "Invalid character entity")) }
                output.append(contentsOf: Array(String(Character(unicode)).utf8))
                utf16 += scalar > 0xFFFF ? 2 : 1
                i = next
                continue
            }
            if byte != UInt8(ascii: "<") {
                if byte & 0xC0 != 0x80 { utf16 += byte >= 0xF0 ? 2 : 1 }
                output.append(byte)
                i += 1
                continue
            }
            let begin = i
            i += 1
            if at(i) != UInt8(ascii: "/") {
                switch readStartTag(input, begin: begin, cursor: &i) {
                case .failure(let failure): return .failure(failure)
                case .success(let (tag, argument)):
                    stack.append(Open(tag: tag, argument: argument, utf16Offset: utf16, outputStart: output.count))
                }
                i += 1
                continue
            }
            guard let open = stack.last else { return .failure(Failure(reason: "Unexpected end tag at byte offset \(begin)")) }
            i += 1
            let nameStart = i
            while !isSpace(at(i)), at(i) != UInt8(ascii: ">") { i += 1 }
            let endName = String(decoding: input[nameStart..<min(i, input.count)], as: UTF8.self).lowercased()
            while at(i) != 0, isSpace(at(i)) { i += 1 }
            guard at(i) == UInt8(ascii: ">") else { return .failure(Failure(reason: "Unclosed end tag at byte offset \(begin)")) }
            if !endName.isEmpty, endName != open.tag {
                return .failure(
                    Failure(reason: "Unmatched end tag at byte offset \(begin), expected \"</\(open.tag)>\", found \"</\(endName)>\""))
            }
            stack.removeLast()
            i += 1
            guard utf16 > open.utf16Offset else { continue }
            let inner = String(decoding: output[open.outputStart...], as: UTF8.self)
            let range = (offset: open.utf16Offset, length: utf16 - open.utf16Offset)
            if let failure = close(open, inner: inner, range: range, entities: &entities, codeLanguages: &codeLanguages) {
                return .failure(failure)
            }
        }
        if let open = stack.last {
            return .failure(Failure(reason: "Can't find end tag corresponding to start tag \"\(open.tag)\""))
        }
        return .success(trimmed(String(decoding: output, as: UTF8.self), entities: entities))
    }

    /// Reads `<tag attr="v" …>` from `begin`; leaves `cursor` on the closing `>`.
    private static func readStartTag(_ input: [UInt8], begin: Int, cursor i: inout Int) -> Result<(String, String), Failure> {
        func at(_ index: Int) -> UInt8 { index < input.count ? input[index] : 0 }
        while !isSpace(at(i)), at(i) != UInt8(ascii: ">") { i += 1 }
        guard at(i) != 0 else { return .failure(Failure(reason: "Unclosed start tag at byte offset \(begin)")) }
        let tag = String(decoding: input[(begin + 1)..<i], as: UTF8.self).lowercased()
        guard tags.contains(tag) else { return .failure(Failure(reason: "Unsupported start tag \"\(tag)\" at byte offset \(begin)")) }
        var argument = ""
        while at(i) != UInt8(ascii: ">") {
            while at(i) != 0, isSpace(at(i)) { i += 1 }
            if at(i) == UInt8(ascii: ">") { break }
            guard at(i) != 0 else { return .failure(Failure(reason: "Unclosed start tag \"\(tag)\" at byte offset \(begin)")) }
            let nameStart = i
            while !isSpace(at(i)), at(i) != UInt8(ascii: "="), at(i) != UInt8(ascii: ">") { i += 1 }
            let name = String(decoding: input[nameStart..<min(i, input.count)], as: UTF8.self).lowercased()
            if name.isEmpty {
                return .failure(Failure(reason: "Empty attribute name in the tag \"\(tag)\" at byte offset \(begin)"))
            }
            while at(i) != 0, isSpace(at(i)) { i += 1 }
            if at(i) != UInt8(ascii: "=") {
                // The one valueless attribute Telegram knows.
                if tag == "blockquote", name == "expandable" {
                    argument = "expandable"
                    continue
                }
                return .failure(
                    Failure(reason: "Expected equal sign in declaration of an attribute of the tag \"\(tag)\" at byte offset \(begin)"))
            }
            i += 1
            while at(i) != 0, isSpace(at(i)) { i += 1 }
            guard at(i) != 0 else { return .failure(Failure(reason: "Unclosed start tag \"\(tag)\" at byte offset \(begin)")) }
            var value: String
            if at(i) != UInt8(ascii: "'"), at(i) != UInt8(ascii: "\"") {
                let tokenStart = i
                while isAlphaNumeric(at(i)) || at(i) == UInt8(ascii: ".") || at(i) == UInt8(ascii: "-") { i += 1 }
                value = String(decoding: input[tokenStart..<i], as: UTF8.self).lowercased()
                if at(i) != 0, !isSpace(at(i)), at(i) != UInt8(ascii: ">") {
                    return .failure(Failure(reason: "Unexpected end of name token at byte offset \(tokenStart)"))
                }
            } else {
                let quote = at(i)
                i += 1
                var bytes: [UInt8] = []
                while at(i) != quote, at(i) != 0 {
                    if at(i) == UInt8(ascii: "&"), case (let scalar, let next)? = decodeEntity(input, at: i),
                        let unicode = Unicode.Scalar(scalar)
                    {
                        bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                        i = next
                        continue
                    }
                    bytes.append(at(i))
                    i += 1
                }
                if at(i) == quote { i += 1 }
                value = String(decoding: bytes, as: UTF8.self)
            }
            guard at(i) != 0 else { return .failure(Failure(reason: "Unclosed start tag at byte offset \(begin)")) }
            switch (tag, name) {
            case ("a", "href"), ("tg-emoji", "emoji-id"): argument = value
            case ("code", "class") where value.hasPrefix("language-"): argument = String(value.dropFirst("language-".count))
            case ("span", "class") where value.hasPrefix("tg-"): argument = String(value.dropFirst(3))
            default: break
            }
        }
        if tag == "span", argument != "spoiler" {
            return .failure(Failure(reason: "Tag \"span\" must have class \"tg-spoiler\" at byte offset \(begin)"))
        }
        return .success((tag, argument))
    }

    /// Appends the entity a closed tag makes.
    private static func close(
        _ open: Open, inner: String, range: (offset: Int, length: Int), entities: inout [JSONValue], codeLanguages: inout [Int: String]
    ) -> Failure? {
        func add(_ type: String, _ extra: [String: JSONValue] = [:]) {
            var entity: [String: JSONValue] = [
                "type": .string(type), "offset": .number(Double(range.offset)), "length": .number(Double(range.length)),
            ]
            entity.merge(extra) { _, new in new }
            entities.append(.object(entity))
        }
        let sameRangeAsLast =
            entities.last.map { $0["offset"]?.intValue == range.offset && $0["length"]?.intValue == range.length } ?? false
        switch open.tag {
        case "i", "em": add("italic")
        case "b", "strong": add("bold")
        case "s", "strike", "del": add("strikethrough")
        case "u", "ins": add("underline")
        case "tg-spoiler", "span": add("spoiler")
        case "blockquote": add(open.argument == "expandable" ? "expandable_blockquote" : "blockquote")
        case "tg-emoji":
            guard let id = Int64(open.argument), id != 0 else { return Failure(reason: "Invalid custom emoji identifier specified") }
            add("custom_emoji", ["custom_emoji_id": .string(String(id))])
        case "a":
            let url = open.argument.isEmpty ? inner : open.argument
            if !url.isEmpty { add("text_link", ["url": .string(url)]) }
        case "pre":
            if sameRangeAsLast, entities.last?["type"] == "code", let language = codeLanguages[entities.count - 1] {
                entities[entities.count - 1] = [
                    "type": "pre", "offset": .number(Double(range.offset)), "length": .number(Double(range.length)),
                    "language": .string(language),
                ]
            } else {
                add("pre")
            }
        default:  // code
            if sameRangeAsLast, entities.last?["type"] == "pre", !open.argument.isEmpty {
                entities[entities.count - 1] = [
                    "type": "pre", "offset": .number(Double(range.offset)), "length": .number(Double(range.length)),
                    "language": .string(open.argument),
                ]
            } else {
                if !open.argument.isEmpty { codeLanguages[entities.count] = open.argument }
                add("code")
            }
        }
        return nil
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&quot;` (the `;` optional, as in TDLib) and `&#NNN;` / `&#xHH;`.
    private static func decodeEntity(_ input: [UInt8], at position: Int) -> (UInt32, Int)? {
        func at(_ index: Int) -> UInt8 { index < input.count ? input[index] : 0 }
        var end = position + 1
        var value: UInt32 = 0
        if at(end) == UInt8(ascii: "#") {
            end += 1
            let hex = at(end) == UInt8(ascii: "x")
            if hex { end += 1 }
            while let digit = hex ? hexValue(at(end)) : decimalValue(at(end)), end - position < 10 {
                value = value * (hex ? 16 : 10) + digit
                end += 1
            }
            if value == 0 || value >= 0x10FFFF || end - position >= 10 { return nil }
        } else {
            while isAlpha(at(end)) { end += 1 }
            switch String(decoding: input[(position + 1)..<end], as: UTF8.self) {
            case "lt": value = UInt32(UInt8(ascii: "<"))
            case "gt": value = UInt32(UInt8(ascii: ">"))
            case "amp": value = UInt32(UInt8(ascii: "&"))
            case "quot": value = UInt32(UInt8(ascii: "\""))
            default: return nil
            }
        }
        return (value, at(end) == UInt8(ascii: ";") ? end + 1 : end)
    }

    /// Telegram trims the text it stores; entities shift and shrink with it.
    private static func trimmed(_ text: String, entities: [JSONValue]) -> Parsed {
        let lead = text.prefix { $0.isWhitespace }.utf16.count
        let kept = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let total = kept.utf16.count
        var result: [JSONValue] = []
        for entity in entities {
            guard case .object(var members) = entity, let offset = entity["offset"]?.intValue, let length = entity["length"]?.intValue
            else { continue }
            let start = max(0, offset - lead)
            let end = min(total, offset - lead + length)
            guard end > start else { continue }
            members["offset"] = .number(Double(start))
            members["length"] = .number(Double(end - start))
            result.append(.object(members))
        }
        result.sort {
            ($0["offset"]?.intValue ?? 0, -($0["length"]?.intValue ?? 0)) < ($1["offset"]?.intValue ?? 0, -($1["length"]?.intValue ?? 0))
        }
        return Parsed(text: kept, entities: result)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0 }
    private static func isAlpha(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    private static func isAlphaNumeric(_ c: UInt8) -> Bool { isAlpha(c) || (0x30...0x39).contains(c) }
    private static func decimalValue(_ c: UInt8) -> UInt32? { (0x30...0x39).contains(c) ? UInt32(c - 0x30) : nil }
    private static func hexValue(_ c: UInt8) -> UInt32? {
        if let digit = decimalValue(c) { return digit }
        if (0x61...0x66).contains(c) { return UInt32(c - 0x61 + 10) }
        if (0x41...0x46).contains(c) { return UInt32(c - 0x41 + 10) }
        return nil
    }
}

/// Readable text from HTML: drops script/style/noscript/template/svg blocks and comments, turns
/// block tags into line breaks, strips the other tags, decodes common entities and collapses whitespace.
public enum HTMLText {
    static let droppedBlocks: Set<String> = ["script", "style", "noscript", "template", "svg", "head"]
    static let blockTags: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "nav", "aside", "main",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dd", "dt", "title", "form", "figure", "figcaption",
    ]

    public static func extract(_ html: String) -> String {
        let input = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var title = ""
        var i = 0
        while i < input.count {
            let scalar = input[i]
            let next = i + 1 < input.count ? input[i + 1] : " "
            guard scalar == "<", next.properties.isAlphabetic || next == "/" || next == "!" || next == "?" else {
                out.append(scalar)
                i += 1
                continue
            }
            if matches(input, at: i, "<!--") {
                i = find(input, "-->", from: i + 4).map { $0 + 3 } ?? input.count
                continue
            }
            guard let close = find(input, ">", from: i + 1) else {
                out.append(scalar)
                i += 1
                continue
            }
            let (name, isEnd) = tagName(input, from: i + 1, to: close)
            i = close + 1
            if !isEnd, droppedBlocks.contains(name) {
                let end = findEndTag(input, name: name, from: i)
                if name == "head", let titleStart = findTag(input, name: "title", from: i, to: end.start) {
                    let titleEnd = findEndTag(input, name: "title", from: titleStart)
                    title = String(String.UnicodeScalarView(input[titleStart..<titleEnd.start]))
                }
                i = end.after
                continue
            }
            if blockTags.contains(name) { out.append("\n") } else if name == "td" || name == "th" { out.append(" ") }
        }
        var text = collapse(decodeEntities(String(out)))
        let heading = collapse(decodeEntities(title))
        if !heading.isEmpty, !text.hasPrefix(heading) { text = heading + "\n\n" + text }
        return text
    }

    private static func matches(_ input: [Unicode.Scalar], at index: Int, _ literal: String) -> Bool {
        let scalars = Array(literal.unicodeScalars)
        guard index + scalars.count <= input.count else { return false }
        for (offset, scalar) in scalars.enumerated() where lower(input[index + offset]) != scalar { return false }
        return true
    }

    private static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }

    private static func find(_ input: [Unicode.Scalar], _ literal: String, from start: Int) -> Int? {
        var index = start
        while index < input.count {
            if matches(input, at: index, literal) { return index }
            index += 1
        }
        return nil
    }

    /// The lower-cased tag name between `<` and `>` and whether it is an end tag.
    private static func tagName(_ input: [Unicode.Scalar], from start: Int, to end: Int) -> (String, Bool) {
        var index = start
        var isEnd = false
        if index < end, input[index] == "/" {
            isEnd = true
            index += 1
        }
        var name = String.UnicodeScalarView()
        while index < end, input[index].properties.isAlphabetic || ("0"..."9").contains(input[index]) {
            name.append(lower(input[index]))
            index += 1
        }
        return (String(name), isEnd)
    }

    /// Start of `</name` and the index after its `>`; the end of input when missing.
    private static func findEndTag(_ input: [Unicode.Scalar], name: String, from start: Int) -> (start: Int, after: Int) {
        guard let found = find(input, "</" + name, from: start) else { return (input.count, input.count) }
        let after = find(input, ">", from: found).map { $0 + 1 } ?? input.count
        return (found, after)
    }

    /// The index after `<name …>` within `start..<limit`.
    private static func findTag(_ input: [Unicode.Scalar], name: String, from start: Int, to limit: Int) -> Int? {
        guard let found = find(input, "<" + name, from: start), found < limit, let close = find(input, ">", from: found) else { return nil }
        return close + 1
    }

    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "mdash": "—", "ndash": "–", "hellip": "…",
        "copy": "©", "reg": "®", "trade": "™", "laquo": "«", "raquo": "»", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "bull": "•", "middot": "·", "euro": "€", "pound": "£", "deg": "°",
    ]

    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                if let decoded = decode(name) {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    private static func decode(_ name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if name.hasPrefix("#") { return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) } }
        return entities[name.lowercased()]
    }

    /// Spaces and tabs collapse to one space per line, lines are trimmed, blank-line runs become one.
    public static func collapse(_ text: String) -> String {
        var lines: [String] = []
        var blank = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{00A0}" })
            let joined = words.joined(separator: " ")
            if joined.isEmpty {
                if !lines.isEmpty { blank = true }
                continue
            }
            if blank { lines.append("") }
            blank = false
            lines.append(joined)
        }
        return lines.joined(separator: "\n")
    }
}

/// Inline Markdown of one line → Telegram HTML: emphasis, strike, code spans, links, backslash escapes.
///
/// Recursive descent: an opener is only turned into a tag once its closer is found, and the content between them
/// is rendered by a nested call, so the output's tags are balanced by construction whatever the input.
struct InlineMarkdown: Sendable {
    private let chars: [Character]
    private let pairs: InlinePairs

    private init(_ text: some StringProtocol) {
        chars = Array(text)
        pairs = InlinePairs(chars)
    }

    /// Renders one line of inline Markdown.
    static func render(_ text: some StringProtocol) -> String {
        let renderer = InlineMarkdown(text)
        return renderer.render(0..<renderer.chars.count, allowLinks: true, depth: 0)
    }

    private static let maxDepth = 16
    private static let linkSchemes = ["http://", "https://", "tg://", "mailto:"]

    private func render(_ range: Range<Int>, allowLinks: Bool, depth: Int) -> String {
        var output = ""
        var plainStart = range.lowerBound
        var index = range.lowerBound
        // Where a closer search failed, by delimiter kind: a later search in this range fails too.
        var failed: [String: Int] = [:]
        func flush(upTo end: Int) {
            if plainStart < end { output += TelegramHTML.escape(String(chars[plainStart..<end]), quotes: false) }
        }
        while index < range.upperBound {
            var rendered: (html: String, end: Int)?
            switch chars[index] {
            case "\\": rendered = escapedCharacter(at: index, end: range.upperBound)
            case "`": rendered = codeSpan(at: index, end: range.upperBound)
            case "[" where allowLinks && depth < Self.maxDepth: rendered = link(at: index, end: range.upperBound, depth: depth)
            case "h": rendered = bareURL(at: index, range: range)
            case "*", "_", "~":
                rendered = emphasis(at: index, end: range.upperBound, allowLinks: allowLinks, depth: depth, failed: &failed)
            default: break
            }
            if let rendered {
                flush(upTo: index)
                output += rendered.html
                index = rendered.end
                plainStart = index
            } else if "*_~`".contains(chars[index]) {
                index = runEnd(from: index, end: range.upperBound)  // A literal run stays whole ("**" never half-matches).
            } else {
                index += 1
            }
        }
        flush(upTo: range.upperBound)
        return output
    }

    // MARK: Constructs

    /// "\*" → a literal "*": any ASCII punctuation can be escaped.
    private func escapedCharacter(at index: Int, end: Int) -> (html: String, end: Int)? {
        guard index + 1 < end, let next = chars[index + 1].asciiValue, next.isASCIIPunctuation else { return nil }
        return (TelegramHTML.escape(String(chars[index + 1]), quotes: false), index + 2)
    }

    /// `code` (any backtick run length, closed by a run of the same length); content is escaped only.
    private func codeSpan(at index: Int, end: Int) -> (html: String, end: Int)? {
        guard let close = codeSpanEnd(at: index, end: end) else { return nil }
        let width = runEnd(from: index, end: end) - index
        var content = chars[(index + width)..<(close - width)]
        // CommonMark strips one space on each side, so "`` `x` ``" can show backticks.
        if content.count >= 2, content.first == " ", content.last == " ", content.contains(where: { $0 != " " }) {
            content = content.dropFirst().dropLast()
        }
        guard !content.isEmpty else { return nil }
        return ("<code>" + TelegramHTML.escape(String(content), quotes: false) + "</code>", close)
    }

    /// The index after the closing run of the code span opened at `index`, if it is closed within `end`.
    private func codeSpanEnd(at index: Int, end: Int) -> Int? {
        let spanEnd = pairs.codeSpanEnd[index]
        return spanEnd >= 0 && spanEnd <= end ? spanEnd : nil
    }

    /// [text](url) with an allowed scheme; anything else leaves "[" literal and scanning goes on after it.
    private func link(at index: Int, end: Int, depth: Int) -> (html: String, end: Int)? {
        guard let textEnd = matching(from: index, end: end), textEnd + 1 < end, chars[textEnd + 1] == "(",
            let urlEnd = matching(from: textEnd + 1, end: end)
        else { return nil }
        let target = String(chars[(textEnd + 2)..<urlEnd]).trimmingWhitespace()
        let url = String(target.prefix { !$0.isWhitespace })  // Drops a "title" after the URL.
        let lowered = url.lowercased()
        guard textEnd > index + 1,
            Self.linkSchemes.contains(where: { lowered.hasPrefix($0) && lowered.count > $0.count })
        else { return nil }
        let text = render((index + 1)..<textEnd, allowLinks: false, depth: depth + 1)
        return ("<a href=\"" + TelegramHTML.escape(url, quotes: true) + "\">" + text + "</a>", urlEnd + 1)
    }

    /// The index of the bracket closing the one at `index`, if it lies before `end`.
    private func matching(from index: Int, end: Int) -> Int? {
        let close = pairs.closingBracket[index]
        return close >= 0 && close < end ? close : nil
    }

    /// A bare http(s) URL at a word start stays verbatim, so underscores in it never turn into italics.
    private func bareURL(at index: Int, range: Range<Int>) -> (html: String, end: Int)? {
        guard index == range.lowerBound || chars[index - 1].isWhitespace || "(<".contains(chars[index - 1]) else { return nil }
        let rest = chars[index..<min(range.upperBound, index + 8)]
        guard rest.starts(with: "http://") || rest.starts(with: "https://") else { return nil }
        var end = index
        while end < range.upperBound, !chars[end].isWhitespace, !"*`<>\"".contains(chars[end]) { end += 1 }
        return (TelegramHTML.escape(String(chars[index..<end]), quotes: false), end)
    }

    /// *italic*, _italic_, **bold**, __bold__, ***both***, ~~strike~~, when a closer of the same run exists.
    private func emphasis(
        at index: Int, end: Int, allowLinks: Bool, depth: Int, failed: inout [String: Int]
    ) -> (html: String, end: Int)? {
        let marker = chars[index]
        let width = runEnd(from: index, end: end) - index
        guard depth < Self.maxDepth else { return nil }
        let tags: (open: String, close: String)
        switch (marker, width) {
        case ("~", 2): tags = ("<s>", "</s>")
        case ("~", _): return nil
        case (_, 1): tags = ("<i>", "</i>")
        case (_, 2): tags = ("<b>", "</b>")
        case (_, 3): tags = ("<b><i>", "</i></b>")
        default: return nil
        }
        let contentStart = index + width
        guard contentStart < end, !chars[contentStart].isWhitespace else { return nil }
        // Underscores inside words (snake_case_name) are text, not emphasis.
        if marker == "_", index > 0, chars[index - 1].isLetterOrDigit { return nil }
        let kind = String(repeating: marker, count: width)
        if let failedFrom = failed[kind], failedFrom <= index { return nil }
        guard let close = closer(of: marker, width: width, from: contentStart, end: end) else {
            failed[kind] = index
            return nil
        }
        let inner = render(contentStart..<close, allowLinks: allowLinks, depth: depth + 1)
        return (tags.open + inner + tags.close, close + width)
    }

    /// The start of the first run that can close a `width`-long `marker` run, skipping escapes and code spans.
    private func closer(of marker: Character, width: Int, from start: Int, end: Int) -> Int? {
        var search = start
        while search < end {
            let character = chars[search]
            if character == "\\" {
                search += 2
            } else if character == "`", let skip = codeSpanEnd(at: search, end: end) {
                search = skip
            } else if character == marker {
                let runEnd = runEnd(from: search, end: end)
                let afterOK = marker != "_" || runEnd >= end || !chars[runEnd].isLetterOrDigit
                if runEnd - search == width, search > start, !chars[search - 1].isWhitespace, afterOK { return search }
                search = runEnd
            } else {
                search += 1
            }
        }
        return nil
    }

    private func runEnd(from index: Int, end: Int) -> Int {
        var runEnd = index
        while runEnd < end, chars[runEnd] == chars[index] { runEnd += 1 }
        return runEnd
    }
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isLetter || isNumber }
}

extension UInt8 {
    fileprivate var isASCIIPunctuation: Bool {
        (0x21...0x2F).contains(self) || (0x3A...0x40).contains(self) || (0x5B...0x60).contains(self)
            || (0x7B...0x7E).contains(self)
    }
}

import TalonCore

/// Model Markdown → Telegram's HTML parse mode.
///
/// Telegram rejects a whole message whose tags are unbalanced, so every construct is emitted as an open tag,
/// rendered content and the matching close tag in one step; anything that does not parse stays literal text.
public enum TelegramHTML {
    /// Converts model Markdown to Telegram's HTML parse mode subset. Everything outside tags is escaped (&, <, >; and " inside href).
    ///
    /// Block level: ``` fences become `<pre><code>`, "#" headings a bold line, "> " lines one `<blockquote>`,
    /// "- "/"* "/"+ " bullets "• ". Inline formatting never spans lines. Line breaks stay "\n".
    public static func render(markdown: String) -> String {
        let lines = markdown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var output: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if let fence = MarkdownFence(opening: line) {
                var code: [Substring] = []
                index += 1
                while index < lines.count, !fence.isClosed(by: lines[index]) {
                    code.append(lines[index])
                    index += 1
                }
                index += 1  // The closing line, or past the end for a block the text never closes.
                output.append(codeBlock(code.joined(separator: "\n"), language: fence.language))
            } else if quoteContent(line) != nil {
                var quoted: [String] = []
                while index < lines.count, let content = quoteContent(lines[index]) {
                    quoted.append(renderLine(content))
                    index += 1
                }
                let body = quoted.joined(separator: "\n")
                output.append(body.allSatisfy(\.isWhitespace) ? body : "<blockquote>" + body + "</blockquote>")
            } else {
                output.append(renderLine(line))
                index += 1
            }
        }
        return output.joined(separator: "\n")
    }

    /// Escapes &, <, > (and " → &quot;) for Telegram HTML.
    public static func escape(_ text: String) -> String {
        escape(text, quotes: true)
    }

    // MARK: Internals

    /// Escapes text for Telegram HTML; quotes only matter inside attribute values.
    static func escape(_ text: some StringProtocol, quotes: Bool) -> String { HTMLEscape.escape(text, quotes: quotes) }

    private static func codeBlock(_ code: String, language: String) -> String {
        // Telegram drops empty entities at best; an empty block renders as nothing.
        guard !code.isEmpty else { return "" }
        // A language with odd characters is dropped whole rather than cleaned into something misleading.
        let isSafe = language.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-_#.".contains($0)) }
        let safeLanguage = isSafe ? language : ""
        let open = safeLanguage.isEmpty ? "<pre><code>" : "<pre><code class=\"language-\(safeLanguage)\">"
        return open + escape(code, quotes: false) + "</code></pre>"
    }

    /// The text of a "> quote" line after the marker and one optional space; nil for other lines.
    private static func quoteContent(_ line: Substring) -> Substring? {
        let body = line.drop { $0 == " " }
        guard line.count - body.count <= 3, body.first == ">" else { return nil }
        let content = body.dropFirst()
        return content.first == " " ? content.dropFirst() : content
    }

    /// One line outside code blocks: a heading, a bullet, or plain inline Markdown.
    private static func renderLine(_ line: Substring) -> String {
        let indent = line.prefix { $0 == " " || $0 == "\t" }
        let body = line.dropFirst(indent.count)
        if indent.count <= 3, let heading = headingText(body) {
            return "<b>" + InlineMarkdown.render(heading) + "</b>"
        }
        if let marker = body.first, "-*+".contains(marker), body.dropFirst().first == " " {
            return escape(indent, quotes: false) + "• " + InlineMarkdown.render(body.dropFirst(2).drop { $0 == " " })
        }
        return InlineMarkdown.render(line)
    }

    /// The text of an ATX heading ("## Title ##" → "Title"); nil when the line is not a heading or is empty.
    private static func headingText(_ body: Substring) -> Substring? {
        let hashes = body.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = body.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.drop { $0 == " " || $0 == "\t" }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        // A closing run of "#" only counts when separated by a space ("# C#" keeps its "#").
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0, closing == text.count || text.dropLast(closing).last == " " {
            text = text.dropLast(closing)
            while text.last == " " { text = text.dropLast() }
        }
        return text.isEmpty ? nil : text
    }
}

/// A ``` code fence line, as both the chunker and the HTML renderer see it.
///
/// Deliberately lenient: models indent fences inside lists, so any leading whitespace is accepted.
struct MarkdownFence: Sendable, Hashable {
    /// Number of backticks in the fence (3 or more).
    var width: Int
    /// The info string after the backticks, trimmed (e.g. "swift"); empty when absent.
    var info: String

    /// The backtick run alone, used to close a block opened by this fence.
    var marker: String { String(repeating: "`", count: width) }

    /// The first word of the info string, the block's language ("" when none).
    var language: String {
        String(info.prefix { !$0.isWhitespace })
    }

    /// Parses an opening fence line; nil unless the line starts (after whitespace) with at least three backticks
    /// and its info string holds no backtick (CommonMark's rule, which keeps "```a``` b" an inline span).
    init?(opening line: some StringProtocol) {
        let body = line.drop { $0.isWhitespace }
        let width = body.prefix { $0 == "`" }.count
        guard width >= 3 else { return nil }
        let info = body.dropFirst(width)
        guard !info.contains("`") else { return nil }
        self.width = width
        self.info = info.trimmingWhitespace()
    }

    /// True when `line` closes a block opened by this fence: at least as many backticks and nothing else.
    func isClosed(by line: some StringProtocol) -> Bool {
        let body = line.drop { $0.isWhitespace }
        let run = body.prefix { $0 == "`" }.count
        return run >= width && body.dropFirst(run).allSatisfy(\.isWhitespace)
    }
}

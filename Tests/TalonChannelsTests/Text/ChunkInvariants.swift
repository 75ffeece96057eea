/// Independent checks of `TextChunker` output, written without the chunker's own fence parser.
enum ChunkInvariants {
    /// One non-whitespace Character of content and the opening fence line of the code block it sits in (nil outside).
    struct Mark: Equatable, CustomStringConvertible {
        var character: Character
        var fence: String?
        var description: String { fence.map { "\(character)@\($0)" } ?? String(character) }
    }

    /// The text's non-whitespace Characters outside fence lines, in order, each with its enclosing fence:
    /// chunking must preserve both (so a continuation chunk must reopen its block with the same fence line).
    static func marks(_ text: String) -> [Mark] {
        var marks: [Mark] = []
        var fence: (line: String, width: Int)?
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let trimmed = String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            let ticks = trimmed.prefix { $0 == "`" }.count
            if let open = fence {
                if ticks >= open.width && ticks == trimmed.count {
                    fence = nil
                    continue
                }
            } else if ticks >= 3 && !trimmed.dropFirst(ticks).contains("`") {
                fence = (trimmed, ticks)
                continue
            }
            marks += line.filter { !$0.isWhitespace }.map { Mark(character: $0, fence: fence?.line) }
        }
        return marks
    }

    /// True when `text` ends inside a code block.
    static func endsInsideFence(_ text: String) -> Bool {
        var probe = text
        probe += "\nX"
        return marks(probe).last?.fence != nil
    }

    /// Failures of the chunker's contract for `text` split at `limit`, as readable messages (empty when all hold).
    static func violations(of chunks: [String], text: String, limit: Int) -> [String] {
        var problems: [String] = []
        let expected = marks(text)
        let actual = chunks.flatMap(marks)
        // A continuation may reopen with the bare marker when the fence line is too long for the limit.
        let same = { (actual: Mark, expected: Mark) in
            actual.character == expected.character
                && (actual.fence == expected.fence || (actual.fence?.allSatisfy { $0 == "`" } ?? false) && expected.fence != nil)
        }
        if actual.count != expected.count || !zip(actual, expected).allSatisfy(same) {
            let firstDifference =
                zip(actual, expected).enumerated().first { !same($0.element.0, $0.element.1) }?.offset ?? min(actual.count, expected.count)
            problems.append("content differs at mark \(firstDifference) (\(actual.count) vs \(expected.count) marks)")
        }
        for (index, chunk) in chunks.enumerated() {
            if chunk.count > limit { problems.append("chunk \(index) has \(chunk.count) > \(limit) characters") }
            if chunk.isEmpty || chunk.last!.isWhitespace { problems.append("chunk \(index) is empty or ends in whitespace") }
            let isLast = index == chunks.count - 1
            if endsInsideFence(chunk) && !(isLast && endsInsideFence(text)) {
                problems.append("chunk \(index) leaves a fence open")
            }
        }
        return problems
    }
}

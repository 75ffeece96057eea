/// Code spans and brackets of one line, paired up front in linear time.
///
/// Searching forward from every opener instead would be quadratic on adversarial lines ("[a](" × 20,000), and
/// the renderer must stay fast on whatever a model or a user sends.
struct InlinePairs: Sendable {
    /// For the first backtick of a run: the index just past the run that closes its code span; -1 when unclosed.
    private(set) var codeSpanEnd: [Int]
    /// For "[" and "(": the index of the matching "]" or ")"; -1 when unmatched.
    private(set) var closingBracket: [Int]

    init(_ chars: [Character]) {
        codeSpanEnd = Array(repeating: -1, count: chars.count)
        closingBracket = Array(repeating: -1, count: chars.count)
        pairCodeSpans(chars)
        pairBrackets(chars)
    }

    /// CommonMark: a backtick run opens a code span closed by the next run of the same length.
    private mutating func pairCodeSpans(_ chars: [Character]) {
        var runs: [(start: Int, end: Int)] = []
        var index = 0
        while index < chars.count {
            if chars[index] == "\\" {
                index += 2
                continue
            }
            guard chars[index] == "`" else {
                index += 1
                continue
            }
            var end = index
            while end < chars.count, chars[end] == "`" { end += 1 }
            runs.append((index, end))
            index = end
        }
        // Walk runs back to front, remembering the nearest later run of each length.
        var nextByLength: [Int: Int] = [:]
        var nextRun = Array(repeating: -1, count: runs.count)
        for (position, run) in runs.enumerated().reversed() {
            let length = run.end - run.start
            nextRun[position] = nextByLength[length] ?? -1
            nextByLength[length] = position
        }
        var position = 0
        while position < runs.count {
            let partner = nextRun[position]
            guard partner >= 0 else {
                position += 1
                continue
            }
            codeSpanEnd[runs[position].start] = runs[partner].end
            position = partner + 1  // Runs inside the span are code, not openers.
        }
    }

    /// Pairs "[" with "]" and "(" with ")" by nesting, skipping escapes and code spans.
    private mutating func pairBrackets(_ chars: [Character]) {
        var openSquare: [Int] = []
        var openParen: [Int] = []
        var index = 0
        while index < chars.count {
            switch chars[index] {
            case "\\":
                index += 2
                continue
            case "`" where codeSpanEnd[index] >= 0:
                index = codeSpanEnd[index]
                continue
            case "[": openSquare.append(index)
            case "(": openParen.append(index)
            case "]": if let open = openSquare.popLast() { closingBracket[open] = index }
            case ")": if let open = openParen.popLast() { closingBracket[open] = index }
            default: break
            }
            index += 1
        }
    }
}

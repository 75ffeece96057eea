/// A fenced code block located in a Character array, by the indices the chunker needs.
struct FenceRegion: Sendable, Hashable {
    var fence: MarkdownFence
    /// The opening line, trimmed (e.g. "```swift"): what a continuation chunk reopens with.
    var openingLine: String
    /// Index of the opening line's first Character.
    var openStart: Int
    /// Index of the newline ending the opening line (or the text's end).
    var openEnd: Int
    /// Index of the first non-whitespace Character after the opening line (or `closeStart` when the block is empty).
    var firstContent: Int
    /// Index of the closing line's first Character; the text's end when the block is never closed.
    var closeStart: Int
    /// Index of the newline ending the closing line (or the text's end).
    var closeEnd: Int
    /// False when the text ends inside this block.
    var isClosed: Bool

    /// Finds every fenced block in `chars`, in order.
    static func scan(_ chars: [Character]) -> [FenceRegion] {
        var regions: [FenceRegion] = []
        var open: FenceRegion?
        var lineStart = 0
        while lineStart <= chars.count {
            let lineEnd = chars[lineStart...].firstIndex(where: \.isNewline) ?? chars.count
            let line = chars[lineStart..<lineEnd]
            if var region = open {
                if region.fence.isClosed(by: String(line)) {
                    region.closeStart = lineStart
                    region.closeEnd = lineEnd
                    region.isClosed = true
                    region.firstContent = min(region.firstContent, lineStart)
                    regions.append(region)
                    open = nil
                } else if region.firstContent == Int.max, let content = line.firstIndex(where: { !$0.isWhitespace }) {
                    region.firstContent = content
                    open = region
                }
            } else if let fence = MarkdownFence(opening: String(line)) {
                open = FenceRegion(
                    fence: fence, openingLine: String(line).trimmingWhitespace(), openStart: lineStart, openEnd: lineEnd,
                    firstContent: Int.max, closeStart: chars.count, closeEnd: chars.count, isClosed: false)
            }
            lineStart = lineEnd + 1
        }
        if var region = open {
            region.firstContent = min(region.firstContent, chars.count)
            regions.append(region)
        }
        return regions
    }
}

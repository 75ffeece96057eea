/// Splits long model replies into pieces that fit a channel's message limit (Telegram: 4096).
public enum TextChunker {
    /// Splits Markdown text into chunks of at most `limit` Characters (limit >= 16), in order, losing no text
    /// except whitespace at the split points. Prefers paragraph breaks (blank line), then line breaks, then sentence
    /// ends (". ", "! ", "? " followed by space/newline), then spaces, then a hard split.
    /// Never leaves a ``` code fence open at a chunk end: the chunk gets a closing "```" and the next chunk reopens
    /// with the same opening fence line (e.g. "```swift"); the added fence text counts toward the limit.
    ///
    /// Text that fits is returned as one chunk without its trailing whitespace; empty or whitespace-only text gives [].
    /// Limits below 16 are raised to 16. Characters (grapheme clusters) are never split, so emoji stay whole.
    public static func chunks(_ text: String, limit: Int) -> [String] {
        var chars = Array(text)
        while let last = chars.last, last.isWhitespace { chars.removeLast() }
        guard !chars.isEmpty else { return [] }
        let limit = max(limit, 16)
        if chars.count <= limit { return [String(chars)] }
        var splitter = ChunkSplitter(chars: chars, limit: limit)
        return splitter.run()
    }
}

/// The state of one `TextChunker.chunks` call: the text as Characters plus its fenced regions.
private struct ChunkSplitter: Sendable {
    let chars: [Character]
    let limit: Int
    let regions: [FenceRegion]
    /// For every index, where its line starts.
    let lineStarts: [Int]
    var chunks: [String] = []

    init(chars: [Character], limit: Int) {
        self.chars = chars
        self.limit = limit
        self.regions = FenceRegion.scan(chars)
        var lineStarts: [Int] = []
        lineStarts.reserveCapacity(chars.count)
        var current = 0
        for (index, character) in chars.enumerated() {
            lineStarts.append(current)
            if character.isNewline { current = index + 1 }
        }
        self.lineStarts = lineStarts
    }

    mutating func run() -> [String] {
        var start = 0
        while start < chars.count {
            let prefix = regionToReopen(at: start).flatMap(fenceText(for:))?.open ?? ""
            if prefix.count + chars.count - start <= limit {
                chunks.append(prefix + String(chars[start...]).trimmingTrailingWhitespace())
                break
            }
            var maxEnd = start + limit - prefix.count
            var cut = findCut(from: start, maxEnd: maxEnd)
            var closing = closingFence(for: cut)
            var contentEnd = trimmedEnd(from: start, to: cut)
            // The closing fence must fit too: shrink the window by the overflow until it does.
            while let needed = closing, case let overflow = prefix.count + (contentEnd - start) + needed.count - limit,
                overflow > 0, maxEnd > start + 1
            {
                maxEnd -= overflow
                cut = findCut(from: start, maxEnd: maxEnd)
                closing = closingFence(for: cut)
                contentEnd = trimmedEnd(from: start, to: cut)
            }
            if !isValidCut(cut), let region = region(containing: cut), start <= region.openEnd,
                chars[min(start, region.openStart)..<max(start, region.openStart)].allSatisfy(\.isWhitespace)
            {
                // Not even the fence line plus one code character fits: leave the fence line to the reopening prefix
                // of the next chunk (or drop a block holding no code at all).
                start = region.firstContent < region.closeStart ? nextStart(after: region.openEnd, closedFence: false) : region.closeEnd
                continue
            }
            if contentEnd > start {
                chunks.append(prefix + String(chars[start..<contentEnd]) + (closing ?? ""))
            }
            start = nextStart(after: cut, closedFence: closing != nil)
        }
        return chunks
    }

    // MARK: Choosing split points

    /// The best cut in (start, maxEnd]: the chunk is chars[start..<cut] and chars[cut] is the separator.
    private func findCut(from start: Int, maxEnd: Int) -> Int {
        let maxEnd = min(max(maxEnd, start + 1), chars.count - 1)
        guard maxEnd > start else { return start + 1 }
        let firstContent = chars[start..<maxEnd].firstIndex { !$0.isWhitespace } ?? maxEnd
        // Natural breaks only count in the window's back half, so chunks don't come out tiny.
        let preferredFloor = max(start + (maxEnd - start) / 2, firstContent + 1)
        let levels: [(floor: Int, isBreak: (Int) -> Bool)] = [
            (preferredFloor, isParagraphBreak),
            (preferredFloor, { chars[$0].isNewline }),
            (preferredFloor, isSentenceEnd),
            (firstContent + 1, { chars[$0].isWhitespace }),
            (firstContent + 1, { _ in true }),
        ]
        for level in levels where level.floor <= maxEnd {
            var cut = maxEnd
            while cut >= level.floor {
                if level.isBreak(cut), isValidCut(cut) { return cut }
                cut -= 1
            }
        }
        return maxEnd  // Only reachable when a fence line alone exceeds the limit.
    }

    private func isParagraphBreak(_ index: Int) -> Bool {
        guard chars[index].isNewline else { return false }
        var next = index + 1
        while next < chars.count, chars[next].isWhitespace, !chars[next].isNewline { next += 1 }
        return next < chars.count && chars[next].isNewline
    }

    private func isSentenceEnd(_ index: Int) -> Bool {
        guard index > 0, chars[index].isWhitespace else { return false }
        let previous = chars[index - 1]
        return previous == "." || previous == "!" || previous == "?"
    }

    /// Cuts may not split a fence line, nor leave an opening fence without any code after it, nor turn part of
    /// a longer line into something that reads as a fence line at a chunk's end or start.
    private func isValidCut(_ cut: Int) -> Bool {
        if let region = region(containing: cut) {
            if cut <= region.firstContent || (cut > region.closeStart && cut < region.closeEnd) { return false }
        }
        if !chars[cut].isNewline {
            let lineHead = chars[lineStarts[cut]..<cut].drop { $0.isWhitespace }
            if lineHead.count >= 3, lineHead.allSatisfy({ $0 == "`" || $0.isWhitespace }) { return false }
            var next = cut
            while next < chars.count, chars[next].isWhitespace, !chars[next].isNewline { next += 1 }
            if next < chars.count, chars[next...].starts(with: "```") { return false }
        }
        return true
    }

    // MARK: Fences at the split

    /// The closing fence text ("\n```") a chunk ending at `cut` needs, or nil when it ends outside a code block.
    private func closingFence(for cut: Int) -> String? {
        guard let region = region(containing: cut), cut > region.firstContent, cut <= region.closeStart else { return nil }
        return fenceText(for: region)?.close
    }

    /// The region whose code continues at `start`, so the chunk starting there must reopen it.
    private func regionToReopen(at start: Int) -> FenceRegion? {
        guard let region = region(containing: start), start > region.openEnd, start < region.closeStart else { return nil }
        return region
    }

    /// Fence texts for a split block: the full opening line when it is short, else the bare marker, so the
    /// added text never eats more than half of the limit. Nil for a marker too long to repeat at all (absurd fences
    /// at tiny limits), where staying within the limit wins over balanced fences.
    private func fenceText(for region: FenceRegion) -> (open: String, close: String)? {
        let close = "\n" + region.fence.marker
        if region.openingLine.count + 1 + close.count <= limit / 2 { return (region.openingLine + "\n", close) }
        if 2 * close.count < limit { return (region.fence.marker + "\n", close) }
        return nil
    }

    /// Where the next chunk starts: past the whitespace at the cut, keeping a code line's indentation, and past the
    /// block's own closing line when the closing fence just added replaces it.
    private func nextStart(after cut: Int, closedFence: Bool) -> Int {
        var index = cut
        if closedFence, let region = region(containing: cut), region.isClosed,
            chars[cut..<region.closeStart].allSatisfy(\.isWhitespace)
        {
            index = region.closeEnd
        }
        let inCode = regionToReopen(at: index) != nil
        var afterNewline: Int?
        while index < chars.count, chars[index].isWhitespace {
            if chars[index].isNewline { afterNewline = index + 1 }
            index += 1
        }
        if inCode, let afterNewline, index < chars.count, regionToReopen(at: index) != nil { return afterNewline }
        return index
    }

    // MARK: Helpers

    private func trimmedEnd(from start: Int, to end: Int) -> Int {
        var end = end
        while end > start, chars[end - 1].isWhitespace { end -= 1 }
        return end
    }

    /// The fenced region with openStart < index < closeEnd (or up to the text's end for a block never closed).
    private func region(containing index: Int) -> FenceRegion? {
        var low = 0
        var high = regions.count
        while low < high {
            let mid = (low + high) / 2
            if regions[mid].openStart < index { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let candidate = regions[low - 1]
        return index < candidate.closeEnd || (index == candidate.closeEnd && !candidate.isClosed) ? candidate : nil
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[...last])
    }
}

import Testing

@testable import TalonChannels

@Suite("TextChunker properties")
struct TextChunkerPropertyTests {
    /// Lines that stress fences: wider fences holding narrower ones, long info strings, inline triple backticks,
    /// blank and whitespace lines, CR line ends, long words, emoji.
    private static let fenceHeavyLines = [
        "```", "```swift", "````", "```` md", "  ```py", "```a-very-long-language-name-here", "", "", " ", "code()", "    indented code",
        "word word word. next sentence! ok?", String(repeating: "q", count: 70), "👨‍👩‍👧‍👦🇩🇪", "- item", "\r", "x", "see ```x``` here",
        "a ```py", "`` ` ``",
    ]

    @Test("random Markdown keeps every invariant", arguments: 0..<12)
    func randomMarkdown(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let text = RandomMarkdown.document(using: &rng)
        for limit in [16, 30, 47, 64, 100, 257] {
            let problems = ChunkInvariants.violations(of: TextChunker.chunks(text, limit: limit), text: text, limit: limit)
            #expect(problems.isEmpty, "limit \(limit): \(problems)")
        }
    }

    @Test("fence-heavy line soup keeps every invariant", arguments: 0..<10)
    func fenceHeavy(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        for _ in 0..<12 {
            let lineCount = Int.random(in: 1...60, using: &rng)
            let text = (0..<lineCount).map { _ in Self.fenceHeavyLines.randomElement(using: &rng)! }.joined(separator: "\n")
            for limit in [16, 19, 24, 40, 90] {
                let problems = ChunkInvariants.violations(of: TextChunker.chunks(text, limit: limit), text: text, limit: limit)
                #expect(problems.isEmpty, "limit \(limit), text \(text.debugDescription): \(problems)")
            }
        }
    }

    @Test("the invariant checker catches broken chunkings")
    func checkerCatchesBreakage() {
        let text = "intro\n```swift\nlet a = 1\nlet b = 2\n```"
        #expect(
            ChunkInvariants.violations(of: ["intro\n```swift\nlet a = 1\n```", "```swift\nlet b = 2\n```"], text: text, limit: 40).isEmpty)
        // Missing reopen: the second half's code is no longer code.
        #expect(!ChunkInvariants.violations(of: ["intro\n```swift\nlet a = 1\n```", "let b = 2"], text: text, limit: 40).isEmpty)
        // Left open.
        #expect(!ChunkInvariants.violations(of: ["intro\n```swift\nlet a = 1", "```swift\nlet b = 2\n```"], text: text, limit: 40).isEmpty)
        // Lost text, and a chunk over the limit.
        #expect(!ChunkInvariants.violations(of: ["intro"], text: text, limit: 40).isEmpty)
        #expect(!ChunkInvariants.violations(of: [text], text: text, limit: 20).isEmpty)
    }
}

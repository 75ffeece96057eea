import Testing

@testable import TalonChannels

@Suite("TextChunker")
struct TextChunkerTests {
    private func expectValid(_ chunks: [String], text: String, limit: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = ChunkInvariants.violations(of: chunks, text: text, limit: limit)
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
    }

    @Test("empty and whitespace-only text gives no chunks")
    func emptyText() {
        #expect(TextChunker.chunks("", limit: 100).isEmpty)
        #expect(TextChunker.chunks(" \n\t\n  ", limit: 100).isEmpty)
    }

    @Test("text that fits is one chunk without trailing whitespace")
    func shortText() {
        #expect(TextChunker.chunks("hello", limit: 100) == ["hello"])
        #expect(TextChunker.chunks("  indented\nline two\n\n  ", limit: 100) == ["  indented\nline two"])
        let exact = String(repeating: "a", count: 20)
        #expect(TextChunker.chunks(exact, limit: 20) == [exact])
        #expect(TextChunker.chunks(exact + "   \n", limit: 20) == [exact])
    }

    @Test("limits below 16 are raised to 16")
    func minimumLimit() {
        let text = String(repeating: "b", count: 40)
        let chunks = TextChunker.chunks(text, limit: 3)
        #expect(chunks == [String(repeating: "b", count: 16), String(repeating: "b", count: 16), String(repeating: "b", count: 8)])
    }

    @Test("paragraph breaks win over later line breaks")
    func prefersParagraphs() {
        let first = "First paragraph line one.\nline two of it"
        let second = "Second paragraph\nwith more lines\nand more."
        let text = first + "\n\n" + second
        let chunks = TextChunker.chunks(text, limit: 60)
        #expect(chunks == [first, second])
    }

    @Test("line breaks win over sentence ends and spaces")
    func prefersLines() {
        let text = "alpha beta gamma. delta\nepsilon zeta eta theta iota kappa"
        let chunks = TextChunker.chunks(text, limit: 30)
        #expect(chunks.first == "alpha beta gamma. delta")
        expectValid(chunks, text: text, limit: 30)
    }

    @Test("sentence ends win over plain spaces")
    func prefersSentences() {
        let text = "One short sentence here! Then another one that keeps going on and on"
        let chunks = TextChunker.chunks(text, limit: 40)
        #expect(chunks == ["One short sentence here!", "Then another one that keeps going on and", "on"])
        expectValid(chunks, text: text, limit: 40)
    }

    @Test("question marks and newlines after a period count as sentence ends")
    func sentenceVariants() {
        let text = "Is this the first question? yes it is and then more words follow here"
        #expect(TextChunker.chunks(text, limit: 40).first == "Is this the first question?")
    }

    @Test("without punctuation the last space in the window is used")
    func splitsAtSpaces() {
        let text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh"
        let chunks = TextChunker.chunks(text, limit: 16)
        #expect(chunks == ["aaaa bbbb cccc", "dddd eeee ffff", "gggg hhhh"])
    }

    @Test("a single word longer than the limit is split hard")
    func hardSplit() {
        let word = String((0..<100).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let chunks = TextChunker.chunks(word, limit: 16)
        #expect(chunks.joined() == word)
        #expect(chunks.dropLast().allSatisfy { $0.count == 16 })
        #expect(chunks.count == 7)
    }

    @Test("a very long line mixed with words is split without losing text")
    func longLine() {
        let text = "start " + String(repeating: "x", count: 500) + " end of the line\nnext line"
        let chunks = TextChunker.chunks(text, limit: 64)
        expectValid(chunks, text: text, limit: 64)
        #expect(chunks.first == "start")
    }

    @Test("emoji and other multi-scalar characters are never split")
    func graphemeClusters() {
        let family = "👨‍👩‍👧‍👦"
        let flag = "🇩🇪"
        let thumb = "👍🏽"
        let accented = "e\u{301}"
        let text = String(repeating: family + flag + thumb + accented, count: 40)
        let chunks = TextChunker.chunks(text, limit: 17)
        #expect(chunks.joined() == text)
        #expect(chunks.allSatisfy { $0.count <= 17 })
        for chunk in chunks {
            #expect(chunk.allSatisfy { [Character(family), Character(flag), Character(thumb), Character(accented)].contains($0) })
        }
    }

    @Test("a 9,000-character reply splits into three Telegram-sized chunks")
    func longReply() {
        var paragraphs: [String] = []
        var index = 0
        while paragraphs.joined(separator: "\n\n").count < 9_000 {
            index += 1
            paragraphs.append("Paragraph \(index). " + String(repeating: "Some words in a sentence. ", count: 8 + index % 5))
        }
        let text = paragraphs.joined(separator: "\n\n")
        #expect(text.count >= 9_000)
        let chunks = TextChunker.chunks(text, limit: 4_000)
        #expect(chunks.count == 3)
        expectValid(chunks, text: text, limit: 4_000)
        // Every chunk ends at a paragraph end.
        for chunk in chunks { #expect(chunk.hasSuffix(".")) }
        #expect(chunks.allSatisfy { $0.hasPrefix("Paragraph ") })
    }

    @Test("a code block spanning chunks is closed and reopened with its fence line")
    func fenceSpansChunks() {
        let code = (1...40).map { "    let value\($0) = compute(\($0))" }.joined(separator: "\n")
        let text = "Here is the code:\n\n```swift\n" + code + "\n```\n\nThat was it."
        let chunks = TextChunker.chunks(text, limit: 300)
        expectValid(chunks, text: text, limit: 300)
        #expect(chunks.count > 3)
        for chunk in chunks.dropFirst().dropLast() {
            #expect(chunk.hasPrefix("```swift\n    let value"), "\(chunk)")
            #expect(chunk.hasSuffix("\n```"))
        }
        #expect(chunks.first?.hasPrefix("Here is the code:") == true)
        #expect(chunks.last?.hasSuffix("That was it.") == true)
    }

    @Test("a fence split keeps code indentation on the continuation")
    func fenceKeepsIndentation() {
        let code = (1...12).map { "\t\tline \($0) of code" }.joined(separator: "\n")
        let text = "```\n" + code + "\n```"
        let chunks = TextChunker.chunks(text, limit: 80)
        expectValid(chunks, text: text, limit: 80)
        #expect(chunks.dropFirst().allSatisfy { $0.hasPrefix("```\n\t\tline") })
    }

    @Test("a split just before a block's closing line reuses it instead of reopening an empty block")
    func splitAtClosingFence() {
        let text = "```\n" + String(repeating: "a", count: 20) + "\n```\nafter the block"
        let chunks = TextChunker.chunks(text, limit: 28)
        #expect(chunks == ["```\n" + String(repeating: "a", count: 20) + "\n```", "after the block"])
    }

    @Test("a chunk never ends with an opening fence and no code")
    func noEmptyBlocks() {
        let text = String(repeating: "word ", count: 8) + "\n```python\nprint('hello world')\nprint('again')\n```"
        let chunks = TextChunker.chunks(text, limit: 48)
        expectValid(chunks, text: text, limit: 48)
        #expect(!chunks.contains { $0.hasSuffix("```python") || $0.hasSuffix("```python\n```") })
    }

    @Test("a block the text never closes stays open only in the last chunk")
    func unclosedFence() {
        let text = "intro\n```js\n" + (1...20).map { "console.log(\($0));" }.joined(separator: "\n")
        let chunks = TextChunker.chunks(text, limit: 64)
        expectValid(chunks, text: text, limit: 64)
        #expect(chunks.count > 2)
        #expect(chunks.dropFirst().allSatisfy { $0.hasPrefix("```js\n") })
    }

    @Test("a long fence line is reopened as a bare marker so code still fits")
    func longFenceLine() {
        let opener = "```" + String(repeating: "x", count: 30)
        let text = opener + "\n" + (1...10).map { "code line \($0)" }.joined(separator: "\n") + "\n```"
        let chunks = TextChunker.chunks(text, limit: 50)
        #expect(chunks.allSatisfy { $0.count <= 50 })
        #expect(chunks.dropFirst().allSatisfy { $0.hasPrefix("```\ncode line") })
        #expect(chunks.allSatisfy { !ChunkInvariants.endsInsideFence($0) })
    }

    @Test("the added fence text counts toward the limit")
    func fenceCountsTowardLimit() {
        let text = "```swift\n" + String(repeating: "x", count: 200) + "\n```"
        for limit in [16, 17, 20, 31, 64] {
            let chunks = TextChunker.chunks(text, limit: limit)
            #expect(chunks.allSatisfy { $0.count <= limit }, "limit \(limit)")
            #expect(chunks.allSatisfy { !ChunkInvariants.endsInsideFence($0) }, "limit \(limit)")
            #expect(chunks.map { $0.filter { $0 == "x" }.count }.reduce(0, +) == 200)
        }
    }

}

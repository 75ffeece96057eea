import Testing

@testable import TalonChannels

@Suite("TelegramHTML adversarial input")
struct TelegramHTMLFuzzTests {
    private static let pieces = [
        "*", "**", "***", "_", "__", "~~", "~", "`", "``", "```", "[", "]", "(", ")", "](", "https://a.io/_x_", "tg://u",
        "javascript:x", "\\", "<", ">", "&", "\"", "#", "# ", "> ", "- ", "\n", "\n```py\n", " ", "a", "word", "snake_case", "👍🏽",
    ]

    @Test("random marker soup always renders to balanced, escaped HTML", arguments: 0..<8)
    func markerSoup(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 77)
        for _ in 0..<250 {
            let markdown = (0..<Int.random(in: 1...40, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
            let output = TelegramHTML.render(markdown: markdown)
            let problem = HTMLTagChecker.problem(in: output)
            #expect(problem == nil, "\(markdown.debugDescription) → \(output.debugDescription): \(problem ?? "")")
            if problem != nil { return }
        }
    }

    @Test("random Markdown documents render to balanced HTML", arguments: 0..<6)
    func documents(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 500)
        let markdown = RandomMarkdown.document(using: &rng)
        let output = TelegramHTML.render(markdown: markdown)
        #expect(HTMLTagChecker.problem(in: output) == nil, "\(output)")
    }

    @Test("known tricky inputs")
    func trickyInputs() {
        let inputs = [
            "**a *b** c*", "*a **b* c**", "_a __b_ c__", "~~a **b~~ c**", "[a **b](https://x.io) c**", "**[a](https://x.io**)",
            "`a **b` c**", "***a** b*", "***a* b**", "*a _b* c_", "[[[[a](https://x.io)", "[a](https://x.io)(b)", "> ```\n> x",
            "# **a\n**b", String(repeating: "*a ", count: 300), String(repeating: "**_~~[", count: 200),
            String(repeating: "*", count: 1_000), "\\", "`", "[", "\n\n\n",
        ]
        for input in inputs {
            let output = TelegramHTML.render(markdown: input)
            #expect(HTMLTagChecker.problem(in: output) == nil, "\(input.debugDescription) → \(output.debugDescription)")
        }
    }

    @Test("the checker itself rejects broken HTML")
    func checkerRejects() {
        #expect(HTMLTagChecker.problem(in: "<b>x") != nil)
        #expect(HTMLTagChecker.problem(in: "<b><i>x</b></i>") != nil)
        #expect(HTMLTagChecker.problem(in: "a < b") != nil)
        #expect(HTMLTagChecker.problem(in: "a & b") != nil)
        #expect(HTMLTagChecker.problem(in: "<code><b>x</b></code>") != nil)
        #expect(HTMLTagChecker.problem(in: "<a href=\"x\"><a href=\"y\">z</a></a>") != nil)
        #expect(HTMLTagChecker.problem(in: "<u>x</u>") != nil)
        #expect(HTMLTagChecker.problem(in: "<b>ok</b> &amp; <a href=\"https://x\">y</a>") == nil)
    }
}

/// Random model-like Markdown for property tests: prose, lists, code blocks, emoji, long words.
enum RandomMarkdown {
    private static let words = [
        "the", "gateway", "answers", "quickly", "snake_case_name", "**bold**", "_it_", "`code`", "~~old~~", "👍🏽", "🇩🇪",
        "naïve", "x<y", "a&b", "[link](https://example.com)", "end.", "what?", "wow!", "*", "_", "**", "[", "](", ")",
    ]
    private static let languages = ["swift", "py", "", "json"]

    /// A document of a few dozen blocks.
    static func document<R: RandomNumberGenerator>(using rng: inout R) -> String {
        var blocks: [String] = []
        for _ in 0..<Int.random(in: 5...30, using: &rng) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: blocks.append("```" + languages.randomElement(using: &rng)! + "\n" + lines(using: &rng, indent: "  ") + "\n```")
            case 1:
                blocks.append((0..<Int.random(in: 1...5, using: &rng)).map { _ in "- " + sentence(using: &rng) }.joined(separator: "\n"))
            case 2: blocks.append("## " + sentence(using: &rng))
            case 3: blocks.append(String(repeating: "z", count: Int.random(in: 20...120, using: &rng)))
            default: blocks.append(lines(using: &rng, indent: ""))
            }
        }
        return blocks.joined(separator: ["\n", "\n\n", "\n \n\n"].randomElement(using: &rng)!)
    }

    /// One line of random words.
    static func sentence<R: RandomNumberGenerator>(using rng: inout R) -> String {
        (0..<Int.random(in: 1...14, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
    }

    /// Lines of words; in code (indented) some are blank, so code has paragraph breaks of its own.
    private static func lines<R: RandomNumberGenerator>(using rng: inout R, indent: String) -> String {
        (0..<Int.random(in: 1...8, using: &rng)).map { _ in
            !indent.isEmpty && Int.random(in: 0..<4, using: &rng) == 0 ? "" : indent + sentence(using: &rng)
        }.joined(separator: "\n")
    }
}

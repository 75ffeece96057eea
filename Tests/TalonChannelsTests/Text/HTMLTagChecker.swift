/// Validates Telegram HTML the way Telegram's parser would reject it: unknown or unbalanced tags, raw "<", ">" or
/// "&" outside tags and entities, tags inside code, links inside links, quotes inside quotes.
enum HTMLTagChecker {
    private static let allowed: Set<String> = ["b", "i", "s", "code", "pre", "a", "blockquote"]
    private static let entities = ["&amp;", "&lt;", "&gt;", "&quot;"]

    /// The first problem found in `html`, or nil when Telegram would accept it.
    static func problem(in html: String) -> String? {
        let chars = Array(html)
        var stack: [String] = []
        var index = 0
        while index < chars.count {
            switch chars[index] {
            case "<":
                guard let close = chars[index...].firstIndex(of: ">") else { return "unterminated tag at \(index)" }
                let tag = String(chars[(index + 1)..<close])
                if let problem = apply(tag, to: &stack) { return problem + " at \(index)" }
                index = close + 1
            case ">":
                return "raw > at \(index)"
            case "&":
                guard let entity = entities.first(where: { chars[index...].starts(with: $0) }) else { return "raw & at \(index)" }
                index += entity.count
            default:
                index += 1
            }
        }
        return stack.isEmpty ? nil : "unclosed \(stack)"
    }

    private static func apply(_ tag: String, to stack: inout [String]) -> String? {
        if tag.hasPrefix("/") {
            let name = String(tag.dropFirst())
            guard stack.last == name else { return "</\(name)> closes \(stack.last ?? "nothing")" }
            stack.removeLast()
            return nil
        }
        let name = String(tag.prefix { $0 != " " })
        guard allowed.contains(name) else { return "unsupported <\(name)>" }
        if let top = stack.last, top == "code" { return "<\(name)> inside <code>" }
        if stack.last == "pre" && name != "code" { return "<\(name)> inside <pre>" }
        if name == "pre" && !stack.isEmpty { return "<pre> nested in \(stack)" }
        if name == "a" && stack.contains("a") { return "nested <a>" }
        if name == "blockquote" && stack.contains("blockquote") { return "nested <blockquote>" }
        let attributes = tag.dropFirst(name.count)
        switch name {
        case "a":
            guard attributes.hasPrefix(" href=\""), attributes.hasSuffix("\""), attributes.count > 8 else { return "bad <a\(attributes)>" }
            if attributes.dropFirst(7).dropLast().contains("\"") { return "raw quote in href" }
        case "code":
            guard attributes.isEmpty || (attributes.hasPrefix(" class=\"language-") && attributes.hasSuffix("\"")) else {
                return "bad <code\(attributes)>"
            }
        default:
            guard attributes.isEmpty else { return "attributes on <\(name)>" }
        }
        stack.append(name)
        return nil
    }
}

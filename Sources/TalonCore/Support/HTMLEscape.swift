/// HTML escaping shared by every page and message Talon renders (WebChat, the intake pages, Telegram HTML, the
/// skills list in the prompt): `&`, `<` and `>` always; `"` (and `'`) where the text may land in a quoted attribute.
public enum HTMLEscape {
    public static func escape(_ text: some StringProtocol, quotes: Bool = true, apostrophes: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            case "'" where apostrophes: output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}

/// HTML escaping for the intake pages: the five characters that matter in text and in quoted
/// attribute values (OWASP's rule #1/#2 set), so every interpolated value stays inert.
enum IntakeHTML {
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}

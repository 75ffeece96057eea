import TalonCore

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    var trimmedText: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension String {
    /// At most `limit` characters, with a marker saying how much was cut.
    func truncated(to limit: Int, marker: String = "\n…[truncated]") -> String {
        guard count > limit else { return self }
        return String(prefix(max(0, limit))) + marker
    }
}

/// JSON helpers shared by the runtime and the tools.
public enum JSONText {
    /// Parses strict (or JSON5) text; nil when it is not valid.
    public static func parse(_ text: String) -> JSONValue? {
        try? JSON5.parse(text)
    }

    /// Parses a JSON object text (overrides, arguments); nil when it is not an object.
    public static func object(_ text: String) -> [String: JSONValue]? {
        parse(text)?.objectValue
    }
}

/// Milliseconds since the epoch (wall clock), the store's unit.
func nowMs() -> Int64 { Clocks.nowMs() }

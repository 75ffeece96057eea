import TalonCore

/// HTML escaping for the intake pages: the five characters that matter in text and in quoted
/// attribute values (OWASP's rule #1/#2 set), so every interpolated value stays inert.
enum IntakeHTML {
    static func escape(_ text: String) -> String { HTMLEscape.escape(text, quotes: true, apostrophes: true) }
}

/// Sender ids as configured: numeric ids, "*" (everyone), channel prefixes stripped ("tg:123", "telegram:123" → "123"), case-insensitive, trimmed.
public struct SenderAllowList: Sendable, Hashable {
    /// Normalized entries; empty ones are dropped.
    private let entries: Set<String>
    /// The normalized entries in configured order (the first numeric one is the owner for deliveries).
    public let orderedEntries: [String]
    /// Lower-cased prefixes stripped from entries and from the ids checked against them.
    private let prefixes: [String]

    /// Builds a list from config entries such as `["123", "tg:456", "*"]`.
    public init(_ entries: [String], prefixes: [String] = ["tg:", "telegram:"]) {
        // Longest first, so "telegram:" wins over a configured "tele" style prefix of it.
        let prefixes = prefixes.map { $0.lowercased() }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.prefixes = prefixes
        let normalized = entries.map { Self.normalize($0, prefixes: prefixes) }.filter { !$0.isEmpty }
        self.orderedEntries = normalized
        self.entries = Set(normalized)
    }

    /// True when no (non-empty) entry was configured.
    public var isEmpty: Bool { entries.isEmpty }

    /// True when the list contains "*".
    public var allowsEveryone: Bool { entries.contains("*") }

    /// True when `senderId` (normalized like the entries) is listed, or the list allows everyone.
    public func contains(_ senderId: String) -> Bool {
        if allowsEveryone { return true }
        let id = Self.normalize(senderId, prefixes: prefixes)
        return !id.isEmpty && entries.contains(id)
    }

    private static func normalize(_ raw: String, prefixes: [String]) -> String {
        var value = raw.trimmingWhitespace().lowercased()
        if let prefix = prefixes.first(where: value.hasPrefix) {
            value = String(value.dropFirst(prefix.count)).trimmingWhitespace()
        }
        return value
    }
}

import Synchronization

/// Per-session skill restrictions: a session key (exact) or key prefix (ending in `*`, or any
/// prefix) maps to the skill names it may use. Longest match wins; bounded.
final class SkillFilters: Sendable {
    static let capacity = 1000
    private let filters = Mutex<[String: Set<String>]>([:])

    /// `skills` nil removes the filter. Returns false when the table is full.
    @discardableResult
    func set(_ skills: Set<String>?, for keyOrPrefix: String) -> Bool {
        let key = keyOrPrefix.lowercased().hasSuffix("*") ? String(keyOrPrefix.lowercased().dropLast()) : keyOrPrefix.lowercased()
        return filters.withLock { table in
            guard let skills else {
                table[key] = nil
                return true
            }
            guard table[key] != nil || table.count < Self.capacity else { return false }
            table[key] = Set(skills.map { $0.lowercased() })
            return true
        }
    }

    /// The allowed names for a session key, nil when unrestricted.
    func allowed(for sessionKey: String) -> Set<String>? {
        filters.withLock { table in
            var best: (length: Int, names: Set<String>)?
            for (prefix, names) in table where sessionKey.hasPrefix(prefix) {
                if best == nil || prefix.count > best!.length { best = (prefix.count, names) }
            }
            return best?.names
        }
    }
}

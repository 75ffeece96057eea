import Foundation

/// Decides whether a group message addresses the bot, and removes the address before the agent sees the text.
public struct MentionMatcher: Sendable {
    /// The bot's username, lower-cased, without "@"; nil when unknown.
    private let username: String?
    /// Compiled once: NSRegularExpression is immutable and documented thread-safe, and Sendable in Foundation
    /// (unlike Swift's `Regex`, which would have to be recompiled on every call).
    private let regexes: [NSRegularExpression]

    /// The configured patterns that failed to compile (skipped), for the caller to report.
    public let invalidPatterns: [String]

    /// botUsername without "@"; patterns are regular expressions (case-insensitive) from messages.groupChat.mentionPatterns; invalid patterns are skipped (report them via `invalidPatterns`).
    ///
    /// An empty pattern counts as invalid: it would match every message. A leading "@" on the username is tolerated.
    public init(botUsername: String?, patterns: [String]) {
        let name = botUsername?.trimmingWhitespace().drop { $0 == "@" }.lowercased() ?? ""
        username = name.isEmpty ? nil : name
        var regexes: [NSRegularExpression] = []
        var invalid: [String] = []
        for pattern in patterns {
            if !pattern.isEmpty, let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
                regexes.append(regex)
            } else {
                invalid.append(pattern)
            }
        }
        self.regexes = regexes
        invalidPatterns = invalid
    }

    /// True when text contains "@botUsername" (case-insensitive, word-bounded), or any pattern matches, or isReplyToBot.
    ///
    /// "/command@botUsername" counts as a mention too: Telegram clients address commands in groups that way.
    public func isMentioned(text: String, isReplyToBot: Bool) -> Bool {
        if isReplyToBot || !mentionRanges(in: text).isEmpty { return true }
        let range = NSRange(text.startIndex..., in: text)
        return regexes.contains { $0.firstMatch(in: text, range: range) != nil }
    }

    /// Removes "@botUsername" occurrences (and a trailing "@botUsername" on a leading /command like "/status@MyBot") and trims.
    ///
    /// A mention that opens the message also takes a following "," or ":" ("@MyBot, status" → "status"), and a
    /// mention between two spaces takes one of them, so no double space is left behind.
    public func stripMention(_ text: String) -> String {
        let ranges = mentionRanges(in: text)
        guard !ranges.isEmpty else { return text.trimmingWhitespace() }
        var result = text
        // Back to front, so earlier ranges stay valid while later ones are removed.
        for range in ranges.reversed() {
            var removal = range
            let before = result[..<range.lowerBound]
            let after = result[range.upperBound...]
            if before.allSatisfy(\.isWhitespace), let next = after.first, next == "," || next == ":" {
                removal = range.lowerBound..<result.index(after: range.upperBound)
            } else if before.last == " ", after.first == " " {
                removal = range.lowerBound..<result.index(after: range.upperBound)
            }
            result.removeSubrange(removal)
        }
        return result.trimmingWhitespace()
    }

    /// The ranges of "@username" mentions: not inside a longer word or username, or the suffix of a "/command".
    private func mentionRanges(in text: String) -> [Range<String.Index>] {
        guard let username else { return [] }
        let needle = "@" + username
        var ranges: [Range<String.Index>] = []
        var searchStart = text.startIndex
        while let found = text.range(of: needle, options: [.caseInsensitive], range: searchStart..<text.endIndex) {
            searchStart = found.upperBound
            let followedByName = found.upperBound < text.endIndex && Self.isUsernameCharacter(text[found.upperBound])
            guard !followedByName else { continue }
            if found.lowerBound == text.startIndex || !Self.isUsernameCharacter(text[text.index(before: found.lowerBound)])
                || Self.isCommandSuffix(text, at: found.lowerBound)
            {
                ranges.append(found)
            }
        }
        return ranges
    }

    /// True when `index` directly follows a "/command" that starts the text or a word.
    private static func isCommandSuffix(_ text: String, at index: String.Index) -> Bool {
        var start = index
        while start > text.startIndex, isUsernameCharacter(text[text.index(before: start)]) {
            start = text.index(before: start)
        }
        guard start > text.startIndex, start < index else { return false }
        let slash = text.index(before: start)
        guard text[slash] == "/" else { return false }
        return slash == text.startIndex || text[text.index(before: slash)].isWhitespace
    }

    /// Telegram usernames use ASCII letters, digits and "_".
    private static func isUsernameCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }
}

import TalonCore

/// `messages.queue`: what happens to messages that arrive while their session is busy.
public struct QueueSettings: Sendable, Hashable {
    public enum Mode: String, Sendable {
        /// Each queued message becomes its own run, in order.
        case followup
        /// Everything queued is coalesced into one follow-up run.
        case collect
    }

    public static let defaultCap = 20
    public var mode: Mode
    /// Queued messages per session; the oldest is dropped beyond it.
    public var cap: Int

    public init(mode: Mode = .followup, cap: Int = defaultCap) {
        self.mode = mode
        self.cap = max(1, cap)
    }

    /// Reads `messages.queue.mode` (`followup`, `collect`; others such as `steer` run as followup) and `cap`.
    public init(messages: JSONValue) {
        let queue = messages["queue"]
        let mode = queue?["mode"]?.stringValue.flatMap { Mode(rawValue: $0.lowercased()) } ?? .followup
        let cap = queue?["cap"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? Self.defaultCap
        self.init(mode: mode, cap: min(cap, 1000))
    }

    /// The text of a coalesced (collect mode) run.
    static func coalesce(_ messages: [String]) -> String {
        guard messages.count > 1 else { return messages.first ?? "" }
        var text = "[Queued messages while agent was busy]"
        for (index, message) in messages.enumerated() {
            text += "\n\n---\nQueued #\(index + 1)\n\(message)"
        }
        return text
    }
}

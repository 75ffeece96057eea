import TalonAgent

/// The slash commands the channel answers itself (others go to the agent as text).
enum TelegramCommand: Sendable, Hashable {
    case new, reset, status, whoami, help

    /// Parses `/name` or `/name@botname` at the start of the text.
    init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("/") else { return nil }
        let word = trimmed.dropFirst().prefix { !$0.isWhitespace }
        let name = word.split(separator: "@", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch name {
        case "new": self = .new
        case "reset": self = .reset
        case "status": self = .status
        case "whoami": self = .whoami
        case "help", "start": self = .help
        default: return nil
        }
    }
}

extension TelegramBot {
    func answer(_ command: TelegramCommand, _ message: TelegramMessage) async -> String {
        let key = runtime.canonicalKey(sessionKey(for: message))
        switch command {
        case .new, .reset:
            do {
                _ = try await runtime.resetSession(key: key)
                return "✅ New session started."
            } catch {
                logger.error("cannot reset a session", metadata: ["error": "\(error)"])
                return "⚠️ The session could not be reset: \(error)"
            }
        case .status:
            do {
                let status = try await runtime.sessionStatus(key: key)
                var lines = [
                    "**Session** `\(status.sessionKey)`", "Model: \(status.model ?? "none configured")",
                    "Tokens: \(status.inputTokens) in / \(status.outputTokens) out",
                ]
                if let thinking = status.thinking { lines.append("Thinking: \(thinking.rawValue)") }
                if status.activeRunId != nil { lines.append("A run is in progress (\(status.queueDepth) queued).") }
                return lines.joined(separator: "\n")
            } catch {
                return "⚠️ The status is not available: \(error)"
            }
        case .whoami:
            var lines = ["Your Telegram user id: `\(message.senderId.map(String.init) ?? "unknown")`"]
            if let username = message.senderUsername { lines.append("Username: @\(username)") }
            lines.append("Chat id: `\(message.chatId)` (\(message.chatType))")
            if let topic = message.topicId { lines.append("Topic id: `\(topic)`") }
            return lines.joined(separator: "\n")
        case .help:
            return TelegramBot.commands.map { "/\($0.0) — \($0.1)" }.joined(separator: "\n")
                + "\n\nAnything else you write goes to the assistant."
        }
    }
}

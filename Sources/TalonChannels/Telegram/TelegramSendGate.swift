/// Paces every send of one bot through Telegram's limits (30/s overall, 1/s per chat, 20/min per group);
/// a 429's `retry_after` pauses all of them.
actor TelegramSendGate {
    private var limiter = SendRateLimiter()

    /// Waits until a message to `chatId` may go.
    func waitTurn(chatId: Int64) async {
        let delay = limiter.reserve(chatId: String(chatId), isGroup: chatId < 0, now: .now)
        if delay > .zero { try? await Task.sleep(for: delay) }
    }

    /// Waits only for a global pause (edits and chat actions are not counted as messages).
    func waitIfPaused() async {
        if let until = limiter.pausedUntil(), until > .now { try? await Task.sleep(until: until) }
    }

    func pause(seconds: Int) {
        limiter.pauseAll(until: .now.advanced(by: .seconds(max(seconds, 1))))
    }
}

/// Telegram's send budget per bot: `globalPerSecond` messages/s across chats (token bucket, burst = globalPerSecond), at most one message per `perChatInterval` per chat, and `groupPerMinute` per group chat (sliding 60 s window).
/// A 429's retry_after pauses every send of the bot.
///
/// Pure bookkeeping: callers pass the time in and sleep for the returned delay themselves, which keeps this a value
/// type that tests drive with fixed instants.
///
/// The global budget is kept as "at most `globalPerSecond` sends in any one-second window". That never allows more
/// than the token bucket would, and unlike a bucket's single refill clock it stays exact when a chat's own limits push
/// its slot into the future: that reservation does not hold up other chats' earlier sends.
public struct SendRateLimiter: Sendable {
    private let globalPerSecond: Int
    private let perChatInterval: Duration
    private let groupPerMinute: Int
    /// Per-chat state older than this can no longer delay a send, so it is dropped.
    private let retention: Duration

    /// Reserved send instants across all chats, sorted; those over a second older than `now` are pruned.
    private var recentSends: [ContinuousClock.Instant] = []
    private var chats: [String: ChatState] = [:]
    private var pause: ContinuousClock.Instant?
    private var lastPrune: ContinuousClock.Instant?

    /// Most chats tracked at once; the least recently used are evicted beyond it.
    var maxTrackedChats = 10_000

    /// The number of chats with state (for tests and diagnostics).
    var trackedChatCount: Int { chats.count }

    private struct ChatState: Sendable {
        /// The latest reserved send to the chat.
        var last: ContinuousClock.Instant
        /// For groups, the reserved sends still inside the window (at most `groupPerMinute`, oldest first).
        var window: [ContinuousClock.Instant]
    }

    /// A limiter with Telegram's documented defaults; counts below 1 are raised to 1.
    public init(globalPerSecond: Int = 30, perChatInterval: Duration = .seconds(1), groupPerMinute: Int = 20) {
        self.globalPerSecond = max(globalPerSecond, 1)
        self.perChatInterval = max(perChatInterval, .zero)
        self.groupPerMinute = max(groupPerMinute, 1)
        retention = max(.seconds(60), self.perChatInterval)
    }

    /// Reserves a slot for one send to `chatId` at or after `now` and returns how long the caller must wait before sending (zero = now). The reservation is recorded, so calling it twice for one chat returns increasing delays. Memory stays bounded: per-chat state older than a minute is dropped (cap the tracked chats, e.g. 10_000, evicting the oldest).
    public mutating func reserve(chatId: String, isGroup: Bool, now: ContinuousClock.Instant) -> Duration {
        pruneIfDue(now: now)
        var send = now
        if let pause { send = max(send, pause) }
        let previous = chats[chatId]
        if let previous {
            send = max(send, previous.last + perChatInterval)
            if isGroup, previous.window.count >= groupPerMinute {
                send = max(send, previous.window[previous.window.count - groupPerMinute] + .seconds(60))
            }
        }
        send = earliestGlobalSlot(notBefore: send)
        // Record the slot in every budget it uses.
        recentSends.insert(send, at: firstIndex(in: recentSends, notBefore: send))
        var state = previous ?? ChatState(last: send, window: [])
        state.last = send
        if isGroup {
            state.window.append(send)
            if state.window.count > groupPerMinute { state.window.removeFirst(state.window.count - groupPerMinute) }
        }
        chats[chatId] = state
        if chats.count > maxTrackedChats { evictOldest() }
        return send - now
    }

    /// Every reservation made after this returns a delay reaching at least `until`.
    ///
    /// A shorter pause never cuts an existing longer one short.
    public mutating func pauseAll(until: ContinuousClock.Instant) {
        pause = max(pause ?? until, until)
    }

    /// The end of the latest pause, if any was set (it may already be past).
    public func pausedUntil() -> ContinuousClock.Instant? {
        pause
    }

    // MARK: Global window

    /// The earliest instant at or after `candidate` that no one-second window already holding `globalPerSecond`
    /// sends contains.
    private func earliestGlobalSlot(notBefore candidate: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let window = Duration.seconds(1)
        var slot = candidate
        while true {
            // Windows [start, start + 1 s) that contain `slot` start at a send in (slot - 1 s, slot], or at slot itself.
            var next = slot
            var index = firstIndex(in: recentSends, after: slot - window)
            while index < recentSends.count, recentSends[index] <= slot {
                let start = recentSends[index]
                if sends(from: start, within: window) >= globalPerSecond { next = max(next, start + window) }
                index += 1
            }
            if sends(from: slot, within: window) >= globalPerSecond {
                // The window starting here is full of later reservations; no slot before the first of them + 1 s fits.
                next = max(next, recentSends[firstIndex(in: recentSends, notBefore: slot)] + window)
            }
            if next == slot { return slot }
            slot = next
        }
    }

    /// The number of reserved sends in [start, start + length).
    private func sends(from start: ContinuousClock.Instant, within length: Duration) -> Int {
        firstIndex(in: recentSends, notBefore: start + length) - firstIndex(in: recentSends, notBefore: start)
    }

    private func firstIndex(in sorted: [ContinuousClock.Instant], notBefore instant: ContinuousClock.Instant) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < instant { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func firstIndex(in sorted: [ContinuousClock.Instant], after instant: ContinuousClock.Instant) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= instant { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: Memory bounds

    /// Drops chats idle past `retention`, at most once per retention period so each reserve stays O(1) amortized.
    private mutating func pruneIfDue(now: ContinuousClock.Instant) {
        // Sends more than a second old are in no window a new slot (at or after `now`) can fall in.
        recentSends.removeFirst(firstIndex(in: recentSends, notBefore: now - .seconds(1)))
        if let lastPrune, now - lastPrune < retention { return }
        lastPrune = now
        chats = chats.filter { now - $0.value.last < retention }
    }

    /// Evicts the least recently reserved tenth of the cap in one go, so a full table is not re-sorted on every send.
    private mutating func evictOldest() {
        let excess = chats.count - maxTrackedChats + max(maxTrackedChats / 10, 1)
        let oldest = chats.sorted { $0.value.last < $1.value.last }.prefix(excess)
        for (chatId, _) in oldest { chats.removeValue(forKey: chatId) }
    }
}

import Testing

@testable import TalonChannels

@Suite("SendRateLimiter")
struct SendRateLimiterTests {
    private let t0 = ContinuousClock.now

    @Test("the first send goes out at once")
    func firstSend() {
        var limiter = SendRateLimiter()
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .zero)
    }

    @Test("the 31st send within a second to different chats waits")
    func globalBudget() {
        var limiter = SendRateLimiter()
        for chat in 0..<30 {
            #expect(limiter.reserve(chatId: "c\(chat)", isGroup: false, now: t0) == .zero, "send \(chat)")
        }
        #expect(limiter.reserve(chatId: "c30", isGroup: false, now: t0.advanced(by: .milliseconds(400))) == .milliseconds(600))
        // A second after the burst there is room for a full one again.
        for chat in 31..<61 {
            #expect(limiter.reserve(chatId: "c\(chat)", isGroup: false, now: t0.advanced(by: .seconds(2))) == .zero)
        }
        #expect(limiter.reserve(chatId: "c61", isGroup: false, now: t0.advanced(by: .seconds(2))) == .seconds(1))
    }

    @Test("sends spread over a second stay within 30 per second")
    func globalRate() {
        var limiter = SendRateLimiter()
        var sendTimes: [ContinuousClock.Instant] = []
        for index in 0..<120 {
            let now = t0.advanced(by: .milliseconds(index * 5))
            sendTimes.append(now.advanced(by: limiter.reserve(chatId: "c\(index)", isGroup: false, now: now)))
        }
        // No one-second window holds more than 30 sends, and the sends still go out at the full rate.
        let sorted = sendTimes.sorted()
        for (index, start) in sorted.enumerated() {
            #expect(sorted[index...].prefix { $0 < start.advanced(by: .seconds(1)) }.count <= 30)
        }
        #expect(sorted.last! < t0.advanced(by: .seconds(4)))
    }

    @Test("a chat's delayed slot does not hold up other chats")
    func outOfOrderReservations() {
        var limiter = SendRateLimiter()
        for _ in 0..<5 { _ = limiter.reserve(chatId: "busy", isGroup: false, now: t0) }
        for chat in 0..<29 {
            #expect(limiter.reserve(chatId: "c\(chat)", isGroup: false, now: t0) == .zero, "chat \(chat)")
        }
        // Now [t0, t0 + 1 s) is full; the next slot is a second after the first send.
        #expect(limiter.reserve(chatId: "late", isGroup: false, now: t0) == .seconds(1))
    }

    @Test("a window filled by future reservations is skipped whole")
    func futureWindowFull() {
        var limiter = SendRateLimiter(globalPerSecond: 2, perChatInterval: .zero, groupPerMinute: 20)
        limiter.pauseAll(until: t0.advanced(by: .milliseconds(500)))
        _ = limiter.reserve(chatId: "a", isGroup: false, now: t0)  // At t0 + 0.5 s.
        _ = limiter.reserve(chatId: "b", isGroup: false, now: t0.advanced(by: .milliseconds(900)))
        var unpaused = limiter
        // Both slots lie within a second of each other, so the next fits only a second after the first of them.
        #expect(unpaused.reserve(chatId: "c", isGroup: false, now: t0.advanced(by: .milliseconds(500))) == .seconds(1))
    }

    @Test("two sends to one chat are a second apart")
    func perChat() {
        var limiter = SendRateLimiter()
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .zero)
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .seconds(1))
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .seconds(2))
        #expect(limiter.reserve(chatId: "2", isGroup: false, now: t0) == .zero)
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0.advanced(by: .seconds(5))) == .zero)
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0.advanced(by: .milliseconds(5_400))) == .milliseconds(600))
    }

    @Test("the 21st group send waits until a minute after the first")
    func groupBudget() {
        var limiter = SendRateLimiter()
        var sendTimes: [ContinuousClock.Instant] = []
        for index in 0..<21 {
            let now = t0.advanced(by: .seconds(index))
            sendTimes.append(now.advanced(by: limiter.reserve(chatId: "-100", isGroup: true, now: now)))
        }
        #expect(sendTimes[0] == t0)
        #expect(sendTimes[19] == t0.advanced(by: .seconds(19)))
        #expect(sendTimes[20] == t0.advanced(by: .seconds(60)))
        // The 22nd follows the second send's minute.
        let next = limiter.reserve(chatId: "-100", isGroup: true, now: t0.advanced(by: .seconds(21)))
        #expect(t0.advanced(by: .seconds(21)).advanced(by: next) == t0.advanced(by: .seconds(61)))
        // Other groups and private chats are unaffected.
        #expect(limiter.reserve(chatId: "-200", isGroup: true, now: t0.advanced(by: .seconds(21))) == .zero)
    }

    @Test("private chats have no per-minute cap")
    func privateNoMinuteCap() {
        var limiter = SendRateLimiter()
        var last = Duration.zero
        for index in 0..<25 {
            last = limiter.reserve(chatId: "7", isGroup: false, now: t0.advanced(by: .seconds(index)))
        }
        #expect(last == .zero)
    }

    @Test("pauseAll delays every later reservation to the pause end")
    func pause() {
        var limiter = SendRateLimiter()
        #expect(limiter.pausedUntil() == nil)
        let until = t0.advanced(by: .seconds(7))
        limiter.pauseAll(until: until)
        #expect(limiter.pausedUntil() == until)
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .seconds(7))
        #expect(limiter.reserve(chatId: "2", isGroup: true, now: t0.advanced(by: .seconds(3))) >= .seconds(4))
        #expect(limiter.reserve(chatId: "1", isGroup: false, now: t0) == .seconds(8))
        // A shorter pause does not cut the longer one short.
        limiter.pauseAll(until: t0.advanced(by: .seconds(2)))
        #expect(limiter.pausedUntil() == until)
        #expect(limiter.reserve(chatId: "3", isGroup: false, now: t0.advanced(by: .seconds(10))) == .zero)
    }

    @Test("custom budgets are honoured")
    func customBudgets() {
        var limiter = SendRateLimiter(globalPerSecond: 2, perChatInterval: .milliseconds(100), groupPerMinute: 2)
        #expect(limiter.reserve(chatId: "a", isGroup: false, now: t0) == .zero)
        #expect(limiter.reserve(chatId: "b", isGroup: false, now: t0) == .zero)
        #expect(limiter.reserve(chatId: "c", isGroup: false, now: t0) == .seconds(1))
        #expect(limiter.reserve(chatId: "c", isGroup: false, now: t0) == .milliseconds(1_100))
        // [t0 + 1 s, t0 + 2 s) now holds two sends as well.
        #expect(limiter.reserve(chatId: "d", isGroup: false, now: t0) == .seconds(2))
        var groups = SendRateLimiter(globalPerSecond: 100, perChatInterval: .zero, groupPerMinute: 2)
        #expect(groups.reserve(chatId: "g", isGroup: true, now: t0) == .zero)
        #expect(groups.reserve(chatId: "g", isGroup: true, now: t0) == .zero)
        #expect(groups.reserve(chatId: "g", isGroup: true, now: t0) == .seconds(60))
    }

    @Test("idle chats are dropped and the tracked chats are capped")
    func boundedMemory() {
        var limiter = SendRateLimiter(globalPerSecond: 1_000_000)
        for index in 0..<50 { _ = limiter.reserve(chatId: "old\(index)", isGroup: true, now: t0) }
        #expect(limiter.trackedChatCount == 50)
        _ = limiter.reserve(chatId: "new", isGroup: false, now: t0.advanced(by: .seconds(61)))
        #expect(limiter.trackedChatCount == 1)

        var capped = SendRateLimiter(globalPerSecond: 1_000_000)
        capped.maxTrackedChats = 100
        for index in 0..<1_000 {
            _ = capped.reserve(chatId: "c\(index)", isGroup: false, now: t0.advanced(by: .microseconds(index)))
            #expect(capped.trackedChatCount <= 100)
        }
        // The most recent chat survives eviction and is still limited.
        #expect(capped.reserve(chatId: "c999", isGroup: false, now: t0.advanced(by: .milliseconds(1))) > .zero)
    }
}

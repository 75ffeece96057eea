import Testing

@testable import TalonChannels

@Suite("SendRateLimiter schedules")
struct SendRateLimiterPropertyTests {
    private struct Send {
        var chat: String
        var isGroup: Bool
        var reservedAt: ContinuousClock.Instant
        var at: ContinuousClock.Instant
    }

    @Test("random traffic never breaks any budget", arguments: 0..<6)
    func randomTraffic(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 4_242)
        let t0 = ContinuousClock.now
        let globalPerSecond = [3, 10, 30].randomElement(using: &rng)!
        var limiter = SendRateLimiter(globalPerSecond: globalPerSecond, perChatInterval: .milliseconds(700), groupPerMinute: 5)
        var now = t0
        var sends: [Send] = []
        var pauses: [(from: ContinuousClock.Instant, until: ContinuousClock.Instant)] = []
        for _ in 0..<400 {
            now = now.advanced(by: .milliseconds(Int.random(in: 0...150, using: &rng)))
            if Int.random(in: 0..<100, using: &rng) == 0 {
                let until = now.advanced(by: .milliseconds(Int.random(in: 100...3_000, using: &rng)))
                limiter.pauseAll(until: until)
                pauses.append((now, until))
            }
            let chatNumber = Int.random(in: 0..<12, using: &rng)
            let isGroup = chatNumber < 4
            let delay = limiter.reserve(chatId: "chat\(chatNumber)", isGroup: isGroup, now: now)
            #expect(delay >= .zero)
            sends.append(Send(chat: "chat\(chatNumber)", isGroup: isGroup, reservedAt: now, at: now.advanced(by: delay)))
        }
        let times = sends.map(\.at).sorted()
        for (index, start) in times.enumerated() {
            #expect(times[index...].prefix { $0 < start.advanced(by: .seconds(1)) }.count <= globalPerSecond)
        }
        for chat in Set(sends.map(\.chat)) {
            let chatSends = sends.filter { $0.chat == chat }.map(\.at)
            for (earlier, later) in zip(chatSends, chatSends.dropFirst()) {
                #expect(later - earlier >= .milliseconds(700))
            }
            if sends.first(where: { $0.chat == chat })!.isGroup {
                for (index, start) in chatSends.enumerated() {
                    #expect(chatSends[index...].prefix { $0 < start.advanced(by: .seconds(60)) }.count <= 5)
                }
            }
        }
        for pause in pauses {
            for send in sends where send.reservedAt >= pause.from { #expect(send.at >= pause.until) }
        }
    }
}

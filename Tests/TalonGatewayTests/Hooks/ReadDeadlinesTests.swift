import TalonTestSupport
import Testing

@testable import TalonGateway

@Suite("Read deadlines: one coarse timer for all body reads")
struct ReadDeadlinesTests {
    @Test("an armed deadline fires once, about on time; a disarmed one never fires; the timer stops when idle")
    func firesOnceAndDisarms() async throws {
        let deadlines = ReadDeadlines(tick: .milliseconds(10))
        let fired = LockedBox<[String]>([])
        let start = ContinuousClock.now
        _ = deadlines.arm(after: .milliseconds(50)) { fired.withLock { $0.append("late") } }
        let cancelled = deadlines.arm(after: .milliseconds(50)) { fired.withLock { $0.append("cancelled") } }
        deadlines.disarm(cancelled)
        try await Wait.until(timeout: .seconds(5), "deadline fired", poll: .milliseconds(5)) { !fired.withLock { $0.isEmpty } }
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == ["late"])
        #expect(deadlines.armedCount == 0)

        // Armed again after the timer went idle: it starts again.
        _ = deadlines.arm(after: .milliseconds(20)) { fired.withLock { $0.append("again") } }
        try await Wait.until(timeout: .seconds(5), "second deadline fired", poll: .milliseconds(5)) { fired.withLock { $0.count == 2 } }
        #expect(fired.withLock { $0 } == ["late", "again"])
    }

    @Test("many reads armed and disarmed at once leave nothing behind")
    func manyConcurrent() async throws {
        let deadlines = ReadDeadlines(tick: .milliseconds(10))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let id = deadlines.arm(after: .seconds(10)) { Issue.record("a disarmed deadline fired") }
                    await Task.yield()
                    deadlines.disarm(id)
                }
            }
        }
        #expect(deadlines.armedCount == 0)
        try await Task.sleep(for: .milliseconds(50))
    }
}

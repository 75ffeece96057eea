import Logging
import TalonStore
import TalonTestSupport
import Testing

@testable import TalonGateway

@Suite("Dedupe sweeper service")
struct DedupeSweeperTests {
    @Test("expired keys are swept on the interval; live keys stay")
    func sweeps() async throws {
        let dir = try TempDir()
        let store = try await StoreFactory.open(.sqlite(path: dir.file("talon.sqlite")), logger: Logger(label: "test"))
        try await store.migrate()
        let now: Int64 = 1_000_000
        _ = try await store.claimDedupe(scope: "hooks", key: "old", value: "run-1", nowMs: now - 10_000, ttlMs: 1_000)
        _ = try await store.claimDedupe(scope: "hooks", key: "live", value: "run-2", nowMs: now, ttlMs: 60_000)
        let lines = LockedBox<[String]>([])
        let sweeper = DedupeSweeper(store: store, interval: .milliseconds(20), logger: CapturingLogHandler.logger(lines), clock: { now })
        let task = Task { try await sweeper.run() }
        try await Wait.until(timeout: .seconds(10), "background sweep") {
            lines.withLock { $0.contains { $0.hasPrefix("swept expired dedupe keys") && $0.contains("count=1") } }
        }
        task.cancel()
        _ = try? await task.value
        // Nothing is left for a manual sweep: the background one removed the expired key.
        #expect(try await store.sweepDedupe(nowMs: now) == 0)
        #expect(try await store.claimDedupe(scope: "hooks", key: "live", value: "x", nowMs: now, ttlMs: 1) == .existing(value: "run-2"))
        await store.close()
    }

    @Test("a sweep against a closed store logs and returns 0 instead of failing")
    func closedStore() async throws {
        let dir = try TempDir()
        let store = try await StoreFactory.open(.sqlite(path: dir.file("talon.sqlite")), logger: Logger(label: "test"))
        try await store.migrate()
        await store.close()
        let sweeper = DedupeSweeper(store: store, logger: Logger(label: "test"))
        #expect(await sweeper.sweepOnce() == 0)
    }
}

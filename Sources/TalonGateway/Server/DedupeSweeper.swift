import Logging
import ServiceLifecycle
import TalonCore
import TalonStore

/// Deletes expired idempotency/dedupe keys on a fixed interval so the table stays bounded.
///
/// Expired keys already count as free when claimed; sweeping only reclaims the space. A failed sweep
/// (database away) is logged and retried at the next tick.
public struct DedupeSweeper: Service {
    let store: any Store
    let interval: Duration
    let logger: Logger
    let clock: @Sendable () -> Int64

    public init(
        store: any Store, interval: Duration = .seconds(600), logger: Logger, clock: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await sweepOnce()
                }
            }
        } catch is CancellationError {
            // Shutdown: nothing left to do.
        }
    }

    /// One sweep; returns how many keys were removed (0 when the store is unreachable).
    @discardableResult
    public func sweepOnce() async -> Int {
        do {
            let removed = try await store.sweepDedupe(nowMs: clock())
            // Answered channel messages and finished sends are kept a day (Telegram redelivers for at most 24 h).
            try await store.sweepChannels(beforeMs: clock() - 24 * 3_600_000)
            if removed > 0 { logger.debug("swept expired dedupe keys", metadata: ["count": .stringConvertible(removed)]) }
            return removed
        } catch {
            logger.warning("dedupe sweep failed", metadata: ["error": .string("\(error)")])
            return 0
        }
    }
}

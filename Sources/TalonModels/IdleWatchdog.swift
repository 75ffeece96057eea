import Synchronization

/// Tracks the last time bytes arrived and fails once the stream has been silent for too long.
/// Run `expire(afterIdle:)` as a sibling task of the request; `touch()` on every chunk.
final class IdleWatchdog: Sendable {
    private let lastActivity = Mutex(ContinuousClock.now)

    func touch() {
        lastActivity.withLock { $0 = .now }
    }

    /// Returns only by throwing: `CancellationError` when the request finished first, `timeout` when idle.
    func expire(afterIdle seconds: Int, timeout: ModelError) async throws -> Never {
        let limit = Duration.seconds(seconds)
        while true {
            let deadline = lastActivity.withLock { $0 } + limit
            if ContinuousClock.now >= deadline { throw timeout }
            try await Task.sleep(until: deadline, clock: .continuous)
        }
    }
}

import Synchronization

/// `operation` ran past its limit; `abandon` was called so it could finish.
struct DeadlineExceeded: Error {}

/// Runs `operation` with a time limit. Its SDK calls do not react to task cancellation, so when the limit passes, or
/// the caller is cancelled, `abandon` is called to make `operation` end (cancel the JSON-RPC request, disconnect).
func withDeadline<T: Sendable>(
    _ limit: Duration, abandon: @escaping @Sendable () async -> Void, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    return try await withTaskCancellationHandler {
        try await withThrowingTaskGroup(of: DeadlineOutcome<T>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                try await Task.sleep(for: limit)
                return .timedOut
            }
            let first: DeadlineOutcome<T>
            do {
                first = try await group.next() ?? .timedOut
            } catch {
                // `operation` failed (the timer child only sleeps), or the caller was cancelled and the timer threw:
                // then `onCancel` has already called `abandon`.
                group.cancelAll()
                throw error
            }
            switch first {
            case .finished(let value):
                group.cancelAll()
                return value
            case .timedOut:
                await abandon()
                group.cancelAll()
                throw DeadlineExceeded()
            }
        }
    } onCancel: {
        Task { await abandon() }
    }
}

private enum DeadlineOutcome<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}

/// Waits for a task without owning it: returns when it ends or after `limit`, whichever comes first.
enum BoundedWait {
    static func wait<T: Sendable>(for task: Task<T, any Error>, atMost limit: Duration) async {
        let once = OnceResume()
        let timer = Task {
            try? await Task.sleep(for: limit)
            once.resume()
        }
        Task {
            _ = try? await task.value
            once.resume()
        }
        await withCheckedContinuation { once.set($0) }
        timer.cancel()
    }
}

/// A continuation resumed at most once, whether `resume()` comes before or after `set`.
private final class OnceResume: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Void, Never>?)
        case resumed
    }

    private let state = Mutex(State.waiting(nil))

    func set(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state in
            guard case .waiting = state else { return true }
            state = .waiting(continuation)
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func resume() {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .resumed
            return continuation
        }
        continuation?.resume()
    }
}

import Synchronization

/// An operation did not finish within its bound.
struct OperationTimedOut: Error, Sendable {
    let after: Duration
}

/// Runs `operation` and returns its result, or throws `OperationTimedOut` once `timeout` has passed.
///
/// Unlike a task group, this does not wait for the operation to notice cancellation: a query stuck on a
/// half-open TCP connection may never return, and the caller must still get its answer (a 503) on time.
/// The abandoned operation is cancelled and left to finish in the background.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let gate = ResultGate<T>()
    let work = Task {
        do {
            gate.complete(.success(try await operation()))
        } catch {
            gate.complete(.failure(error))
        }
    }
    let timer = Task {
        guard (try? await Task.sleep(for: timeout)) != nil else { return }
        gate.complete(.failure(OperationTimedOut(after: timeout)))
    }
    defer {
        timer.cancel()
        work.cancel()  // no-op when it already finished; stops an abandoned operation otherwise
    }
    return try await withTaskCancellationHandler {
        try await gate.wait()
    } onCancel: {
        gate.complete(.failure(CancellationError()))
    }
}

/// A single-assignment result that one waiter can await; later completions are ignored.
private final class ResultGate<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }

    private let state = Mutex(State())

    func complete(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func wait() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension Duration {
    /// "2 s", "1500 ms": for messages (the default description prints attosecond noise).
    var shortDescription: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}

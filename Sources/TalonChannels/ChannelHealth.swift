/// Where channels report that they cannot work (the gateway's `/readyz` shows it) and that they recovered.
public protocol ChannelHealthReporter: Sendable {
    func setFailing(_ component: String, reason: String) async
    func clear(_ component: String) async
}

/// A wake-up signal with a memory of one: signals while the consumer is busy become one wake-up,
/// so the producer never blocks and memory stays flat. One consumer at a time.
actor WakeSignal {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?

    func fire() {
        if let waiter {
            self.waiter = nil
            timer?.cancel()
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns on a signal or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        await withCheckedContinuation { continuation in
            waiter = continuation
            timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire()
            }
        }
    }

    private func expire() {
        guard let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}

/// Runs async critical sections one at a time, in arrival order (actor methods alone interleave at each
/// `await`). Used where a check-then-write must not race, such as the pending-pairing cap.
actor SerialGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

import TalonStore

/// Group commit for webhook intake: deliveries that arrive while a batch is being written wait in a bounded
/// queue and go to the store together, as ONE `claimAndWrite` transaction (a handful of statements per batch
/// instead of two or three round trips per delivery). No timer: the batch is whatever queued up during the
/// previous write, so an idle gateway writes a delivery at once. Each waiter gets its own result; a failed batch
/// fails every waiter and wrote nothing.
actor IntakeBatcher {
    /// The queue is full: the caller answers 503 with Retry-After and stores nothing.
    struct Full: Error {}

    let store: any Store
    /// Deliveries waiting for the next batch, at most.
    let maxQueued: Int
    /// Entries per transaction, at most.
    let maxBatch: Int
    let ttlMs: Int64
    let clock: @Sendable () -> Int64

    private var queue: [Waiter] = []
    private var writing = false

    private struct Waiter {
        var entry: ClaimAndWrite
        var continuation: CheckedContinuation<DedupeClaim, any Error>
    }

    init(store: any Store, maxQueued: Int = 1024, maxBatch: Int = 128, ttlMs: Int64, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.maxQueued = max(1, maxQueued)
        self.maxBatch = max(1, maxBatch)
        self.ttlMs = ttlMs
        self.clock = clock
    }

    /// Claims and writes `entry` with whatever else is waiting; throws `Full` at once when the queue is full.
    func submit(_ entry: ClaimAndWrite) async throws -> DedupeClaim {
        guard queue.count < maxQueued else { throw Full() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Waiter(entry: entry, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    var queued: Int { queue.count }

    /// Writes batches until the queue is empty. New deliveries queue up while a batch is in the store, so the
    /// batch size follows the load: one entry when idle, up to `maxBatch` under pressure.
    private func drain() async {
        while !queue.isEmpty {
            let batch: [Waiter]
            if queue.count <= maxBatch {
                batch = queue
                queue.removeAll(keepingCapacity: true)
            } else {
                batch = Array(queue.prefix(maxBatch))
                queue.removeFirst(maxBatch)
            }
            do {
                let outcomes = try await store.claimAndWrite(batch.map(\.entry), nowMs: clock(), ttlMs: ttlMs)
                guard outcomes.count == batch.count else {
                    throw StoreError.failed("claimAndWrite returned \(outcomes.count) results for \(batch.count) entries")
                }
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(returning: outcome) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}

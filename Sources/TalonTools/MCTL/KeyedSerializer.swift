/// Runs work for the same key one at a time (FIFO), different keys in parallel. The incident tool
/// uses it per event id so two concurrent tool calls cannot both claim or both send a result: the
/// second one sees what the first one stored. Waiting suspends, it never blocks a thread.
actor KeyedSerializer {
    static let incidents = KeyedSerializer()

    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    private func acquire(_ key: String) async {
        guard busy.contains(key) else {
            busy.insert(key)
            return
        }
        // Ownership is handed over by `release`, so `busy` stays set for us.
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(key)
        }
    }

    nonisolated func run<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        do {
            let value = try await body()
            await release(key)
            return value
        } catch {
            await release(key)
            throw error
        }
    }
}

import Foundation
import Synchronization

/// Fans agent events out to subscribers. Yielding happens under the lock so every subscriber sees
/// one run's events in the order they were emitted; each buffer is bounded (`bufferingNewest`),
/// so a slow subscriber drops its oldest events and never blocks a run.
final class EventHub: Sendable {
    static let bufferSize = 1024
    static let maxSubscribers = 10_000
    private let subscribers = Mutex<[UUID: AsyncStream<AgentEvent>.Continuation]>([:])

    func subscribe() -> AsyncStream<AgentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AgentEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let id = UUID()
        let added = subscribers.withLock { table in
            guard table.count < Self.maxSubscribers else { return false }
            table[id] = continuation
            return true
        }
        guard added else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: AgentEvent) {
        subscribers.withLock { table in
            for continuation in table.values { continuation.yield(event) }
        }
    }

    var count: Int { subscribers.withLock { $0.count } }
}

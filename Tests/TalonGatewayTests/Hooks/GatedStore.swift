import TalonStore
import TalonTestSupport

/// A store that forwards to `inner` but holds each `claimAndWrite` until the test opens the gate, recording
/// the size of every batch: lets a test line deliveries up behind a batch in flight.
final class GatedStore: Store {
    let inner: any Store
    private let state = LockedBox<(open: Bool, waiting: [CheckedContinuation<Void, Never>], batches: [Int])>((false, [], []))

    init(_ inner: any Store) {
        self.inner = inner
    }

    var batchSizes: [Int] { state.withLock { $0.batches } }
    var heldBatches: Int { state.withLock { $0.waiting.count } }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    func claimAndWrite(_ entries: [ClaimAndWrite], nowMs: Int64, ttlMs: Int64) async throws -> [DedupeClaim] {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state in
                state.batches.append(entries.count)
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if proceed { continuation.resume() }
        }
        return try await inner.claimAndWrite(entries, nowMs: nowMs, ttlMs: ttlMs)
    }

    var backend: String { inner.backend }
    func migrate() async throws { try await inner.migrate() }
    func schemaVersion() async throws -> Int { try await inner.schemaVersion() }
    func ping(timeout: Duration) async throws { try await inner.ping(timeout: timeout) }
    func close() async { await inner.close() }
    func upsertSession(_ session: SessionRecord) async throws { try await inner.upsertSession(session) }
    func session(key: String) async throws -> SessionRecord? { try await inner.session(key: key) }
    func listSessions(agentId: String?, limit: Int) async throws -> [SessionRecord] {
        try await inner.listSessions(agentId: agentId, limit: limit)
    }
    func deleteSession(key: String) async throws -> Bool { try await inner.deleteSession(key: key) }
    func appendTranscript(sessionId: String, payloadJSON: String, atMs: Int64) async throws -> Int64 {
        try await inner.appendTranscript(sessionId: sessionId, payloadJSON: payloadJSON, atMs: atMs)
    }
    func transcript(sessionId: String, afterSeq: Int64, limit: Int) async throws -> [TranscriptEntry] {
        try await inner.transcript(sessionId: sessionId, afterSeq: afterSeq, limit: limit)
    }
    func transcriptTail(sessionId: String, limit: Int) async throws -> [TranscriptEntry] {
        try await inner.transcriptTail(sessionId: sessionId, limit: limit)
    }
    func recordUsage(_ usage: UsageRecord) async throws { try await inner.recordUsage(usage) }
    func usage(sessionId: String, limit: Int) async throws -> [UsageRecord] { try await inner.usage(sessionId: sessionId, limit: limit) }
    func claimDedupe(scope: String, key: String, value: String, nowMs: Int64, ttlMs: Int64) async throws -> DedupeClaim {
        try await inner.claimDedupe(scope: scope, key: key, value: value, nowMs: nowMs, ttlMs: ttlMs)
    }
    func sweepDedupe(nowMs: Int64) async throws -> Int { try await inner.sweepDedupe(nowMs: nowMs) }
    func kvGet(namespace: String, key: String) async throws -> String? { try await inner.kvGet(namespace: namespace, key: key) }
    func kvSet(namespace: String, key: String, value: String, nowMs: Int64) async throws {
        try await inner.kvSet(namespace: namespace, key: key, value: value, nowMs: nowMs)
    }
    func kvDelete(namespace: String, key: String) async throws -> Bool { try await inner.kvDelete(namespace: namespace, key: key) }
    func kvList(namespace: String, limit: Int) async throws -> [KVEntry] { try await inner.kvList(namespace: namespace, limit: limit) }
    func inboxAdd(channel: String, account: String, externalId: String, payloadJSON: String, nowMs: Int64) async throws -> Bool {
        try await inner.inboxAdd(channel: channel, account: account, externalId: externalId, payloadJSON: payloadJSON, nowMs: nowMs)
    }
    func inboxPending(channel: String, account: String, limit: Int) async throws -> [InboxItem] {
        try await inner.inboxPending(channel: channel, account: account, limit: limit)
    }
    func inboxComplete(id: Int64, replies: [OutboxDraft], channel: String, account: String, nowMs: Int64) async throws {
        try await inner.inboxComplete(id: id, replies: replies, channel: channel, account: account, nowMs: nowMs)
    }
    func outboxAdd(channel: String, account: String, draft: OutboxDraft, nowMs: Int64) async throws -> Int64 {
        try await inner.outboxAdd(channel: channel, account: account, draft: draft, nowMs: nowMs)
    }
    func outboxPending(channel: String, account: String, limit: Int) async throws -> [OutboxItem] {
        try await inner.outboxPending(channel: channel, account: account, limit: limit)
    }
    func outboxUpdate(id: Int64, state: OutboxState, attempts: Int, nextAttemptMs: Int64, lastError: String?, nowMs: Int64) async throws {
        try await inner.outboxUpdate(
            id: id, state: state, attempts: attempts, nextAttemptMs: nextAttemptMs, lastError: lastError, nowMs: nowMs)
    }
    func sweepChannels(beforeMs: Int64) async throws -> Int { try await inner.sweepChannels(beforeMs: beforeMs) }
    func acquireLease(name: String, holder: String, nowMs: Int64, ttlMs: Int64) async throws -> Bool {
        try await inner.acquireLease(name: name, holder: holder, nowMs: nowMs, ttlMs: ttlMs)
    }
    func releaseLease(name: String, holder: String) async throws { try await inner.releaseLease(name: name, holder: holder) }
}

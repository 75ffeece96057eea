import Foundation
import Logging
import TalonModels

/// A run waiting in (or taken from) a session lane. `mergedRunIds` are runs coalesced into it
/// (collect mode); they end with its outcome.
struct ScheduledRun: Sendable {
    var request: RunRequest
    var runId: String
    var sessionKey: String
    var mergedRunIds: [String] = []
    /// The run body (the runtime's tool loop); returns the outcome, never throws.
    var execute: @Sendable (ScheduledRun) async -> RunOutcome

    var allRunIds: [String] { [runId] + mergedRunIds }
}

/// Lanes per session key (one run at a time per key, a bounded queue behind it) under a global cap
/// on parallel runs. Lanes of idle keys are removed; finished statuses live in a bounded ring.
actor RunScheduler {
    private struct Active {
        var run: ScheduledRun
        var task: Task<Void, Never>?
        var startedAtMs: Int64
    }

    private struct Lane {
        var active: Active?
        var queue: [ScheduledRun] = []
        var waitingForSlot = false
        var isIdle: Bool { active == nil && queue.isEmpty && !waitingForSlot }
    }

    static let finishedCapacity = 1000
    static let maxWaitersPerRun = 1000

    private let maxConcurrent: Int
    private let queueSettings: QueueSettings
    private let hub: EventHub
    private let logger: Logger

    private var lanes: [String: Lane] = [:]
    private var slotQueue: [String] = []
    private var running = 0
    private var live: [String: RunStatus] = [:]
    private var finished: [String: RunStatus] = [:]
    private var finishedOrder: [String] = []
    private var waiters: [String: [UUID: CheckedContinuation<RunStatus?, Never>]] = [:]

    init(maxConcurrent: Int, queue: QueueSettings, hub: EventHub, logger: Logger) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.queueSettings = queue
        self.hub = hub
        self.logger = logger
    }

    // MARK: Submitting

    func enqueue(_ run: ScheduledRun) {
        live[run.runId] = RunStatus(
            runId: run.runId, sessionKey: run.sessionKey, state: .queued, startedAtMs: nil, endedAtMs: nil, outcome: nil)
        var lane = lanes[run.sessionKey] ?? Lane()
        lane.queue.append(run)
        if lane.queue.count > queueSettings.cap {
            let dropped = lane.queue.removeFirst()
            logger.warning(
                "session queue full: dropped the oldest queued message",
                metadata: ["sessionKey": "\(run.sessionKey)", "runId": "\(dropped.runId)", "cap": "\(queueSettings.cap)"])
            lanes[run.sessionKey] = lane
            finish(
                dropped, outcome: .failed(kind: "unknown", message: "dropped: the session queue was full (cap \(queueSettings.cap))"),
                startedAtMs: nil)
        }
        lanes[run.sessionKey] = lane
        pump(run.sessionKey)
    }

    /// Starts the lane's next run if it is free and a global slot is available, else waits for one.
    private func pump(_ key: String) {
        guard var lane = lanes[key] else { return }
        guard lane.active == nil, !lane.waitingForSlot, !lane.queue.isEmpty else {
            if lane.isIdle { lanes[key] = nil }
            return
        }
        if running < maxConcurrent {
            start(key)
        } else {
            lane.waitingForSlot = true
            lanes[key] = lane
            slotQueue.append(key)
        }
    }

    private func start(_ key: String) {
        guard var lane = lanes[key], !lane.queue.isEmpty else { return }
        var run = lane.queue.removeFirst()
        if queueSettings.mode == .collect, !lane.queue.isEmpty {
            let rest = lane.queue
            lane.queue.removeAll()
            run.request.message = QueueSettings.coalesce([run.request.message] + rest.map(\.request.message))
            run.request.images += rest.flatMap(\.request.images)
            run.mergedRunIds += rest.flatMap(\.allRunIds)
        }
        let startedAt = nowMs()
        running += 1
        for id in run.allRunIds {
            live[id] = RunStatus(runId: id, sessionKey: key, state: .running, startedAtMs: startedAt, endedAtMs: nil, outcome: nil)
        }
        hub.emit(.started(runId: run.runId, sessionKey: key, atMs: startedAt))
        lane.active = Active(run: run, task: nil, startedAtMs: startedAt)
        lanes[key] = lane
        // The task is actor-isolated: `execute` (nonisolated) runs off the actor, `completed` back on it.
        let task = Task { [run] in
            let outcome = await run.execute(run)
            self.completed(run, outcome: outcome)
        }
        lanes[key]?.active?.task = task
    }

    private func completed(_ run: ScheduledRun, outcome: RunOutcome) {
        let key = run.sessionKey
        running -= 1
        let startedAt = lanes[key]?.active?.startedAtMs
        lanes[key]?.active = nil
        finish(run, outcome: outcome, startedAtMs: startedAt)
        pump(key)
        grantSlots()
    }

    private func grantSlots() {
        while running < maxConcurrent, !slotQueue.isEmpty {
            let key = slotQueue.removeFirst()
            guard var lane = lanes[key] else { continue }
            lane.waitingForSlot = false
            lanes[key] = lane
            if lane.queue.isEmpty {
                if lane.isIdle { lanes[key] = nil }
                continue
            }
            start(key)
        }
    }

    /// Records the end of a run (and its merged runs), emits `finished`, wakes waiters.
    private func finish(_ run: ScheduledRun, outcome: RunOutcome, startedAtMs: Int64?) {
        let endedAt = nowMs()
        let state: RunStatus.State =
            switch outcome {
            case .completed: .ok
            case .aborted: .aborted
            case .failed: .error
            }
        hub.emit(.finished(runId: run.runId, sessionKey: run.sessionKey, outcome: outcome, atMs: endedAt))
        for id in run.allRunIds {
            let status = RunStatus(
                runId: id, sessionKey: run.sessionKey, state: state, startedAtMs: startedAtMs, endedAtMs: endedAt, outcome: outcome)
            live[id] = nil
            finished[id] = status
            finishedOrder.append(id)
            for continuation in (waiters.removeValue(forKey: id) ?? [:]).values { continuation.resume(returning: status) }
        }
        if finishedOrder.count > Self.finishedCapacity {
            for id in finishedOrder.prefix(finishedOrder.count - Self.finishedCapacity) { finished[id] = nil }
            finishedOrder.removeFirst(finishedOrder.count - Self.finishedCapacity)
        }
    }

    // MARK: Abort

    /// Aborts the lane's active run and queued runs (all, or only `runId`). Returns the ids affected.
    func abort(sessionKey key: String, runId: String?) -> [String] {
        guard var lane = lanes[key] else { return [] }
        var aborted: [String] = []
        let dropped = lane.queue.filter { runId == nil || $0.allRunIds.contains(runId!) }
        lane.queue.removeAll { runId == nil || $0.allRunIds.contains(runId!) }
        if let active = lane.active, runId == nil || active.run.allRunIds.contains(runId!) {
            active.task?.cancel()
            aborted += active.run.allRunIds
        }
        lanes[key] = lane
        for run in dropped {
            finish(run, outcome: .aborted, startedAtMs: nil)
            aborted += run.allRunIds
        }
        if lanes[key]?.isIdle == true { lanes[key] = nil }
        return aborted
    }

    // MARK: Status

    func status(runId: String) -> RunStatus? { finished[runId] ?? live[runId] }

    func queueDepth(sessionKey: String) -> Int { lanes[sessionKey]?.queue.count ?? 0 }

    func activeRunId(sessionKey: String) -> String? { lanes[sessionKey]?.active?.run.runId }

    /// Lanes in memory (tests check idle lanes go away).
    var laneCount: Int { lanes.count }
    var runningCount: Int { running }

    func wait(runId: String, timeout: Duration) async -> RunStatus? {
        if let done = finished[runId] { return done }
        guard live[runId] != nil, (waiters[runId]?.count ?? 0) < Self.maxWaitersPerRun else { return live[runId] }
        let waiterId = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expireWaiter(runId: runId, waiterId: waiterId)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[runId, default: [:]][waiterId] = continuation
            }
        } onCancel: {
            Task { await self.expireWaiter(runId: runId, waiterId: waiterId) }
        }
    }

    private func expireWaiter(runId: String, waiterId: UUID) {
        guard let continuation = waiters[runId]?.removeValue(forKey: waiterId) else { return }
        if waiters[runId]?.isEmpty == true { waiters[runId] = nil }
        continuation.resume(returning: finished[runId] ?? live[runId])
    }
}

import FoundationEssentials
import Logging
import TalonAgent
import TalonChannels
import TalonCore
import TalonModels
import TalonStore

/// A hook run as stored before the webhook is acknowledged: enough to start (or restart) it.
struct PendingHookRun: Codable, Sendable {
    var runId: String
    var mappingId: String
    var sessionKey: String
    var agentId: String
    var message: String
    var extraSystemPrompt: String?
    var model: String?
    var thinking: String?
    var timeoutSeconds: Int?
    var eventId: String?
    var deliver: Bool
    var createdAtMs: Int64
    /// Where `deliver: true` sends the answer (nil: the configured channel and its owner).
    var channel: String? = nil
    var to: String? = nil
}

/// Owns hook runs from intake to the end: bounded (backpressure), persisted before the 200 (a crash after
/// it resumes the run at the next start), removed from the pending set when the run ends.
actor HookRunner {
    static let namespace = "hook-pending"

    let store: any Store
    let runtime: AgentRuntime
    let maxPending: Int
    let logger: Logger
    let delivery: ChannelDelivery?
    /// Writes deliveries (dedupe claims, incident records, pending runs) in group-committed transactions.
    nonisolated let intake: IntakeBatcher
    private var pending = 0

    init(
        store: any Store, runtime: AgentRuntime, maxPending: Int, logger: Logger, delivery: ChannelDelivery? = nil,
        clock: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }
    ) {
        self.store = store
        self.runtime = runtime
        self.maxPending = maxPending
        self.logger = logger
        self.delivery = delivery
        self.intake = IntakeBatcher(store: store, ttlMs: HooksMiddleware.idempotencyTTLms, clock: clock)
    }

    var pendingCount: Int { pending }

    /// Takes a slot, or false when the bound is reached (the caller answers 503 and stores nothing).
    func reserve() -> Bool {
        guard pending < maxPending else { return false }
        pending += 1
        return true
    }

    func release() {
        pending = max(0, pending - 1)
    }

    /// The stored copy of a run: written with the delivery's claims before the 200, deleted when the run ends.
    nonisolated static func pendingRow(_ run: PendingHookRun) throws -> KVWrite {
        KVWrite(namespace: namespace, key: run.runId, value: String(decoding: try JSONEncoder().encode(run), as: UTF8.self))
    }

    /// Starts a run whose row is stored (the caller's slot is now this run's).
    func start(_ run: PendingHookRun) async {
        await launch(run)
    }

    /// Restarts runs stored by a previous process that never finished.
    func resume() async {
        do {
            let entries = try await store.kvList(namespace: Self.namespace, limit: 10_000)
            for entry in entries.reversed() {
                guard let run = try? JSONDecoder().decode(PendingHookRun.self, from: Data(entry.value.utf8)) else {
                    _ = try? await store.kvDelete(namespace: Self.namespace, key: entry.key)
                    continue
                }
                pending += 1
                logger.notice(
                    "resuming hook run stored before a restart", metadata: ["runId": .string(run.runId), "mapping": .string(run.mappingId)])
                await launch(run)
            }
        } catch {
            logger.error("cannot read pending hook runs", metadata: ["error": .string("\(error)")])
        }
    }

    private func launch(_ run: PendingHookRun) async {
        let request = RunRequest(
            sessionKey: run.sessionKey, message: run.message, agentId: run.agentId, model: run.model,
            thinking: run.thinking.flatMap { ThinkingLevel(rawValue: $0.lowercased()) }, timeoutSeconds: run.timeoutSeconds,
            extraSystemPrompt: run.extraSystemPrompt, channel: "hook", runId: run.runId)
        _ = await runtime.submit(request)
        let runtime = self.runtime
        let logger = self.logger
        Task {
            // Wait for the end (a status stays available for finished runs), then forget the stored copy.
            var status = await runtime.wait(runId: run.runId, timeout: .seconds(3600))
            while let current = status, current.state == .queued || current.state == .running {
                status = await runtime.wait(runId: run.runId, timeout: .seconds(3600))
            }
            if run.deliver, case .completed(let text, _, _, _)? = status?.outcome {
                await Self.deliver(text, of: run, via: await self.delivery, logger: logger)
            }
            await self.finished(run.runId)
        }
    }

    /// `deliver: true`: the final answer goes to the mapping's channel and recipient (default: the owner).
    private static func deliver(_ text: String, of run: PendingHookRun, via delivery: ChannelDelivery?, logger: Logger) async {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed != "NO_REPLY" else { return }
        guard let delivery else {
            logger.warning("hook run asked for delivery but no channel is configured", metadata: ["runId": .string(run.runId)])
            return
        }
        do {
            let target = try await delivery.deliver(text: trimmed, channel: run.channel, to: run.to)
            logger.info("hook run answer queued for delivery", metadata: ["runId": .string(run.runId), "to": .string(target)])
        } catch {
            logger.warning("hook run answer not delivered", metadata: ["runId": .string(run.runId), "error": "\(error)"])
        }
    }

    private func finished(_ runId: String) async {
        pending = max(0, pending - 1)
        do {
            try await store.kvDelete(namespace: Self.namespace, key: runId)
        } catch {
            logger.error("cannot clear finished hook run", metadata: ["runId": .string(runId), "error": .string("\(error)")])
        }
    }
}

import Logging
import TalonCore
import TalonStore

/// Leadership and long polling: per bot token one process (the store lease's holder) polls, answers the inbox and
/// sends the outbox; the offset is committed only after the updates are stored.
extension TelegramBot {
    static let leaseTTLms: Int64 = 25_000
    static let leaseRenewEvery: Duration = .seconds(8)
    static let standbyCheckEvery: Duration = .seconds(3)
    /// A poll that stays silent longer than this is abandoned and restarted.
    static let pollWatchdog: Duration = .seconds(120)
    static let offsetNamespace = "telegram-offset"

    /// The bot id is the token's public part: a lease name that is the same for every process on this token.
    var leaseName: String { "telegram-poller:\(settings.token?.split(separator: ":").first.map(String.init) ?? account)" }

    func leaderLoop() async {
        var standbyLogged = false
        while !Task.isCancelled {
            let held =
                (try? await store.acquireLease(name: leaseName, holder: instanceId, nowMs: Clocks.nowMs(), ttlMs: Self.leaseTTLms)) ?? false
            guard held else {
                if !standbyLogged {
                    logger.info("another gateway serves this bot; standing by")
                    standbyLogged = true
                }
                try? await Task.sleep(for: Self.standbyCheckEvery)
                continue
            }
            standbyLogged = false
            logger.info(settings.mode == .polling ? "polling for telegram updates" : "serving telegram webhook updates")
            await state.setServing(true)
            await serveWhileLeaseHeld()
            await state.setServing(false)
        }
        try? await store.releaseLease(name: leaseName, holder: instanceId)
    }

    /// Polls (in polling mode), answers and sends until the lease is lost or the task is cancelled; a renewal task
    /// runs alongside.
    private func serveWhileLeaseHeld() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.leaseRenewEvery)
                    if Task.isCancelled { return }
                    let renewed =
                        (try? await self.store.acquireLease(
                            name: self.leaseName, holder: self.instanceId, nowMs: Clocks.nowMs(), ttlMs: Self.leaseTTLms)) ?? false
                    if !renewed {
                        self.logger.warning("lost the polling lease; stopping this poller")
                        return
                    }
                }
            }
            group.addTask {
                await withDiscardingTaskGroup { workers in
                    workers.addTask { await self.inboundLoop() }
                    workers.addTask { await self.outboxLoop() }
                    if self.settings.mode == .polling { workers.addTask { await self.pollUpdates() } }
                }
            }
            // Whichever ends first (lease lost, or the work stopped) ends both.
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func pollUpdates() async {
        var backoff = Backoff()
        var offset = (try? await store.kvGet(namespace: Self.offsetNamespace, key: leaseName)).flatMap { $0.flatMap { Int64($0) } }
        // A webhook left by an earlier webhook-mode run would make getUpdates fail with 409.
        _ = try? await api.call("deleteWebhook", ["drop_pending_updates": false])
        while !Task.isCancelled {
            var params: JSONValue = ["timeout": .number(Double(settings.pollTimeoutSeconds)), "allowed_updates": ["message"]]
            if let offset, case .object(var members) = params {
                members["offset"] = .number(Double(offset))
                params = .object(members)
            }
            let timeout = min(.seconds(settings.pollTimeoutSeconds + 15), Self.pollWatchdog)
            do {
                let updates = try await api.call("getUpdates", params, timeout: timeout).arrayValue ?? []
                backoff.reset()
                await health.clear(component)
                guard !updates.isEmpty else { continue }
                var next = offset ?? 0
                for update in updates {
                    guard let id = update["update_id"]?.doubleValue.map(Int64.init) else { continue }
                    _ = try await store.inboxAdd(
                        channel: Self.channel, account: account, externalId: String(id), payloadJSON: update.serialized(),
                        nowMs: Clocks.nowMs())
                    next = max(next, id + 1)
                }
                // Committed only now that every update of the batch is stored.
                try await store.kvSet(namespace: Self.offsetNamespace, key: leaseName, value: String(next), nowMs: Clocks.nowMs())
                offset = next
                await inboxSignal.fire()
            } catch let error as TelegramAPIError {
                if case .api(let code, _, _) = error, code == 401 || code == 404 {
                    await fail("getUpdates rejected the bot token (\(settings.tokenSource)): \(error)")
                    return
                }
                let pause = error.retryAfter.map { Duration.seconds($0) } ?? backoff.next()
                logger.warning("getUpdates failed; retrying", metadata: ["error": "\(error)", "retryInMs": "\(pause.milliseconds)"])
                try? await Task.sleep(for: pause)
            } catch {
                // The store refused the update: it was not acknowledged, so Telegram keeps it; try again later.
                logger.error("could not store a telegram update; it will be fetched again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.next())
            }
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

import Foundation
import TalonCore

/// `getUpdates` with the real server's long-poll rules: offsets confirm updates for good, a newer
/// call ends the one in flight with 409, and a webhook forbids polling.
extension FakeTelegramState {
    /// telegram-bot-api caps `timeout` at 50 seconds and clamps `limit` to 1…100.
    static let maxPollTimeout: Int64 = 50

    private enum Start {
        case answer(FakeTelegramAnswer)
        case wait(Int)
    }

    func getUpdates(_ params: [String: JSONValue]) async -> FakeTelegramAnswer {
        let offset = FakeTelegramParams.int64(params["offset"]) ?? 0
        let limit = Int(min(max(FakeTelegramParams.int64(params["limit"]) ?? 100, 1), 100))
        let timeout = min(max(FakeTelegramParams.int64(params["timeout"]) ?? 0, 0), Self.maxPollTimeout)
        let allowed = FakeTelegramParams.json(params["allowed_updates"])?.arrayValue?.compactMap(\.stringValue)

        let start: Start = state.withLock { state in
            if state.webhook != nil { return .answer(.webhookConflict) }
            // Whoever was polling loses: the real server answers the older request with 409.
            state.wakePoller(.conflict)
            if let allowed { state.allowedUpdates = allowed }
            state.confirm(offset: offset)
            let batch = state.batch(offset: offset, limit: limit)
            if !batch.isEmpty || timeout == 0 || state.stopped { return .answer(.ok(.array(batch))) }
            let id = state.nextPollerId
            state.nextPollerId += 1
            state.poller = Poller(id: id, continuation: nil)
            state.activePollers += 1
            state.maxConcurrentPollers = max(state.maxConcurrentPollers, state.activePollers)
            return .wait(id)
        }
        let id: Int
        switch start {
        case .answer(let answer): return answer
        case .wait(let waiting): id = waiting
        }

        let timer = Task { [self] in
            guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return }
            state.withLock { $0.wakePoller(.timeout, only: id) }
        }
        let reason = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in state.withLock { $0.install(id, continuation) } }
        } onCancel: {
            state.withLock { $0.wakePoller(.cancelled, only: id) }
        }
        timer.cancel()

        return state.withLock { state in
            state.activePollers -= 1
            switch reason {
            case .conflict: return .pollConflict
            case .webhookSet: return .webhookConflict
            case .updates, .timeout, .cancelled: return .ok(.array(state.batch(offset: offset, limit: limit)))
            }
        }
    }
}

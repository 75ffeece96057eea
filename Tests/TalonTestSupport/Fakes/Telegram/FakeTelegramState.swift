import Foundation
import Synchronization
import TalonCore

/// Everything the fake Bot API server knows, behind one lock. Handlers read and change it in short
/// critical sections; a long poll waits outside the lock on a continuation that `push`, a newer
/// `getUpdates`, its timeout or `stop` resumes.
final class FakeTelegramState: Sendable {
    struct MessageKey: Hashable {
        var chatId: Int64
        var messageId: Int64
    }

    enum PollWake: Sendable {
        case updates
        case timeout
        case conflict
        case webhookSet
        case cancelled
    }

    struct Poller {
        var id: Int
        var continuation: CheckedContinuation<PollWake, Never>?
    }

    struct Webhook {
        var url: String
        var secret: String?
        var maxConnections: Int
        var lastErrorDate: Int?
        var lastErrorMessage: String?
    }

    struct State {
        static let maxRecords = 10_000

        let token: String
        let botId: Int64
        let botUsername: String
        let botFirstName: String

        // Updates (getUpdates / webhook).
        var nextUpdateId: Int64 = 100_000_001
        var updates: [JSONValue] = []
        var confirmedOffset: Int64 = 0
        var allowedUpdates: [String] = []
        var poller: Poller?
        var earlyWakes: [Int: PollWake] = [:]
        var nextPollerId = 1
        var activePollers = 0
        var maxConcurrentPollers = 0
        var webhook: Webhook?
        var stopped = false
        /// Requests being answered, so `stop` can let them finish.
        var inFlight = 0

        // Messages, chats and files.
        var nextMessageId: Int64 = 1
        var messages: [MessageKey: FakeTelegramMessage] = [:]
        var messageOrder: [MessageKey] = []
        var known: [MessageKey: FakeTelegramKnownMessage] = [:]
        var chats: [Int64: JSONValue] = [:]
        var files: [String: FakeTelegramFile] = [:]
        var filePaths: [String: String] = [:]
        var nextFileNumber = 1
        var downloads: [String] = []
        var commands: [String: JSONValue] = [:]

        // Inspection and scripted faults.
        var calls: [(seq: Int, call: FakeTelegramCall)] = []
        var nextCallSeq = 1
        var faults: [FakeTelegramFault] = []
        var forcedHTMLRejections = 0

        var botUser: JSONValue {
            [
                "id": .number(Double(botId)), "is_bot": true, "first_name": .string(botFirstName),
                "username": .string(botUsername),
            ]
        }

        /// The chat object for an id: as seen in an inbound update, else a plausible default.
        func chat(_ id: Int64) -> JSONValue {
            if let known = chats[id] { return known }
            if id > 0 { return ["id": .number(Double(id)), "type": "private", "first_name": .string("User \(id)")] }
            let type = id <= -1_000_000_000_000 ? "supergroup" : "group"
            return ["id": .number(Double(id)), "type": .string(type), "title": .string("Chat \(id)")]
        }

        // MARK: Calls

        mutating func beginCall(_ call: FakeTelegramCall) -> Int {
            let seq = nextCallSeq
            nextCallSeq += 1
            calls.append((seq, call))
            // Bounded memory: drop the oldest tenth at once rather than one per call.
            if calls.count > Self.maxRecords { calls.removeFirst(Self.maxRecords / 10) }
            return seq
        }

        mutating func finishCall(_ seq: Int, _ answer: FakeTelegramAnswer) {
            guard let index = calls.lastIndex(where: { $0.seq == seq }) else { return }
            calls[index].call.status = answer.status
            calls[index].call.errorDescription = answer.status == 200 ? nil : answer.description
        }

        /// The scripted error for this call, if one is queued for the method (or for `*`).
        mutating func takeFault(_ method: String) -> FakeTelegramAnswer? {
            guard let index = faults.firstIndex(where: { $0.method == method || $0.method == "*" }) else { return nil }
            let fault = faults[index]
            faults[index].remaining -= 1
            if faults[index].remaining <= 0 { faults.remove(at: index) }
            return .error(fault.errorCode, fault.description, retryAfter: fault.retryAfter)
        }

        // MARK: Updates

        /// Queues an update (numbering it if needed), remembers its chat and message, wakes the poller.
        mutating func push(_ update: JSONValue) -> Int64 {
            guard case .object(var members) = update else { return 0 }
            let id = FakeTelegramParams.int64(members["update_id"]) ?? nextUpdateId
            members["update_id"] = .number(Double(id))
            nextUpdateId = max(nextUpdateId, id + 1)
            for kind in ["message", "edited_message", "channel_post", "edited_channel_post"] {
                guard let message = members[kind] else { continue }
                remember(inbound: message)
            }
            // Like Telegram, an update type the bot did not subscribe to is never queued.
            let kind = members.keys.first { $0 != "update_id" } ?? ""
            let defaultExcluded = ["chat_member", "message_reaction", "message_reaction_count"]
            let wanted = allowedUpdates.isEmpty ? !defaultExcluded.contains(kind) : allowedUpdates.contains(kind)
            guard wanted, id >= confirmedOffset else { return id }
            updates.append(.object(members))
            if updates.count > 1, (FakeTelegramParams.int64(updates[updates.count - 2]["update_id"]) ?? 0) > id {
                updates.sort { (FakeTelegramParams.int64($0["update_id"]) ?? 0) < (FakeTelegramParams.int64($1["update_id"]) ?? 0) }
            }
            if updates.count > Self.maxRecords { updates.removeFirst(updates.count - Self.maxRecords) }
            wakePoller(.updates)
            return id
        }

        private mutating func remember(inbound message: JSONValue) {
            guard let chat = message["chat"], let chatId = FakeTelegramParams.int64(chat["id"]),
                let messageId = FakeTelegramParams.int64(message["message_id"])
            else { return }
            chats[chatId] = chat
            known[MessageKey(chatId: chatId, messageId: messageId)] = FakeTelegramKnownMessage(json: message, fromBot: false)
            nextMessageId = max(nextMessageId, messageId + 1)
        }

        /// `offset > 0` confirms (forgets) every update below it; a negative offset keeps only the
        /// last `-offset` updates.
        mutating func confirm(offset: Int64) {
            if offset > 0 {
                updates.removeAll { (FakeTelegramParams.int64($0["update_id"]) ?? 0) < offset }
                confirmedOffset = max(confirmedOffset, offset)
            } else if offset < 0 {
                let keep = Int(min(-offset, Int64(updates.count)))
                updates.removeFirst(updates.count - keep)
                let first = updates.first.flatMap { FakeTelegramParams.int64($0["update_id"]) } ?? nextUpdateId
                confirmedOffset = max(confirmedOffset, first)
            }
        }

        func batch(offset: Int64, limit: Int) -> [JSONValue] {
            Array(updates.filter { (FakeTelegramParams.int64($0["update_id"]) ?? 0) >= offset }.prefix(limit))
        }

        /// Resumes the waiting long poll (only poller `id`, when given) exactly once.
        mutating func wakePoller(_ reason: PollWake, only id: Int? = nil) {
            guard let current = poller, id == nil || current.id == id else { return }
            poller = nil
            if let continuation = current.continuation {
                continuation.resume(returning: reason)
            } else {
                earlyWakes[current.id] = reason
            }
        }

        mutating func install(_ id: Int, _ continuation: CheckedContinuation<PollWake, Never>) {
            if let reason = earlyWakes.removeValue(forKey: id) {
                continuation.resume(returning: reason)
            } else if poller?.id == id {
                poller?.continuation = continuation
            } else {
                continuation.resume(returning: .conflict)
            }
        }
    }

    let state: Mutex<State>

    init(token: String, botId: Int64, botUsername: String) {
        state = Mutex(State(token: token, botId: botId, botUsername: botUsername, botFirstName: "Talon Test Bot"))
    }
}

import TalonCore
import TalonStore

/// One pending pairing request: an unknown sender asked to talk to the assistant.
public struct PairingRequest: Sendable, Hashable {
    public var channel: String
    public var account: String
    public var code: String
    public var senderId: String
    public var senderName: String?
    /// Where to send the "approved" note (Telegram: the private chat id).
    public var chatId: String
    public var createdAtMs: Int64
    public var expiresAtMs: Int64

    public var json: JSONValue {
        [
            "channel": .string(channel), "account": .string(account), "code": .string(code), "senderId": .string(senderId),
            "senderName": senderName.map(JSONValue.string) ?? .null, "chatId": .string(chatId),
            "createdAtMs": .number(Double(createdAtMs)), "expiresAtMs": .number(Double(expiresAtMs)),
        ]
    }

    init?(json: JSONValue) {
        guard let channel = json["channel"]?.stringValue, let account = json["account"]?.stringValue,
            let code = json["code"]?.stringValue, let senderId = json["senderId"]?.stringValue
        else { return nil }
        self.channel = channel
        self.account = account
        self.code = code
        self.senderId = senderId
        self.senderName = json["senderName"]?.stringValue
        self.chatId = json["chatId"]?.stringValue ?? senderId
        self.createdAtMs = Int64(json["createdAtMs"]?.doubleValue ?? 0)
        self.expiresAtMs = Int64(json["expiresAtMs"]?.doubleValue ?? 0)
    }

    init(
        channel: String, account: String, code: String, senderId: String, senderName: String?, chatId: String, createdAtMs: Int64,
        expiresAtMs: Int64
    ) {
        self.channel = channel
        self.account = account
        self.code = code
        self.senderId = senderId
        self.senderName = senderName
        self.chatId = chatId
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
    }
}

/// What an unknown sender gets.
public enum PairingOutcome: Sendable, Hashable {
    /// A code to show (`isNew` false: the sender asked before and gets the same code again).
    case code(String, isNew: Bool)
    /// The account already has the maximum of pending requests.
    case tooManyPending
}

/// Pairing requests and approved senders, kept in the store's key/value table so every gateway process
/// (and the `talon pairing` command) sees the same state.
public struct PairingStore: Sendable {
    public static let requestTTLms: Int64 = 3_600_000
    public static let maxPendingPerAccount = 3
    static let requestsNamespace = "pairing-requests"
    static let approvedNamespace = "pairing-approved"

    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Whether `senderId` was approved on this channel account.
    public func isApproved(channel: String, account: String, senderId: String) async throws -> Bool {
        try await store.kvGet(namespace: Self.approvedNamespace, key: "\(channel):\(account):\(senderId)") != nil
    }

    /// The unexpired requests, newest first (all channels unless one is named).
    public func pending(channel: String? = nil, nowMs: Int64 = Clocks.nowMs()) async throws -> [PairingRequest] {
        let entries = try await store.kvList(namespace: Self.requestsNamespace, limit: 1000)
        var live: [PairingRequest] = []
        for entry in entries {
            guard let json = try? JSON5.parse(entry.value), let request = PairingRequest(json: json) else { continue }
            if request.expiresAtMs <= nowMs {
                _ = try? await store.kvDelete(namespace: Self.requestsNamespace, key: entry.key)
                continue
            }
            if channel == nil || request.channel == channel { live.append(request) }
        }
        return live
    }

    /// Finds or creates the sender's request.
    public func request(
        channel: String, account: String, senderId: String, senderName: String?, chatId: String, nowMs: Int64 = Clocks.nowMs()
    ) async throws -> PairingOutcome {
        let mine = try await pending(channel: channel, nowMs: nowMs).filter { $0.account == account }
        if let existing = mine.first(where: { $0.senderId == senderId }) { return .code(existing.code, isNew: false) }
        guard mine.count < Self.maxPendingPerAccount else { return .tooManyPending }
        var code = PairingCode.generate()
        while mine.contains(where: { $0.code == code }) { code = PairingCode.generate() }
        let request = PairingRequest(
            channel: channel, account: account, code: code, senderId: senderId, senderName: senderName, chatId: chatId,
            createdAtMs: nowMs, expiresAtMs: nowMs + Self.requestTTLms)
        try await store.kvSet(
            namespace: Self.requestsNamespace, key: "\(channel):\(account):\(code)", value: request.json.serialized(), nowMs: nowMs)
        return .code(code, isNew: true)
    }

    /// Approves the pending request with `code` on `channel`; nil when no such unexpired request exists.
    public func approve(channel: String, code: String, nowMs: Int64 = Clocks.nowMs()) async throws -> PairingRequest? {
        guard let normalized = PairingCode.normalize(code) else { return nil }
        guard let request = try await pending(channel: channel, nowMs: nowMs).first(where: { $0.code == normalized }) else { return nil }
        let approval: JSONValue = [
            "code": .string(request.code), "senderName": request.senderName.map(JSONValue.string) ?? .null,
            "approvedAtMs": .number(Double(nowMs)),
        ]
        try await store.kvSet(
            namespace: Self.approvedNamespace, key: "\(request.channel):\(request.account):\(request.senderId)",
            value: approval.serialized(), nowMs: nowMs)
        try await store.kvDelete(namespace: Self.requestsNamespace, key: "\(request.channel):\(request.account):\(request.code)")
        return request
    }
}

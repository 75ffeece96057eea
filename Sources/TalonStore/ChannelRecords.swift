/// One inbound channel message (a Telegram update, …), stored before it is acknowledged so a crash
/// neither loses nor repeats it: `(channel, account, externalId)` is unique.
public struct InboxItem: Sendable, Hashable {
    public var id: Int64
    public var channel: String
    public var account: String
    /// The channel's own id of the message (Telegram: the update id).
    public var externalId: String
    public var payloadJSON: String
    public var createdAtMs: Int64

    public init(id: Int64, channel: String, account: String, externalId: String, payloadJSON: String, createdAtMs: Int64) {
        self.id = id
        self.channel = channel
        self.account = account
        self.externalId = externalId
        self.payloadJSON = payloadJSON
        self.createdAtMs = createdAtMs
    }
}

/// One outbound channel message waiting to be sent (durable, retried, delivered in `id` order per chat).
public struct OutboxItem: Sendable, Hashable {
    public var id: Int64
    public var channel: String
    public var account: String
    public var chatId: String
    public var payloadJSON: String
    public var attempts: Int
    /// Not before this instant (ms since the epoch); 0 = at once.
    public var nextAttemptMs: Int64
    public var createdAtMs: Int64

    public init(
        id: Int64, channel: String, account: String, chatId: String, payloadJSON: String, attempts: Int, nextAttemptMs: Int64,
        createdAtMs: Int64
    ) {
        self.id = id
        self.channel = channel
        self.account = account
        self.chatId = chatId
        self.payloadJSON = payloadJSON
        self.attempts = attempts
        self.nextAttemptMs = nextAttemptMs
        self.createdAtMs = createdAtMs
    }
}

/// A message to queue for sending: the chat and the channel-specific payload.
public struct OutboxDraft: Sendable, Hashable {
    public var chatId: String
    public var payloadJSON: String

    public init(chatId: String, payloadJSON: String) {
        self.chatId = chatId
        self.payloadJSON = payloadJSON
    }
}

/// Where an outbound message ended.
public enum OutboxState: String, Sendable, CaseIterable {
    case pending, sent, failed
}

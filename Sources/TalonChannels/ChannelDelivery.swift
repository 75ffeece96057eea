import TalonCore
import TalonStore

/// Sends a run's answer to a channel that did not start it (hook mappings with `deliver: true`): queued in
/// the channel's durable outbox, so it is sent (and retried) like any reply.
public struct ChannelDelivery: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case unsupportedChannel(String)
        case notConfigured(String)
        case noRecipient(String)

        public var description: String {
            switch self {
            case .unsupportedChannel(let name): "delivery to channel \(name) is not supported (telegram is)"
            case .notConfigured(let name): "channel \(name) is not configured or not enabled"
            case .noRecipient(let name): "no recipient: set the mapping's \"to\" or channels.\(name).allowFrom (the owner)"
            }
        }
    }

    let store: any Store
    let telegram: TelegramSettings

    public init(store: any Store, telegram: TelegramSettings) {
        self.store = store
        self.telegram = telegram
    }

    /// Queues `text` for `to` on `channel` (nil or "last": the configured channel); returns where it went.
    @discardableResult
    public func deliver(text: String, channel: String?, to: String?) async throws -> String {
        let name = (channel ?? "telegram").lowercased()
        guard name == "telegram" || name == "last" else { throw Failure.unsupportedChannel(name) }
        let accounts = telegram.activeAccounts
        guard let account = accounts.first(where: { $0.accountId == telegram.defaultAccount }) ?? accounts.first else {
            throw Failure.notConfigured("telegram")
        }
        let recipient = to.map(Self.stripPrefix) ?? account.access.allowFrom.orderedEntries.first { Int64($0) != nil }
        guard let recipient, let chatId = Int64(recipient) else { throw Failure.noRecipient("telegram") }
        let drafts = TelegramOutboundMessage.drafts(text, chatId: chatId, topicId: nil, limit: account.textChunkLimit)
        for draft in drafts {
            try await store.outboxAdd(channel: TelegramBot.channel, account: account.accountId, draft: draft, nowMs: Clocks.nowMs())
        }
        return "telegram:\(account.accountId):\(chatId)"
    }

    static func stripPrefix(_ value: String) -> String {
        for prefix in ["telegram:", "tg:"] where value.lowercased().hasPrefix(prefix) { return String(value.dropFirst(prefix.count)) }
        return value
    }
}

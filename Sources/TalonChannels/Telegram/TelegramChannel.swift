import Logging
import ServiceLifecycle
import TalonAgent
import TalonCore
import TalonStore

/// Every configured Telegram bot, run as one service under the gateway's service group.
public struct TelegramChannel: Service {
    public let bots: [TelegramBot]
    let logger: Logger

    public init(
        settings: TelegramSettings, store: any Store, runtime: AgentRuntime, environment: [String: String],
        health: any ChannelHealthReporter, logger: Logger
    ) {
        let speech = SpeechToText(config: runtime.config, environment: environment, logger: logger)
        self.bots = settings.activeAccounts.map { account in
            TelegramBot(settings: account, store: store, runtime: runtime, speech: speech, health: health, logger: logger)
        }
        self.logger = logger
    }

    /// The bot whose webhook route is `path`.
    public func bot(forWebhookPath path: String) -> TelegramBot? {
        bots.first { $0.settings.mode == .webhook && $0.settings.webhookPath == path }
    }

    public var webhookPaths: [String] { bots.filter { $0.settings.mode == .webhook }.map(\.settings.webhookPath) }

    public func run() async throws {
        guard !bots.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdownIgnoringErrors {
            await withDiscardingTaskGroup { group in
                for bot in bots { group.addTask { await bot.run() } }
            }
        }
        // A bot that could not start has returned; the service must not (that would stop the gateway).
        try? await gracefulShutdown()
    }
}

func cancelWhenGracefulShutdownIgnoringErrors(_ body: @escaping @Sendable () async -> Void) async {
    _ = try? await cancelWhenGracefulShutdown { await body() }
}

/// Pairing approvals from the CLI or the WebSocket API: approve, then queue a note to the sender.
public enum PairingApproval {
    /// Approves `code` on `channel`; the sender is told through the channel's outbox. nil: no such pending code.
    public static func approve(channel: String, code: String, store: any Store) async throws -> PairingRequest? {
        guard let request = try await PairingStore(store: store).approve(channel: channel, code: code) else { return nil }
        if channel == TelegramBot.channel, let chatId = Int64(request.chatId) {
            let note = TelegramOutboundMessage(text: "✅ Access approved. You can talk to me now.", markdown: false)
            try await store.outboxAdd(
                channel: channel, account: request.account, draft: OutboxDraft(chatId: String(chatId), payloadJSON: note.json.serialized()),
                nowMs: Clocks.nowMs())
        }
        return request
    }
}

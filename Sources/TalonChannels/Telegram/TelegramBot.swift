import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonStore

/// One Telegram bot account: connection (polling or webhook), inbound processing and the durable outbox.
///
/// Every update is stored in the channel inbox before it is acknowledged (offset commit or webhook 200) and
/// answered from there, so a crash neither loses nor repeats a message; replies go through the outbox.
/// Several gateway processes may share one bot and one database: any of them stores webhook updates, but only
/// the holder of the bot's store lease polls, answers and sends.
public final class TelegramBot: Sendable {
    public static let channel = "telegram"
    /// The commands registered with `setMyCommands`.
    static let commands: [(String, String)] = [
        ("new", "Start a new session"), ("reset", "Reset this session"), ("status", "Show the session status"),
        ("whoami", "Show your Telegram ids"), ("help", "Show what I can do"),
    ]

    public let settings: TelegramAccountSettings
    let api: TelegramBotAPI
    let store: any Store
    let runtime: AgentRuntime
    let config: TalonConfig
    let pairing: PairingStore
    let speech: SpeechToText
    let health: any ChannelHealthReporter
    let logger: Logger
    /// Names this process as a lease holder.
    let instanceId: String
    let state = TelegramBotState()
    let gate = TelegramSendGate()
    let inboxSignal = WakeSignal()
    let outboxSignal = WakeSignal()
    /// Pairing requests are counted then written: one at a time, so the per-account cap holds.
    let pairingGate = SerialGate()

    public var component: String { "channel:telegram:\(settings.accountId)" }
    var account: String { settings.accountId }

    public init(
        settings: TelegramAccountSettings, store: any Store, runtime: AgentRuntime, speech: SpeechToText,
        health: any ChannelHealthReporter, logger: Logger, instanceId: String = UUID().uuidString.lowercased()
    ) {
        self.settings = settings
        self.api = TelegramBotAPI(apiRoot: settings.apiRoot, token: settings.token ?? "")
        self.store = store
        self.runtime = runtime
        self.config = runtime.config
        self.pairing = PairingStore(store: store)
        self.speech = speech
        self.health = health
        var logger = logger
        logger[metadataKey: "channel"] = "telegram"
        logger[metadataKey: "account"] = .string(settings.accountId)
        self.logger = logger
        self.instanceId = instanceId
    }

    /// Runs until cancelled. A bad token or configuration marks the channel failing and returns; the rest
    /// of the gateway keeps running.
    public func run() async {
        guard settings.token != nil else {
            await fail("no bot token: set channels.telegram.botToken, tokenFile or TELEGRAM_BOT_TOKEN")
            return
        }
        if settings.mode == .webhook, settings.webhookURL == nil || settings.webhookSecret == nil {
            await fail("webhook mode needs channels.telegram.webhookUrl and webhookSecret")
            return
        }
        guard await connect() else { return }
        if settings.mode == .webhook { await registerWebhook() }
        await leaderLoop()
    }

    /// `getMe` (with backoff on network trouble) and the command menu. False on a rejected token.
    private func connect() async -> Bool {
        var backoff = Backoff()
        while !Task.isCancelled {
            do {
                let me = try await api.call("getMe", timeout: .seconds(15))
                let username = me["username"]?.stringValue
                await state.setIdentity(id: me["id"]?.doubleValue.map(Int64.init), username: username)
                await health.clear(component)
                logger.info("telegram bot connected", metadata: ["bot": .string(username.map { "@\($0)" } ?? "?")])
                let invalid = await state.mentionMatcher(patterns: mentionPatterns).invalidPatterns
                if !invalid.isEmpty {
                    logger.warning(
                        "messages.groupChat.mentionPatterns: skipping patterns that are not valid regular expressions",
                        metadata: ["patterns": .array(invalid.map { .string($0) })])
                }
                let commands: [JSONValue] = Self.commands.map { ["command": .string($0.0), "description": .string($0.1)] }
                do {
                    _ = try await api.call("setMyCommands", ["commands": .array(commands)])
                } catch {
                    logger.warning("setMyCommands failed", metadata: ["error": "\(error)"])
                }
                return true
            } catch let error as TelegramAPIError where !error.isRetryable {
                await fail("getMe rejected the bot token (\(settings.tokenSource)): \(error)")
                return false
            } catch {
                await health.setFailing(component, reason: "cannot reach the Telegram API: \(error)")
                logger.warning("getMe failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.next())
            }
        }
        return false
    }

    private func registerWebhook() async {
        var backoff = Backoff()
        while !Task.isCancelled {
            do {
                _ = try await api.call(
                    "setWebhook",
                    [
                        "url": .string(settings.webhookURL ?? ""), "secret_token": .string(settings.webhookSecret ?? ""),
                        "allowed_updates": ["message"],
                    ])
                logger.info("telegram webhook registered", metadata: ["path": .string(settings.webhookPath)])
                return
            } catch let error as TelegramAPIError where !error.isRetryable {
                await fail("setWebhook failed: \(error)")
                return
            } catch {
                logger.warning("setWebhook failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    func fail(_ reason: String) async {
        await state.setFailure(reason)
        await health.setFailing(component, reason: reason)
        logger.error("telegram channel cannot start", metadata: ["reason": .string(reason)])
    }

    /// Stores an update that arrived by webhook; true once it is safely stored (or was stored before).
    public func acceptWebhookUpdate(_ update: JSONValue) async throws {
        guard let updateId = update["update_id"]?.doubleValue.map(Int64.init) else { return }
        _ = try await store.inboxAdd(
            channel: Self.channel, account: account, externalId: String(updateId), payloadJSON: update.serialized(), nowMs: Clocks.nowMs())
        await inboxSignal.fire()
    }

    /// Wakes the outbox sender (e.g. after `talon pairing approve` queued a note from another process).
    public func nudgeOutbox() async { await outboxSignal.fire() }

    /// For `/readyz`-style reports: nil while healthy.
    public func failure() async -> String? { await state.failure }

    /// For `channels.status`: `{channel, accountId, mode, state, bot, failure?}`; state is `failing`, `connecting`,
    /// `serving` (this process polls and answers) or `standby` (another process holds the bot's lease).
    public func status() async -> JSONValue {
        let failure = await state.failure
        let username = await state.username
        let serving = await state.serving
        let state: String = failure != nil ? "failing" : username == nil ? "connecting" : serving ? "serving" : "standby"
        var object: [String: JSONValue] = [
            "channel": .string(Self.channel), "accountId": .string(account), "mode": .string(settings.mode.rawValue),
            "state": .string(state), "bot": username.map { .string("@\($0)") } ?? .null,
        ]
        if let failure { object["failure"] = .string(failure) }
        return .object(object)
    }
}

/// Exponential backoff with jitter: 1 s doubling to 30 s.
struct Backoff {
    var current: Duration = .seconds(1)
    let maximum: Duration = .seconds(30)

    mutating func next() -> Duration {
        let base = current
        current = min(current * 2, maximum)
        let jitter = Double.random(in: 0.8...1.2)
        return base * jitter
    }

    mutating func reset() { current = .seconds(1) }
}

/// Mutable per-bot state.
actor TelegramBotState {
    private(set) var botId: Int64?
    private(set) var username: String?
    private(set) var failure: String?
    /// Whether this process holds the bot's lease (polls, answers, sends).
    private(set) var serving = false
    /// Chats with a run in progress (typing indicator).
    private var busyChats: Set<Int64> = []
    /// Inbox items being handled now, so a rescan does not start them twice.
    private var inFlight: Set<Int64> = []
    private var activeChats: Set<Int64> = []
    /// The group mention matcher for the current username, built once (its patterns compile regexes).
    private var matcher: MentionMatcher?

    func setIdentity(id: Int64?, username: String?) {
        if username != self.username { matcher = nil }
        self.botId = id
        self.username = username
        self.failure = nil
    }

    /// The matcher for `patterns` (fixed for the bot's lifetime: they come from the config read at start).
    func mentionMatcher(patterns: [String]) -> MentionMatcher {
        if let matcher { return matcher }
        let built = MentionMatcher(botUsername: username, patterns: patterns)
        matcher = built
        return built
    }

    func setFailure(_ reason: String) { failure = reason }

    func setServing(_ value: Bool) { serving = value }

    /// Claims an inbox item for handling, unless it is already in flight or its chat is busy with an earlier one.
    func claim(itemId: Int64, chatId: Int64) -> Bool {
        guard !inFlight.contains(itemId), !activeChats.contains(chatId) else { return false }
        inFlight.insert(itemId)
        activeChats.insert(chatId)
        return true
    }

    func release(itemId: Int64, chatId: Int64) {
        inFlight.remove(itemId)
        activeChats.remove(chatId)
    }

    var inFlightCount: Int { inFlight.count }
}

import Foundation
import TalonCore

/// How Telegram preview messages behave while a run streams.
public enum TelegramStreamingMode: String, Sendable, CaseIterable {
    /// Only the final answer.
    case off
    /// One preview message edited as text streams, then the final message.
    case partial
    /// One status message with tool lines; the answer as a normal message (upstream's default).
    case progress
}

/// One bot: `channels.telegram` itself (account `default`) or `channels.telegram.accounts.<id>` on top of it.
public struct TelegramAccountSettings: Sendable {
    public enum Mode: String, Sendable { case polling, webhook }

    public var accountId: String
    public var enabled: Bool
    /// nil when no token is configured (the account reports that instead of starting).
    public var token: String?
    /// Where the token came from, for messages (never the token itself).
    public var tokenSource: String
    public var apiRoot: String
    public var mode: Mode
    public var webhookURL: String?
    public var webhookSecret: String?
    /// The route on the gateway port that receives updates in webhook mode.
    public var webhookPath: String
    public var access: AccessPolicy
    public var textChunkLimit: Int
    public var streaming: TelegramStreamingMode
    public var mediaMaxBytes: Int
    public var pollTimeoutSeconds: Int

    public init(
        accountId: String = "default", enabled: Bool = true, token: String?, tokenSource: String = "botToken",
        apiRoot: String = "https://api.telegram.org", mode: Mode = .polling, webhookURL: String? = nil, webhookSecret: String? = nil,
        webhookPath: String = "/telegram-webhook", access: AccessPolicy = AccessPolicy(), textChunkLimit: Int = 4000,
        streaming: TelegramStreamingMode = .progress, mediaMaxBytes: Int = 100 * 1024 * 1024, pollTimeoutSeconds: Int = 30
    ) {
        self.accountId = accountId
        self.enabled = enabled
        self.token = token
        self.tokenSource = tokenSource
        self.apiRoot = apiRoot
        self.mode = mode
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.webhookPath = webhookPath
        self.access = access
        self.textChunkLimit = textChunkLimit
        self.streaming = streaming
        self.mediaMaxBytes = mediaMaxBytes
        self.pollTimeoutSeconds = pollTimeoutSeconds
    }
}

/// `channels.telegram`, resolved into accounts.
public struct TelegramSettings: Sendable {
    public var enabled: Bool
    public var accounts: [TelegramAccountSettings]
    public var defaultAccount: String

    public init(enabled: Bool, accounts: [TelegramAccountSettings], defaultAccount: String) {
        self.enabled = enabled
        self.accounts = accounts
        self.defaultAccount = defaultAccount
    }

    /// The enabled accounts (a disabled channel has none).
    public var activeAccounts: [TelegramAccountSettings] { enabled ? accounts.filter(\.enabled) : [] }

    /// Reads `channels.telegram`. The section is on when it exists and `enabled` is not false.
    /// - Parameter readFile: reads `tokenFile` (injected for tests); nil result → not readable.
    public static func parse(
        _ channels: JSONValue, environment: [String: String],
        readFile: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) -> TelegramSettings {
        guard let raw = channels["telegram"], raw.objectValue != nil else {
            return TelegramSettings(enabled: false, accounts: [], defaultAccount: "default")
        }
        let enabled = raw["enabled"]?.boolValue ?? true
        let defaultAccount = raw["defaultAccount"]?.stringValue ?? "default"
        var base = raw
        if case .object(var members) = base {
            members["accounts"] = nil
            members["defaultAccount"] = nil
            base = .object(members)
        }
        var accounts: [TelegramAccountSettings] = []
        if let named = raw["accounts"]?.objectValue, !named.isEmpty {
            for id in named.keys.sorted() {
                // An account's keys replace the top-level ones (lists too: an account's allowFrom is its own).
                var merged = base.objectValue ?? [:]
                for (key, value) in named[id]?.objectValue ?? [:] { merged[key] = value }
                accounts.append(
                    account(
                        id: id, .object(merged), environment: environment, readFile: readFile, envToken: id == defaultAccount,
                        multiple: named.count > 1))
            }
        } else {
            accounts.append(account(id: "default", base, environment: environment, readFile: readFile, envToken: true, multiple: false))
        }
        return TelegramSettings(enabled: enabled, accounts: accounts, defaultAccount: defaultAccount)
    }

    private static func account(
        id: String, _ raw: JSONValue, environment: [String: String], readFile: (String) -> String?, envToken: Bool, multiple: Bool
    ) -> TelegramAccountSettings {
        var (token, source) = secret(raw["botToken"], environment: environment).map { ($0, "botToken") } ?? (nil, "")
        if token == nil, let file = raw["tokenFile"]?.stringValue {
            token = readFile(file)?.trimmingCharacters(in: .whitespacesAndNewlines)
            source = "tokenFile \(file)"
        }
        if token == nil, envToken, let fromEnv = environment["TELEGRAM_BOT_TOKEN"], !fromEnv.isEmpty {
            token = fromEnv
            source = "TELEGRAM_BOT_TOKEN"
        }
        if token?.isEmpty == true { token = nil }
        let webhookURL = raw["webhookUrl"]?.stringValue
        var webhookPath = raw["webhookPath"]?.stringValue ?? webhookURL.flatMap { URL(string: $0)?.path }.flatMap { $0.isEmpty ? nil : $0 }
        if webhookPath == nil { webhookPath = multiple ? "/telegram-webhook/\(id)" : "/telegram-webhook" }
        var apiRoot = raw["apiRoot"]?.stringValue ?? "https://api.telegram.org"
        while apiRoot.hasSuffix("/") { apiRoot.removeLast() }
        let streamingMode = raw["streaming"]?.stringValue ?? raw["streaming"]?["mode"]?.stringValue
        return TelegramAccountSettings(
            accountId: id,
            enabled: raw["enabled"]?.boolValue ?? true,
            token: token,
            tokenSource: token == nil ? "none" : source,
            apiRoot: apiRoot,
            mode: raw["mode"]?.stringValue == "webhook" ? .webhook : .polling,
            webhookURL: webhookURL,
            webhookSecret: secret(raw["webhookSecret"], environment: environment),
            webhookPath: webhookPath ?? "/telegram-webhook",
            access: accessPolicy(raw),
            textChunkLimit: min(max(raw["textChunkLimit"]?.intValue ?? 4000, 16), 4096),
            // `block` streams blocks upstream; here it is the nearest mode that sends no edits.
            streaming: streamingMode.flatMap(TelegramStreamingMode.init(rawValue:)) ?? (streamingMode == "block" ? .off : .progress),
            mediaMaxBytes: Int((raw["mediaMaxMb"]?.doubleValue ?? 100) * 1024 * 1024),
            pollTimeoutSeconds: raw["pollTimeoutSeconds"]?.intValue ?? 30
        )
    }

    static func accessPolicy(_ raw: JSONValue) -> AccessPolicy {
        var groups: [String: GroupRule] = [:]
        for (chatId, rule) in raw["groups"]?.objectValue ?? [:] {
            groups[chatId] = GroupRule(
                requireMention: rule["requireMention"]?.boolValue ?? true,
                allowFrom: rule["allowFrom"].map { SenderAllowList(senderStrings($0)) },
                enabled: rule["enabled"]?.boolValue ?? true)
        }
        return AccessPolicy(
            dmPolicy: raw["dmPolicy"]?.stringValue.flatMap(DMPolicy.init(rawValue:)) ?? .pairing,
            allowFrom: SenderAllowList(senderStrings(raw["allowFrom"])),
            groupPolicy: raw["groupPolicy"]?.stringValue.flatMap(GroupPolicy.init(rawValue:)) ?? .allowlist,
            groups: groups,
            groupAllowFrom: raw["groupAllowFrom"].map { SenderAllowList(senderStrings($0)) })
    }

    /// Ids written as numbers or strings.
    static func senderStrings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap { entry in
            if let text = entry.stringValue { return text }
            if let number = entry.doubleValue, number.rounded() == number { return String(Int64(number)) }
            return nil
        }
    }

    /// A plain string, or a SecretRef `{source: "env", id}`.
    static func secret(_ value: JSONValue?, environment: [String: String]) -> String? {
        if let text = value?.stringValue { return text.isEmpty ? nil : text }
        if value?["source"]?.stringValue == "env", let name = value?["id"]?.stringValue { return environment[name] }
        return nil
    }
}

import TalonCore
import Testing

@testable import TalonChannels

@Suite("Telegram settings")
struct TelegramSettingsTests {
    func channels(_ text: String) throws -> JSONValue { try JSON5.parse(text) }

    @Test func defaultsAndTopLevelAccount() throws {
        let settings = TelegramSettings.parse(try channels(#"{ telegram: { botToken: "1:abc" } }"#), environment: [:])
        #expect(settings.enabled)
        let account = try #require(settings.activeAccounts.first)
        #expect(account.accountId == "default")
        #expect(account.token == "1:abc")
        #expect(account.mode == .polling)
        #expect(account.apiRoot == "https://api.telegram.org")
        #expect(account.textChunkLimit == 4000)
        #expect(account.streaming == .progress)
        #expect(account.access.dmPolicy == .pairing)
        #expect(account.access.groupPolicy == .allowlist)
        #expect(account.webhookPath == "/telegram-webhook")
        #expect(account.mediaMaxBytes == 100 * 1024 * 1024)
    }

    @Test func tokenSourcesInOrder() throws {
        let fromEnv = TelegramSettings.parse(try channels("{ telegram: {} }"), environment: ["TELEGRAM_BOT_TOKEN": "9:env"])
        #expect(fromEnv.accounts.first?.token == "9:env")
        #expect(fromEnv.accounts.first?.tokenSource == "TELEGRAM_BOT_TOKEN")
        let fromFile = TelegramSettings.parse(
            try channels(#"{ telegram: { tokenFile: "/run/secrets/tg" } }"#), environment: ["TELEGRAM_BOT_TOKEN": "9:env"],
            readFile: { $0 == "/run/secrets/tg" ? "8:file\n" : nil })
        #expect(fromFile.accounts.first?.token == "8:file")
        let secretRef = TelegramSettings.parse(
            try channels(#"{ telegram: { botToken: { source: "env", id: "MY_BOT" } } }"#), environment: ["MY_BOT": "7:ref"])
        #expect(secretRef.accounts.first?.token == "7:ref")
        let none = TelegramSettings.parse(try channels("{ telegram: {} }"), environment: [:])
        #expect(none.accounts.first?.token == nil)
        #expect(TelegramSettings.parse(try channels("{ telegram: { enabled: false } }"), environment: [:]).activeAccounts.isEmpty)
        #expect(TelegramSettings.parse(try channels("{}"), environment: [:]).activeAccounts.isEmpty)
    }

    @Test func accountsInheritTheTopLevelAndOnlyTheDefaultReadsTheEnvironment() throws {
        let settings = TelegramSettings.parse(
            try channels(
                #"""
                { telegram: { dmPolicy: "allowlist", allowFrom: ["tg:5", 6], textChunkLimit: 3000, defaultAccount: "main",
                    accounts: { main: {}, support: { botToken: "2:support", mode: "webhook", webhookUrl: "https://x.example/tg/support",
                                                     webhookSecret: "s", streaming: "off", allowFrom: ["7"] } } } }
                """#), environment: ["TELEGRAM_BOT_TOKEN": "1:main"])
        #expect(settings.defaultAccount == "main")
        let main = try #require(settings.accounts.first { $0.accountId == "main" })
        let support = try #require(settings.accounts.first { $0.accountId == "support" })
        #expect(main.token == "1:main")
        #expect(support.token == "2:support")
        #expect(main.access.allowFrom.contains("5") && main.access.allowFrom.contains("6"))
        #expect(support.access.allowFrom.contains("7") && !support.access.allowFrom.contains("5"))
        #expect(main.textChunkLimit == 3000 && support.textChunkLimit == 3000)
        #expect(support.mode == .webhook)
        #expect(support.webhookPath == "/tg/support", "the path comes from webhookUrl")
        #expect(main.webhookPath == "/telegram-webhook/main")
        #expect(support.streaming == .off)
    }

    @Test func groupsAndLimitsAreRead() throws {
        let settings = TelegramSettings.parse(
            try channels(
                #"{ telegram: { botToken: "1:a", groupPolicy: "open", groups: { "-100": { requireMention: false, allowFrom: ["9"] } }, textChunkLimit: 99999, mediaMaxMb: 2 } }"#
            ), environment: [:])
        let account = try #require(settings.accounts.first)
        #expect(account.access.groupPolicy == .open)
        #expect(account.access.groups["-100"]?.requireMention == false)
        #expect(account.access.decideGroup(chatId: "-100", senderId: "9", mentioned: false) == .allow)
        #expect(account.textChunkLimit == 4096, "capped at Telegram's limit")
        #expect(account.mediaMaxBytes == 2 * 1024 * 1024)
    }

    @Test func unknownTelegramKeysAreConfigErrors() throws {
        let text = #"{ channels: { telegram: { botToken: "1:a", dmPolicy: "sometimes", pollingInterval: 3 } } }"#
        do {
            _ = try ConfigLoader.parse(text: text, path: "/nonexistent/openclaw.json", environment: [:])
            Issue.record("expected config errors")
        } catch {
            let paths = error.issues.map(\.path)
            #expect(paths.contains("channels.telegram.dmPolicy"))
            #expect(paths.contains("channels.telegram.pollingInterval"))
        }
    }
}

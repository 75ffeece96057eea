/// `channels.*`: Telegram is checked key by key; other channels stay raw until Talon implements them.
extension ConfigSchema {
    static let channels: ConfigShape = .object(["telegram": telegram], extra: .looseObject)

    static let dmPolicies = ["pairing", "allowlist", "open", "disabled"]
    static let groupPolicies = ["allowlist", "open", "disabled"]

    /// Numeric ids may be written as numbers or strings (`"tg:123"`, `"*"`).
    static let senderList: ConfigShape = .array(.anyOf([.string, .number()]))

    static let telegramGroup: ConfigShape = .object(
        [
            "requireMention": .bool, "allowFrom": senderList, "enabled": .bool,
            // Upstream per-group keys Talon keeps raw.
            "topics": .looseObject, "tools": .looseObject, "skills": .stringList, "systemPrompt": .string,
            "groupPolicy": .oneOf(groupPolicies),
        ])

    /// Keys shared by `channels.telegram` and `channels.telegram.accounts.<id>`.
    static let telegramAccountKeys: [String: ConfigShape] = [
        "enabled": .bool, "name": .string, "botToken": .secret, "tokenFile": .string, "apiRoot": .string,
        "mode": .oneOf(["polling", "webhook"]), "webhookUrl": .string, "webhookSecret": .secret, "webhookPath": .string,
        "webhookHost": .string, "webhookPort": .integer(min: 0, max: 65_535),
        "dmPolicy": .oneOf(dmPolicies), "allowFrom": senderList, "groupPolicy": .oneOf(groupPolicies),
        "groupAllowFrom": senderList, "groups": .map(telegramGroup),
        "textChunkLimit": .integer(min: 16, max: 4096),
        "streaming": .anyOf([
            .oneOf(["off", "partial", "block", "progress"]),
            .object(["mode": .oneOf(["off", "partial", "block", "progress"]), "chunkMode": .oneOf(["length", "newline"])], extra: .any),
        ]),
        "mediaMaxMb": .number(min: 0), "pollTimeoutSeconds": .integer(min: 1, max: 50),
        // Upstream keys accepted and kept raw.
        "historyLimit": .integer(min: 0), "dmHistoryLimit": .integer(min: 0), "replyToMode": .string, "linkPreview": .bool,
        "actions": .looseObject, "reactionLevel": .string, "reactionNotifications": .string, "customCommands": .any,
        "commands": .looseObject, "capabilities": .any, "proxy": .string, "timeoutSeconds": .integer(min: 1),
        "retry": .looseObject, "network": .looseObject, "blockStreaming": .any, "chunkMode": .string,
        "configWrites": .bool, "heartbeat": .looseObject, "responsePrefix": .string, "ackReaction": .string,
        "markdown": .looseObject, "dms": .looseObject, "direct": .looseObject, "execApprovals": .looseObject,
        "defaultTo": .any, "errorPolicy": .any, "threadBindings": .looseObject,
    ]

    static let telegram: ConfigShape = .object(
        telegramAccountKeys.merging([
            "accounts": .map(.object(telegramAccountKeys)), "defaultAccount": .string,
        ]) { current, _ in current })
}

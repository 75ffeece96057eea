/// The known keys of `openclaw.json`, per upstream's schema (docs/gateway/configuration-reference.md and
/// `src/config/zod-schema*.ts`). Keys Talon does not act on yet are accepted (mostly `.any` or
/// `.looseObject`) so an upstream config loads unchanged; anything else is an unknown-key error.
enum ConfigSchema {
    /// Top-level sections Talon implements.
    static let implementedSections: [String: ConfigShape] = [
        "gateway": gateway, "agents": agents, "models": models, "session": session, "hooks": hooks,
        "channels": channels, "mcp": mcp, "skills": skills, "tools": tools, "commands": .looseObject,
        "messages": messages,
    ]

    /// Accepted without comment.
    static let silentSections: [String: ConfigShape] = [
        "env": env, "$schema": .string, "meta": .looseObject, "logging": .looseObject,
    ]

    /// Upstream sections Talon accepts but ignores, with a warning each.
    static let ignoredSections: Set<String> = [
        "auth", "bindings", "plugins", "cron", "memory", "tts", "talk", "browser", "discovery", "secrets", "diagnostics",
        "update", "acp", "wizard", "identity", "accessGroups", "broadcast", "ui",
        // Also in upstream's root schema.
        "web", "audio", "media", "approvals", "canvasHost", "cli",
    ]

    static var allTopLevelKeys: [String] {
        Array(implementedSections.keys) + Array(silentSections.keys) + Array(ignoredSections)
    }

    // MARK: - Shared shapes

    /// `"provider/model"` or `{primary, fallbacks}`.
    static let modelSelection: ConfigShape = .anyOf([
        .string, .object(["primary": .string, "fallbacks": .stringList, "overloadFallback": .string]),
    ])

    // MARK: - Sections

    static let env: ConfigShape = .object(
        ["shellEnv": .object(["enabled": .bool, "timeoutMs": .integer(min: 0)]), "vars": .map(.string)],
        extra: .string)

    static let gateway: ConfigShape = .object([
        "mode": .oneOf(["local", "remote"]),
        "port": .integer(min: 0, max: 65_535),
        "bind": .oneOf(BindMode.allCases.map(\.rawValue)),
        "customBindHost": .string,
        "auth": gatewayAuth,
        "tailscale": .looseObject, "controlUi": .looseObject, "remote": .looseObject, "tls": .looseObject,
        "reload": .looseObject,
        "http": .object([
            "endpoints": .object(["chatCompletions": httpEndpoint, "responses": httpEndpoint]),
            "maxBodyBytes": .integer(min: 1),
            "securityHeaders": .looseObject,
        ]),
        "tools": .object(["allow": .stringList, "deny": .stringList]),
        "nodes": .looseObject, "trustedProxies": .stringList, "push": .looseObject, "terminal": .looseObject,
        "webchat": .looseObject, "allowRealIpFallback": .bool,
        "channelHealthCheckMinutes": .integer(min: 0), "channelMaxRestartsPerHour": .integer(min: 1),
        "channelStaleEventThresholdMinutes": .integer(min: 1),
    ])

    static let gatewayAuth: ConfigShape = .object([
        "mode": .oneOf(AuthMode.allCases.map(\.rawValue)),
        "token": .secret,
        "password": .secret,
        "allowTailscale": .bool,
        "rateLimit": .object([
            "maxAttempts": .integer(min: 1), "windowMs": .integer(min: 1), "lockoutMs": .integer(min: 0),
            "exemptLoopback": .bool,
        ]),
        "trustedProxy": .object([
            "userHeader": .string, "roleHeader": .string, "requiredHeaders": .stringList, "allowUsers": .stringList,
        ]),
    ])

    /// `gateway.http.endpoints.*`: Talon reads `enabled`; upstream's size/image/file limits are kept raw.
    static let httpEndpoint: ConfigShape = .object(["enabled": .bool], extra: .any)

    static let agents: ConfigShape = .object([
        "defaults": agentDefaults,
        "list": .array(agentEntry(listForm: true)),
        "entries": .map(agentEntry(listForm: false)),
        "ownership": .any,
    ])

    static let agentDefaults: ConfigShape = .object([
        "workspace": .string, "model": modelSelection, "models": .map(.looseObject),
        "utilityModel": modelSelection, "imageModel": modelSelection, "pdfModel": modelSelection, "mediaModels": .any,
        "thinkingDefault": .string, "verboseDefault": .string, "reasoningDefault": .string, "elevatedDefault": .string,
        "fastModeDefault": .anyOf([.bool, .string]),
        "timeoutSeconds": .integer(min: 1), "mediaMaxMb": .number(min: 0), "maxConcurrent": .integer(min: 1),
        "heartbeat": .looseObject, "compaction": .looseObject, "contextPruning": .looseObject,
        "blockStreamingDefault": .any, "blockStreamingBreak": .any, "blockStreamingChunk": .any,
        "blockStreamingCoalesce": .any, "typingMode": .string, "typingIntervalSeconds": .integer(min: 1),
        "humanDelay": .any, "sandbox": .looseObject, "skills": .stringList,
        "bootstrapMaxChars": .integer(min: 1), "bootstrapTotalMaxChars": .integer(min: 1),
        "bootstrapPromptTruncationWarning": .any, "userTimezone": .string, "subagents": .looseObject,
        // Further upstream keys, accepted and kept raw.
        "repoRoot": .string, "cwd": .string, "skipBootstrap": .bool, "timeFormat": .any, "envelopeTimezone": .string,
        "envelopeTimestamp": .any, "envelopeElapsed": .any, "contextTokens": .integer(min: 1), "cliBackends": .any,
        "memorySearch": .any, "imageMaxDimensionPx": .integer(min: 1), "promptSections": .any,
        "contextInjection": .string, "experimental": .any,
    ])

    /// One agent; the list form also carries `id` (required there; the map key is the id otherwise).
    static func agentEntry(listForm: Bool) -> ConfigShape {
        var fields: [String: ConfigShape] = [
            "default": .bool, "name": .string, "description": .string, "workspace": .string, "cwd": .string,
            "agentDir": .string, "model": modelSelection, "utilityModel": modelSelection, "models": .map(.looseObject),
            "modelPolicy": .looseObject, "identity": .looseObject, "groupChat": .looseObject, "sandbox": .looseObject,
            "tools": .looseObject, "skills": .stringList, "heartbeat": .looseObject, "subagents": .looseObject,
            "runtime": .looseObject, "tts": .looseObject, "params": .looseObject, "memorySearch": .any,
            "humanDelay": .any, "thinkingDefault": .string, "verboseDefault": .string, "reasoningDefault": .string,
            "fastModeDefault": .anyOf([.bool, .string]), "toolProgressDetail": .string, "contextInjection": .string,
            "bootstrapMaxChars": .integer(min: 1), "bootstrapTotalMaxChars": .integer(min: 1), "experimental": .any,
            "embeddedAgent": .any,
        ]
        if listForm { fields["id"] = .string }
        return .object(fields)
    }

    static let models: ConfigShape = .object([
        "mode": .oneOf(["merge", "replace"]),
        "providers": .map(provider),
        "catalogRefresh": .any,
    ])

    static let provider: ConfigShape = .object([
        "baseUrl": .string, "apiKey": .secret, "api": .string, "auth": .any, "headers": .map(.string),
        "models": .array(.looseObject), "timeoutSeconds": .integer(min: 1), "localService": .any,
    ])

    static let dmScopes = ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]

    static let session: ConfigShape = .object([
        "dmScope": .oneOf(dmScopes), "groupScope": .oneOf(["per-group", "main"]), "scope": .oneOf(["per-sender", "global"]),
        "mainKey": .string, "sendPolicy": .looseObject, "resetTriggers": .stringList, "reset": .looseObject,
        "resetByType": .looseObject, "resetByChannel": .map(.looseObject), "identityLinks": .map(.stringList),
        "maintenance": .looseObject,
        // Further upstream keys, accepted and kept raw.
        "transcriptRetentionDays": .integer(min: 1), "maxRecentTurns": .integer(min: 1), "idleMinutes": .integer(min: 1),
        "store": .string, "typingIntervalSeconds": .integer(min: 1), "typingMode": .string,
        "parentForkMaxTokens": .integer(min: 0), "agentToAgent": .looseObject, "threadBindings": .looseObject,
    ])

    static let hooks: ConfigShape = .object([
        "enabled": .bool, "token": .secret, "path": .string, "maxBodyBytes": .integer(min: 1),
        "defaultSessionKey": .string, "allowRequestSessionKey": .bool, "allowedSessionKeyPrefixes": .stringList,
        "allowedAgentIds": .stringList, "mappings": .array(.looseObject), "presets": .stringList,
        "transformsDir": .string, "gmail": .looseObject, "internal": .looseObject,
        // Talon: bound on stored-but-unfinished hook runs, and where incident callbacks may go.
        "maxPendingRuns": .integer(min: 1), "callbackAllowedOrigins": .stringList, "bodyTimeoutMs": .integer(min: 100),
    ])

    static let mcp: ConfigShape = .object(["servers": .map(.looseObject)])

    static let skills: ConfigShape = .object([
        "entries": .map(.looseObject), "load": .looseObject, "install": .looseObject, "limits": .looseObject,
        "allowBundled": .any,
    ])

    static let tools: ConfigShape = .object([
        "profile": .string, "allow": .stringList, "deny": .stringList, "alsoAllow": .stringList,
        "byProvider": .map(.looseObject), "toolsBySender": .any, "elevated": .looseObject, "exec": .looseObject,
        "web": .looseObject, "media": .looseObject, "agentToAgent": .looseObject, "sessions": .looseObject,
        "sandbox": .looseObject, "loopDetection": .looseObject, "codeMode": .any,
    ])

    static let messages: ConfigShape = .object([
        "messagePrefix": .string, "responsePrefix": .string, "ackReaction": .string, "ackReactionScope": .string,
        "removeAckAfterReply": .bool, "queue": .looseObject, "inbound": .looseObject, "groupChat": .looseObject,
        "visibleReplies": .any, "statusReactions": .looseObject, "suppressToolErrors": .bool, "tts": .looseObject,
    ])
}

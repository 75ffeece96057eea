import TalonCore

/// Upstream's session key grammar (`src/routing/session-key.ts`), always lower-cased:
/// `agent:<agentId>:<mainKey>`, `agent:<id>:direct:<peer>`, `agent:<id>:<channel>:direct:<peer>`,
/// `agent:<id>:<channel>:<account>:direct:<peer>`, `agent:<id>:<channel>:group:<id>[:topic:<id>]`,
/// `agent:<id>:<channel>:channel:<id>[:thread:<id>]`, and synthetic keys such as `hook:<uuid>`.
public struct SessionKey: Sendable, Hashable, CustomStringConvertible {
    /// The normalized (trimmed, lower-cased) key.
    public let rawValue: String

    /// Normalizes any key text; it does not resolve the `main` alias (see `resolve(_:config:)`).
    public init(_ text: String) {
        rawValue = text.trimmedText.lowercased()
    }

    public var description: String { rawValue }

    /// The key's parts split on `:`.
    public var parts: [Substring] { rawValue.split(separator: ":", omittingEmptySubsequences: false) }

    /// The agent id of an `agent:<id>:…` key; nil for synthetic keys (`hook:…`) and malformed ones.
    public var agentId: String? {
        let parts = parts
        guard parts.count >= 3, parts[0] == "agent", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// Whether this is a synthetic webhook key (`hook:…`).
    public var isHook: Bool { rawValue.hasPrefix("hook:") }

    // MARK: Builders

    /// `agent:<agentId>:<mainKey>`, the DM session under `dmScope: main`.
    public static func main(agentId: String, mainKey: String = "main") -> SessionKey {
        SessionKey("agent:\(normalizedId(agentId)):\(normalizedPart(mainKey, fallback: "main"))")
    }

    /// The key of a direct message under `dmScope` (`main`, `per-peer`, `per-channel-peer`,
    /// `per-account-channel-peer`); an unknown scope behaves like `main`.
    public static func direct(
        agentId: String, channel: String, peerId: String, accountId: String? = nil, dmScope: String, mainKey: String = "main"
    ) -> SessionKey {
        let agent = normalizedId(agentId)
        let peer = normalizedPart(peerId, fallback: "unknown")
        let channel = normalizedPart(channel, fallback: "unknown")
        switch dmScope {
        case "per-peer": return SessionKey("agent:\(agent):direct:\(peer)")
        case "per-channel-peer": return SessionKey("agent:\(agent):\(channel):direct:\(peer)")
        case "per-account-channel-peer":
            let account = normalizedPart(accountId ?? "", fallback: "default")
            return SessionKey("agent:\(agent):\(channel):\(account):direct:\(peer)")
        default: return main(agentId: agent, mainKey: mainKey)
        }
    }

    /// `agent:<id>:<channel>:group:<groupId>`, with `:topic:<topicId>` for forum topics (Telegram).
    public static func group(agentId: String, channel: String, groupId: String, topicId: String? = nil) -> SessionKey {
        var key =
            "agent:\(normalizedId(agentId)):\(normalizedPart(channel, fallback: "unknown")):group:\(normalizedPart(groupId, fallback: "unknown"))"
        if let topicId, !topicId.trimmedText.isEmpty { key += ":topic:\(normalizedPart(topicId, fallback: "0"))" }
        return SessionKey(key)
    }

    /// `agent:<id>:<channel>:channel:<id>`, with `:thread:<threadId>` for threads (Slack, Discord).
    public static func channel(agentId: String, channel: String, channelId: String, threadId: String? = nil) -> SessionKey {
        var key =
            "agent:\(normalizedId(agentId)):\(normalizedPart(channel, fallback: "unknown")):channel:\(normalizedPart(channelId, fallback: "unknown"))"
        if let threadId, !threadId.trimmedText.isEmpty { key += ":thread:\(normalizedPart(threadId, fallback: "0"))" }
        return SessionKey(key)
    }

    /// A topic key under an existing key (`…:topic:<id>`).
    public func topic(_ topicId: String) -> SessionKey {
        SessionKey(rawValue + ":topic:" + SessionKey.normalizedPart(topicId, fallback: "0"))
    }

    /// `hook:<id>` for webhook runs.
    public static func hook(_ id: String) -> SessionKey { SessionKey("hook:\(normalizedPart(id, fallback: "default"))") }

    /// Resolves aliases against the config: empty or `main` → `agent:<default>:<mainKey>`;
    /// `agent:<id>` alone → that agent's main key; anything else is only normalized.
    public static func resolve(_ text: String, config: TalonConfig) -> SessionKey {
        let key = SessionKey(text)
        let mainKey = config.session.mainKey
        if key.rawValue.isEmpty || key.rawValue == "main" || key.rawValue == mainKey.lowercased() {
            return main(agentId: config.agents.defaultAgentId, mainKey: mainKey)
        }
        let parts = key.parts
        if parts.count == 2, parts[0] == "agent", !parts[1].isEmpty {
            return main(agentId: String(parts[1]), mainKey: mainKey)
        }
        return key
    }

    /// The agent that owns a key: the one it names, else the default agent.
    public static func agentId(of key: String, config: TalonConfig) -> String {
        SessionKey(key).agentId ?? config.agents.defaultAgentId
    }

    private static func normalizedId(_ id: String) -> String {
        normalizedPart(id, fallback: AgentsConfig.defaultAgentIdFallback)
    }

    /// Lower-cased and trimmed; an empty part becomes `fallback` so keys never have holes.
    static func normalizedPart(_ text: String, fallback: String) -> String {
        let trimmed = text.trimmedText.lowercased()
        return trimmed.isEmpty ? fallback : trimmed
    }
}

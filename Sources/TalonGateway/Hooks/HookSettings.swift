import TalonCore

/// One `hooks.mappings[]` entry.
struct HookMapping: Sendable {
    enum Action: String, Sendable { case agent, wake }

    var id: String
    var matchPath: String
    var matchSource: String?
    /// nil: the mapping matches but does nothing (204).
    var action: Action?
    var name: String?
    var sessionKey: String?
    var messageTemplate: String?
    var deliver: Bool
    var channel: String?
    var to: String?
    var model: String?
    var thinking: String?
    var timeoutSeconds: Int?
    var agentId: String?
    var verify: HookVerification?
    var claimableEvents: [String]?
    var skills: [String]?
    /// Event types (`payload.event_type`) that are verified, deduplicated and recorded but start no run (204),
    /// e.g. `["ticket.created"]`, which the platform's rules never claim: no tokens spent on them.
    var skipEventTypes: [String]
}

/// `verify: {kind: "mctl-hmac", secret, toleranceSeconds}`.
struct HookVerification: Sendable {
    let secret: String
    let toleranceSeconds: Int
    /// `secret` keyed for HMAC once, at startup.
    let key: MctlSignature.Key

    init(secret: String, toleranceSeconds: Int) {
        self.secret = secret
        self.toleranceSeconds = toleranceSeconds
        self.key = MctlSignature.Key(secret: secret)
    }
}

/// The resolved `hooks` section.
struct HookSettings: Sendable {
    var enabled: Bool
    var path: String
    var token: String
    var maxBodyBytes: Int
    var bodyTimeout: Duration
    var defaultSessionKey: String?
    var allowRequestSessionKey: Bool
    var allowedSessionKeyPrefixes: [String]
    var allowedAgentIds: [String]?
    var maxPendingRuns: Int
    var mappings: [HookMapping]

    static let mctlSessionMarker = ":hook:mctl-agent:"
    /// Skills an mctl-agent incident session may use (the platform fork's filter).
    static let mctlSkills: Set<String> = ["mctl-agent-external", "mctl-platform", "mctl-gitops-remediation", "mctl-github-remediation"]

    init(config: HooksConfig) {
        let raw = config.raw
        enabled = config.enabled && config.token != nil
        path = config.path
        token = config.token ?? ""
        maxBodyBytes = config.maxBodyBytes
        bodyTimeout = .milliseconds(raw["bodyTimeoutMs"]?.intValue ?? 10_000)
        defaultSessionKey = raw["defaultSessionKey"]?.stringValue
        allowRequestSessionKey = raw["allowRequestSessionKey"]?.boolValue ?? false
        allowedSessionKeyPrefixes = raw["allowedSessionKeyPrefixes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        allowedAgentIds = raw["allowedAgentIds"]?.arrayValue?.compactMap(\.stringValue)
        maxPendingRuns = raw["maxPendingRuns"]?.intValue ?? 64
        mappings = (raw["mappings"]?.arrayValue ?? []).enumerated().map { index, item in Self.mapping(item, index: index) }
    }

    private static func mapping(_ item: JSONValue, index: Int) -> HookMapping {
        let match = item["match"]
        let verify: HookVerification? = item["verify"].flatMap { verify in
            guard let secret = verify["secret"]?.stringValue, !secret.isEmpty else { return nil }
            return HookVerification(secret: secret, toleranceSeconds: verify["toleranceSeconds"]?.intValue ?? 300)
        }
        let strings: (String) -> [String]? = { key in item[key]?.arrayValue?.compactMap(\.stringValue) }
        return HookMapping(
            id: item["id"]?.stringValue ?? "mapping-\(index)",
            matchPath: (match?["path"]?.stringValue ?? item["id"]?.stringValue ?? "").trimmingSlashes,
            matchSource: match?["source"]?.stringValue,
            action: item["action"]?.stringValue.flatMap { HookMapping.Action(rawValue: $0.lowercased()) },
            name: item["name"]?.stringValue,
            sessionKey: item["sessionKey"]?.stringValue,
            messageTemplate: item["messageTemplate"]?.stringValue,
            deliver: item["deliver"]?.boolValue ?? false,
            channel: item["channel"]?.stringValue,
            to: item["to"]?.stringValue,
            model: item["model"]?.stringValue,
            thinking: item["thinking"]?.stringValue,
            timeoutSeconds: item["timeoutSeconds"]?.intValue,
            agentId: item["agentId"]?.stringValue,
            verify: verify,
            claimableEvents: strings("claimableEvents"),
            skills: strings("skills"),
            skipEventTypes: strings("skipEventTypes") ?? [])
    }

    /// A mapping whose `match.path` is `name` and whose `match.source` (if any) equals the payload's `source`.
    func mapping(named name: String, payload: JSONValue) -> HookMapping? {
        mappings.first { mapping in
            mapping.matchPath == name && (mapping.matchSource == nil || mapping.matchSource == payload["source"]?.stringValue)
        }
    }

    func isAllowedSessionKey(_ key: String) -> Bool {
        allowedSessionKeyPrefixes.isEmpty ? key.hasPrefix("hook:") : allowedSessionKeyPrefixes.contains { key.hasPrefix($0) }
    }

    func isAllowedAgent(_ id: String) -> Bool {
        allowedAgentIds.map { $0.contains(id) || $0.contains("*") } ?? true
    }
}

extension String {
    fileprivate var trimmingSlashes: String {
        var text = Substring(self)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

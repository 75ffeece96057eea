import Foundation
import TalonCore

/// The wire protocol a provider speaks (`models.providers.<id>.api`).
public enum WireAPI: String, Sendable, Hashable, CaseIterable {
    case openAICompletions = "openai-completions"
    case openAIResponses = "openai-responses"
    case anthropicMessages = "anthropic-messages"

    /// Parses a config `api` value; `ollama` is OpenAI-compatible, so it maps to chat completions.
    public init?(configValue: String) {
        if configValue == "ollama" {
            self = .openAICompletions
            return
        }
        self.init(rawValue: configValue)
    }
}

/// A model entry from `models.providers.<id>.models[]`.
public struct ModelInfo: Sendable, Hashable {
    public var id: String
    public var contextWindow: Int?
    public var maxTokens: Int?

    public init(id: String, contextWindow: Int? = nil, maxTokens: Int? = nil) {
        self.id = id
        self.contextWindow = contextWindow
        self.maxTokens = maxTokens
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, !id.isEmpty else { return nil }
        self.init(id: id, contextWindow: json["contextWindow"]?.intValue, maxTokens: json["maxTokens"]?.intValue)
    }
}

/// Everything needed to call one provider endpoint: built-in defaults merged with the config block.
public struct ProviderSettings: Sendable {
    public var id: String
    public var api: WireAPI
    /// Base URL without a trailing slash (`https://api.openai.com/v1`, `https://api.anthropic.com`).
    public var baseURL: String
    public var apiKey: String?
    /// Where the key should come from, named in auth errors (`OPENAI_API_KEY`, `models.providers.x.apiKey`).
    public var keySource: String?
    /// Built-in cloud providers refuse to send a request without a key.
    public var requiresKey: Bool
    public var headers: [String: String]
    /// `models.providers.<id>.timeoutSeconds`: the idle watchdog when set.
    public var timeoutSeconds: Int?
    public var models: [ModelInfo]

    public init(
        id: String, api: WireAPI, baseURL: String, apiKey: String? = nil, keySource: String? = nil, requiresKey: Bool = false,
        headers: [String: String] = [:], timeoutSeconds: Int? = nil, models: [ModelInfo] = []
    ) {
        self.id = id
        self.api = api
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.keySource = keySource
        self.requiresKey = requiresKey
        self.headers = headers
        self.timeoutSeconds = timeoutSeconds
        self.models = models
    }

    /// The key when one is set (blank keys count as missing).
    public var credential: String? {
        guard let key = apiKey?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { return nil }
        return key
    }

    /// Stream idle watchdog: the configured timeout, else 120 s for cloud and 300 s for local servers
    /// (self-hosted models can think for a long time before the first token).
    public var idleTimeoutSeconds: Int {
        timeoutSeconds ?? (isLocal ? 300 : 120)
    }

    /// True for loopback, private-network and `.local` hosts.
    public var isLocal: Bool {
        guard let host = URL(string: baseURL)?.host?.lowercased() else { return false }
        return Self.isLocalHost(host)
    }

    public func model(_ id: String) -> ModelInfo? {
        models.first { $0.id == id }
    }

    static func isLocalHost(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host == "::1" { return true }
        if host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe80:") { return host.contains(":") }
        let octets = host.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return false }
        switch (octets[0], octets[1]) {
        case (127, _), (10, _), (0, _), (192, 168), (169, 254): return true
        case (172, let second): return (16...31).contains(second)
        case (100, let second): return (64...127).contains(second)  // CGNAT, e.g. Tailscale
        default: return false
        }
    }
}

extension ProviderSettings {
    /// Built-in providers usable without a config block; keys come from the environment.
    public static func builtIns(environment: [String: String]) -> [String: ProviderSettings] {
        [
            "openai": ProviderSettings(
                id: "openai", api: .openAICompletions, baseURL: "https://api.openai.com/v1", apiKey: environment["OPENAI_API_KEY"],
                keySource: "OPENAI_API_KEY", requiresKey: true),
            "anthropic": ProviderSettings(
                id: "anthropic", api: .anthropicMessages, baseURL: "https://api.anthropic.com",
                apiKey: environment["ANTHROPIC_API_KEY"], keySource: "ANTHROPIC_API_KEY", requiresKey: true),
            "ollama": ProviderSettings(id: "ollama", api: .openAICompletions, baseURL: "http://127.0.0.1:11434/v1"),
        ]
    }

    /// The effective providers: built-ins (unless `models.mode` is `replace`) with config blocks laid
    /// over them. Returns the providers and, separately, config blocks that cannot be used (with why).
    static func resolve(
        config: ModelsConfig, environment: [String: String]
    ) -> (providers: [String: ProviderSettings], unusable: [String: String]) {
        var providers = config.mode == "replace" ? [:] : builtIns(environment: environment)
        var unusable: [String: String] = [:]
        for (rawId, block) in config.providers {
            let id = rawId.lowercased()
            let base = providers[id] ?? builtIns(environment: environment)[id]
            var api = base?.api ?? .openAICompletions
            if let name = block.api {
                guard let parsed = WireAPI(configValue: name) else {
                    unusable[id] =
                        "provider '\(id)' uses api '\(name)', which Talon does not support "
                        + "(use openai-completions, openai-responses or anthropic-messages)"
                    continue
                }
                api = parsed
            }
            guard let baseURL = block.baseUrl ?? base?.baseURL, !baseURL.isEmpty else {
                unusable[id] = "provider '\(id)' has no baseUrl: set models.providers.\(id).baseUrl"
                continue
            }
            var headers = base?.headers ?? [:]
            headers.merge(block.headers) { _, new in new }
            let configKey = block.apiKey.flatMap { $0.isEmpty ? nil : $0 }
            var settings = ProviderSettings(
                id: id, api: api, baseURL: baseURL, apiKey: configKey ?? base?.apiKey,
                keySource: configKey == nil ? (base?.keySource ?? "models.providers.\(id).apiKey") : "models.providers.\(id).apiKey",
                requiresKey: base?.requiresKey ?? false, headers: headers, timeoutSeconds: block.timeoutSeconds ?? base?.timeoutSeconds,
                models: block.models.compactMap(ModelInfo.init(json:)))
            // A built-in pointed at a local proxy/server may legitimately run without a key.
            settings.requiresKey = settings.requiresKey && !settings.isLocal
            providers[id] = settings
        }
        return (providers, unusable)
    }
}

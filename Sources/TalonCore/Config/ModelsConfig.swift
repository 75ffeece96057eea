public struct ModelsConfig: Sendable {
    /// `merge` (default: configured providers add to the built-in catalog) or `replace`.
    public var mode: String
    public var providers: [String: ProviderConfig]

    public init(mode: String = "merge", providers: [String: ProviderConfig] = [:]) {
        self.mode = mode
        self.providers = providers
    }

    public static let defaults = ModelsConfig()
}

/// `models.providers.<id>`.
public struct ProviderConfig: Sendable {
    public var baseUrl: String?
    public var apiKey: String?
    /// The wire API, e.g. `openai-completions`, `openai-responses`, `anthropic-messages`.
    public var api: String?
    public var headers: [String: String]
    public var timeoutSeconds: Int?
    /// Model definitions as written (`{id, name, contextWindow, …}`), typed by the model layer.
    public var models: [JSONValue]

    public init(
        baseUrl: String? = nil, apiKey: String? = nil, api: String? = nil, headers: [String: String] = [:],
        timeoutSeconds: Int? = nil, models: [JSONValue] = []
    ) {
        self.baseUrl = baseUrl
        self.apiKey = apiKey
        self.api = api
        self.headers = headers
        self.timeoutSeconds = timeoutSeconds
        self.models = models
    }
}

extension ModelsConfig {
    static func decode(_ raw: JSONValue, context: inout ConfigDecodeContext) -> ModelsConfig {
        let path = ConfigPath.root.key("models").key("providers")
        var config = ModelsConfig.defaults
        config.mode = raw["mode"]?.stringValue.flatMap { ["merge", "replace"].contains($0) ? $0 : nil } ?? "merge"
        for (id, provider) in raw["providers"]?.objectValue ?? [:] where provider.objectValue != nil {
            var headers: [String: String] = [:]
            for (name, value) in provider["headers"]?.objectValue ?? [:] {
                if let text = value.stringValue { headers[name] = text }
            }
            config.providers[id] = ProviderConfig(
                baseUrl: context.string(provider["baseUrl"]),
                apiKey: context.secret(provider["apiKey"], at: path.key(id).key("apiKey")),
                api: context.string(provider["api"]),
                headers: headers,
                timeoutSeconds: provider["timeoutSeconds"]?.intValue.flatMap { $0 >= 1 ? $0 : nil },
                models: provider["models"]?.arrayValue ?? [])
        }
        return config
    }

    func effectiveJSON() -> JSONValue {
        var providers: [String: JSONValue] = [:]
        for (id, provider) in self.providers {
            providers[id] = [
                "baseUrl": provider.baseUrl.map(JSONValue.string) ?? .null,
                "apiKey": provider.apiKey.map(JSONValue.string) ?? .null,
                "api": provider.api.map(JSONValue.string) ?? .null,
                "headers": .object(provider.headers.mapValues(JSONValue.string)),
                "timeoutSeconds": provider.timeoutSeconds.map { .number(Double($0)) } ?? .null,
                "models": .array(provider.models),
            ]
        }
        return ["mode": .string(mode), "providers": .object(providers)]
    }
}

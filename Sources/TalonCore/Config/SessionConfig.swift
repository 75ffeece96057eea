public struct SessionConfig: Sendable {
    /// `main` | `per-peer` | `per-channel-peer` | `per-account-channel-peer`.
    public var dmScope: String
    public var mainKey: String
    /// The whole `session` section as written (reset policy, send policy, identity links, …).
    public var raw: JSONValue

    public init(dmScope: String = "main", mainKey: String = "main", raw: JSONValue = .object([:])) {
        self.dmScope = dmScope
        self.mainKey = mainKey
        self.raw = raw
    }

    public static let defaults = SessionConfig()
}

extension SessionConfig {
    static func decode(_ raw: JSONValue, context: inout ConfigDecodeContext) -> SessionConfig {
        var config = SessionConfig.defaults
        config.dmScope = raw["dmScope"]?.stringValue.flatMap { ConfigSchema.dmScopes.contains($0) ? $0 : nil } ?? "main"
        config.mainKey = context.string(raw["mainKey"]) ?? "main"
        config.raw = raw
        return config
    }

    func effectiveJSON() -> JSONValue {
        ["dmScope": .string(dmScope), "mainKey": .string(mainKey)]
    }
}

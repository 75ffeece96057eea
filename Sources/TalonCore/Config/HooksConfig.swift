public struct HooksConfig: Sendable {
    public var enabled: Bool
    /// Base path of the webhook endpoints, starting with `/`, without a trailing slash.
    public var path: String
    public var token: String?
    public var maxBodyBytes: Int
    /// The whole `hooks` section as written (mappings, presets, session-key policy, …).
    public var raw: JSONValue

    public init(
        enabled: Bool = false, path: String = "/hooks", token: String? = nil, maxBodyBytes: Int = 262_144,
        raw: JSONValue = .object([:])
    ) {
        self.enabled = enabled
        self.path = path
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.raw = raw
    }

    public static let defaults = HooksConfig()
}

extension HooksConfig {
    static func decode(_ raw: JSONValue, context: inout ConfigDecodeContext) -> HooksConfig {
        let path = ConfigPath.root.key("hooks")
        var config = HooksConfig.defaults
        config.raw = raw
        config.enabled = raw["enabled"]?.boolValue ?? false
        config.token = context.secret(raw["token"], at: path.key("token"))
        config.maxBodyBytes = raw["maxBodyBytes"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? HooksConfig.defaults.maxBodyBytes
        if let given = raw["path"]?.stringValue {
            var hooksPath = given.trimmingSpaces
            while hooksPath.count > 1, hooksPath.hasSuffix("/") { hooksPath.removeLast() }
            if !hooksPath.hasPrefix("/") {
                context.report(path.key("path"), "must start with \"/\", got \"\(given)\"")
            } else if hooksPath == "/" {
                // The hooks router would shadow every other route on the port.
                context.report(path.key("path"), "must not be \"/\"", hint: "e.g. \"/hooks\"")
            } else {
                config.path = hooksPath
            }
        }
        if config.enabled, config.token == nil, raw["token"]?.objectValue == nil {
            context.report(path.key("token"), "required when hooks.enabled is true")
        }
        return config
    }

    func effectiveJSON() -> JSONValue {
        [
            "enabled": .bool(enabled),
            "path": .string(path),
            "token": token.map(JSONValue.string) ?? .null,
            "maxBodyBytes": .number(Double(maxBodyBytes)),
        ]
    }
}

/// The typed gateway configuration read from upstream's `openclaw.json`.
public struct TalonConfig: Sendable {
    public var gateway: GatewayConfig
    public var agents: AgentsConfig
    public var models: ModelsConfig
    public var session: SessionConfig
    public var hooks: HooksConfig
    /// Sections validated for shape only; typed by the code that uses them.
    public var channels: JSONValue
    public var mcp: JSONValue
    public var skills: JSONValue
    public var tools: JSONValue
    public var commands: JSONValue
    public var messages: JSONValue
    /// The whole validated document (after `$include` and `${VAR}`), `{}` for the defaults.
    public var raw: JSONValue

    public init(
        gateway: GatewayConfig = .defaults, agents: AgentsConfig = .defaults, models: ModelsConfig = .defaults,
        session: SessionConfig = .defaults, hooks: HooksConfig = .defaults, channels: JSONValue = .object([:]),
        mcp: JSONValue = .object([:]), skills: JSONValue = .object([:]), tools: JSONValue = .object([:]),
        commands: JSONValue = .object([:]), messages: JSONValue = .object([:]), raw: JSONValue = .object([:])
    ) {
        self.gateway = gateway
        self.agents = agents
        self.models = models
        self.session = session
        self.hooks = hooks
        self.channels = channels
        self.mcp = mcp
        self.skills = skills
        self.tools = tools
        self.commands = commands
        self.messages = messages
        self.raw = raw
    }

    public static let defaults = TalonConfig()

    /// The effective config as JSON, for `talon config get`: the document as written, with the typed
    /// sections' values (defaults filled in) laid over it. Unset optional values (e.g. `gateway.port`) are absent.
    public func effectiveJSON() -> JSONValue {
        var result = raw.objectValue ?? [:]
        let typed: [(String, JSONValue, JSONValue)] = [
            ("gateway", raw["gateway"] ?? .object([:]), gateway.effectiveJSON()),
            ("agents", raw["agents"] ?? .object([:]), agents.effectiveJSON()),
            ("models", raw["models"] ?? .object([:]), models.effectiveJSON()),
            ("session", session.raw, session.effectiveJSON()),
            ("hooks", hooks.raw, hooks.effectiveJSON()),
        ]
        for (key, base, overlay) in typed {
            result[key] = base.overlaid(with: overlay)
        }
        let kept: [(String, JSONValue)] = [
            ("channels", channels), ("mcp", mcp), ("skills", skills), ("tools", tools), ("commands", commands),
            ("messages", messages),
        ]
        for (key, value) in kept { result[key] = value }
        return .object(result)
    }
}

extension JSONValue {
    /// Like `deepMerged(with:)`, but a `null` in `overlay` removes the member instead of storing null.
    func overlaid(with overlay: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let top) = overlay else { return overlay }
        for (key, value) in top {
            if value == .null {
                base[key] = nil
            } else {
                base[key] = base[key].map { $0.overlaid(with: value) } ?? value.withoutNullMembers
            }
        }
        return .object(base)
    }

    private var withoutNullMembers: JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.value != .null }.mapValues(\.withoutNullMembers))
    }
}

extension TalonConfig {
    /// Typed values from a schema-checked document; cross-field problems go to `context`.
    static func decode(_ document: JSONValue, context: inout ConfigDecodeContext) -> TalonConfig {
        func section(_ key: String) -> JSONValue {
            guard let value = document[key], value.objectValue != nil else { return .object([:]) }
            return value
        }
        return TalonConfig(
            gateway: GatewayConfig.decode(section("gateway"), context: &context),
            agents: AgentsConfig.decode(section("agents"), context: &context),
            models: ModelsConfig.decode(section("models"), context: &context),
            session: SessionConfig.decode(section("session"), context: &context),
            hooks: HooksConfig.decode(section("hooks"), context: &context),
            channels: section("channels"), mcp: section("mcp"), skills: section("skills"), tools: section("tools"),
            commands: section("commands"), messages: section("messages"), raw: document)
    }
}

/// The top-level key check: implemented sections against their shapes, upstream-only sections with a
/// warning, anything else an unknown key.
enum ConfigValidation {
    static func validate(_ document: JSONValue) -> (issues: [ConfigIssue], warnings: [String]) {
        var validator = ShapeValidator()
        var warnings: [String] = []
        let members = document.objectValue ?? [:]
        for key in members.keys.sorted() {
            let value = members[key]!
            let path = ConfigPath.root.key(key)
            if let shape = ConfigSchema.implementedSections[key] ?? ConfigSchema.silentSections[key] {
                validator.validate(value, shape, at: path)
            } else if ConfigSchema.ignoredSections.contains(key) {
                warnings.append("\(key): section ignored by Talon")
            } else {
                validator.unknownKey(key, known: ConfigSchema.allTopLevelKeys, at: path)
            }
        }
        return (validator.issues, warnings)
    }
}

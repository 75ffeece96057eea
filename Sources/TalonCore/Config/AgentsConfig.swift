/// A primary model and its ordered fallbacks, from `"provider/model"` or `{primary, fallbacks}`.
public struct ModelSelection: Sendable, Hashable {
    public var primary: String
    public var fallbacks: [String]

    public init(primary: String, fallbacks: [String] = []) {
        self.primary = primary
        self.fallbacks = fallbacks
    }

    /// nil when the value names no primary model.
    public init?(json: JSONValue?) {
        switch json {
        case .string(let model):
            let model = model.trimmingSpaces
            guard !model.isEmpty else { return nil }
            self.init(primary: model)
        case .object(let members):
            guard let primary = members["primary"]?.stringValue?.trimmingSpaces, !primary.isEmpty else { return nil }
            let fallbacks = (members["fallbacks"]?.arrayValue ?? []).compactMap(\.stringValue).map(\.trimmingSpaces)
            self.init(primary: primary, fallbacks: fallbacks.filter { !$0.isEmpty })
        default:
            return nil
        }
    }

    var json: JSONValue {
        ["primary": .string(primary), "fallbacks": .array(fallbacks.map(JSONValue.string))]
    }
}

public struct AgentsConfig: Sendable {
    public var defaults: AgentDefaults
    /// `agents.list` in order, then `agents.entries` sorted by id (a JSON object has no order we keep).
    public var entries: [AgentEntry]
    /// The entry marked `default: true`, else the first list entry, else `main` if configured, else the first
    /// entry, else `main`.
    public var defaultAgentId: String

    public static let defaultAgentIdFallback = "main"

    public init(defaults: AgentDefaults = .defaults, entries: [AgentEntry] = [], defaultAgentId: String = defaultAgentIdFallback) {
        self.defaults = defaults
        self.entries = entries
        self.defaultAgentId = defaultAgentId
    }

    public static let defaults = AgentsConfig()

    /// The entry with this id (ids are lowercase).
    public func entry(id: String) -> AgentEntry? {
        let wanted = id.lowercased()
        return entries.first { $0.id == wanted }
    }
}

public struct AgentDefaults: Sendable {
    public var workspace: String?
    public var model: ModelSelection?
    /// `agents.defaults.models`: the model allowlist / aliases, `"provider/model": {alias, params}`.
    public var models: [String: JSONValue]
    public var maxConcurrent: Int
    public var timeoutSeconds: Int

    public init(
        workspace: String? = nil, model: ModelSelection? = nil, models: [String: JSONValue] = [:], maxConcurrent: Int = 8,
        timeoutSeconds: Int = 172_800
    ) {
        self.workspace = workspace
        self.model = model
        self.models = models
        self.maxConcurrent = maxConcurrent
        self.timeoutSeconds = timeoutSeconds
    }

    public static let defaults = AgentDefaults()
}

public struct AgentEntry: Sendable {
    public var id: String
    public var name: String?
    public var workspace: String?
    public var model: ModelSelection?
    public var isDefault: Bool
    /// The entry as written, for keys typed later (identity, tools, sandbox, …).
    public var raw: JSONValue

    public init(
        id: String, name: String? = nil, workspace: String? = nil, model: ModelSelection? = nil, isDefault: Bool = false,
        raw: JSONValue = .object([:])
    ) {
        self.id = id
        self.name = name
        self.workspace = workspace
        self.model = model
        self.isDefault = isDefault
        self.raw = raw
    }

    /// Upstream's agent id rule (`src/routing/session-key.ts`), applied after lowercasing.
    public static func isValidId(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard (1...64).contains(scalars.count) else { return false }
        func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        guard isLowerAlphanumeric(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }
}

extension AgentsConfig {
    static func decode(_ raw: JSONValue, context: inout ConfigDecodeContext) -> AgentsConfig {
        let path = ConfigPath.root.key("agents")
        var config = AgentsConfig.defaults
        let defaults = raw["defaults"] ?? .object([:])
        config.defaults.workspace = context.string(defaults["workspace"])
        config.defaults.model = ModelSelection(json: defaults["model"])
        config.defaults.models = defaults["models"]?.objectValue ?? [:]
        config.defaults.maxConcurrent =
            defaults["maxConcurrent"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? AgentDefaults.defaults.maxConcurrent
        config.defaults.timeoutSeconds =
            defaults["timeoutSeconds"]?.intValue.flatMap { $0 >= 1 ? $0 : nil } ?? AgentDefaults.defaults.timeoutSeconds

        // Both forms are accepted: `list` (array with `id`, older upstream) and `entries` (map keyed by id).
        var candidates: [(rawId: String, path: ConfigPath, idPath: ConfigPath, value: JSONValue)] = []
        for (offset, item) in (raw["list"]?.arrayValue ?? []).enumerated() where item.objectValue != nil {
            let itemPath = path.key("list").index(offset)
            guard let id = item["id"]?.stringValue else {
                if item["id"] == nil { context.report(itemPath.key("id"), "missing required key \"id\"") }
                continue
            }
            candidates.append((id, itemPath, itemPath.key("id"), item))
        }
        let listCount = candidates.count
        let map = raw["entries"]?.objectValue ?? [:]
        for key in map.keys.sorted() where map[key]?.objectValue != nil {
            let itemPath = path.key("entries").key(key)
            candidates.append((key, itemPath, itemPath, map[key]!))
        }

        var seen: [String: ConfigPath] = [:]
        var defaultPath: ConfigPath?
        var firstListId: String?
        for (position, candidate) in candidates.enumerated() {
            let id = candidate.rawId.trimmingSpaces.lowercased()
            guard AgentEntry.isValidId(id) else {
                context.report(
                    candidate.idPath, "invalid agent id \"\(candidate.rawId)\"",
                    hint: "ids match ^[a-z0-9][a-z0-9_-]{0,63}$ after lowercasing")
                continue
            }
            if let first = seen[id] {
                context.report(candidate.idPath, "duplicate agent id \"\(id)\" (first defined at \(first))")
                continue
            }
            seen[id] = candidate.path
            if position < listCount, firstListId == nil { firstListId = id }
            let value = candidate.value
            let entry = AgentEntry(
                id: id, name: context.string(value["name"]), workspace: context.string(value["workspace"]),
                model: ModelSelection(json: value["model"]), isDefault: value["default"]?.boolValue ?? false, raw: value)
            if entry.isDefault {
                if let first = defaultPath {
                    context.report(candidate.path.key("default"), "more than one agent is marked default (also \(first))")
                } else {
                    defaultPath = candidate.path
                }
            }
            config.entries.append(entry)
        }
        config.defaultAgentId = resolveDefaultId(config.entries, firstListId: firstListId)
        return config
    }

    private static func resolveDefaultId(_ entries: [AgentEntry], firstListId: String?) -> String {
        if let marked = entries.first(where: \.isDefault) { return marked.id }
        if let firstListId { return firstListId }
        if entries.contains(where: { $0.id == defaultAgentIdFallback }) { return defaultAgentIdFallback }
        return entries.first?.id ?? defaultAgentIdFallback
    }

    func effectiveJSON() -> JSONValue {
        [
            "defaults": [
                "workspace": defaults.workspace.map(JSONValue.string) ?? .null,
                "model": defaults.model?.json ?? .null,
                "models": .object(defaults.models),
                "maxConcurrent": .number(Double(defaults.maxConcurrent)),
                "timeoutSeconds": .number(Double(defaults.timeoutSeconds)),
            ]
        ]
    }
}

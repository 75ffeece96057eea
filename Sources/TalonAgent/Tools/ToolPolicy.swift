import TalonCore
import TalonModels

/// `tools.allow` / `tools.deny`: case-insensitive names with `*` globs; deny wins; an absent or
/// empty allow list allows everything.
public struct ToolPolicy: Sendable, Hashable {
    public var allow: [String]
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow.map { $0.lowercased() }
        self.deny = deny.map { $0.lowercased() }
    }

    /// Reads `tools.allow` / `tools.deny` (arrays of strings, or one string).
    public init(config tools: JSONValue) {
        func list(_ value: JSONValue?) -> [String] {
            if let single = value?.stringValue { return [single] }
            return (value?.arrayValue ?? []).compactMap(\.stringValue)
        }
        self.init(allow: list(tools["allow"]), deny: list(tools["deny"]))
    }

    public func permits(_ toolName: String) -> Bool {
        let name = toolName.lowercased()
        if deny.contains(where: { Self.glob($0, matches: name) }) { return false }
        return allow.isEmpty || allow.contains { Self.glob($0, matches: name) }
    }

    /// `*` matches any run of characters (including none); everything else literally.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] != "*", p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// The tools that exist, by lower-cased name (later duplicates are ignored).
struct ToolRegistry: Sendable {
    let tools: [String: any AgentTool]
    let order: [String]
    /// Specs are built once: tools compute them, and a turn would otherwise rebuild every schema.
    let cachedSpecs: [String: ToolSpec]

    init(_ list: [any AgentTool]) {
        var tools: [String: any AgentTool] = [:]
        var order: [String] = []
        var specs: [String: ToolSpec] = [:]
        for tool in list {
            let spec = tool.spec
            let key = spec.name.lowercased()
            guard tools[key] == nil else { continue }
            tools[key] = tool
            specs[key] = spec
            order.append(key)
        }
        self.tools = tools
        self.order = order
        self.cachedSpecs = specs
    }

    /// What the model may see and call under `policy`.
    func visible(under policy: ToolPolicy) -> [String: any AgentTool] {
        tools.filter { policy.permits($0.key) }
    }

    func specs(under policy: ToolPolicy) -> [ToolSpec] {
        order.compactMap { name in policy.permits(name) ? cachedSpecs[name] : nil }
    }
}

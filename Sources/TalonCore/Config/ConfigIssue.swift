/// One problem found in a config file, located by its JSON path.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// JSON path such as `gateway.auth.mode` or `agents.list[0].id`; empty for the root or the file itself.
    public var path: String
    public var message: String
    /// A suggestion, e.g. `did you mean "port"?` or `expected one of: loopback, lan, custom`.
    public var hint: String?

    public init(path: String, message: String, hint: String? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let location = path.isEmpty ? "<root>" : path
        guard let hint else { return "\(location): \(message)" }
        return "\(location): \(message) (\(hint))"
    }
}

/// The config could not be used; `issues` lists every problem found, not just the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [ConfigIssue]

    public init(file: String, issues: [ConfigIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let noun = issues.count == 1 ? "problem" : "problems"
        let lines = issues.map { "  - \($0)" }.joined(separator: "\n")
        return "invalid config \(file) (\(issues.count) \(noun)):\n\(lines)"
    }
}

/// A JSON path under construction, printed as `a.b[0].c`.
struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    var text: String

    static let root = ConfigPath(text: "")

    func key(_ key: String) -> ConfigPath {
        ConfigPath(text: text.isEmpty ? key : "\(text).\(key)")
    }

    func index(_ index: Int) -> ConfigPath {
        ConfigPath(text: "\(text)[\(index)]")
    }

    var description: String { text }
}

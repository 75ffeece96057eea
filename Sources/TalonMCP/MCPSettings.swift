import Foundation
import TalonCore

/// How Talon reaches one MCP server: a child process speaking stdio, or a remote HTTP endpoint.
public enum MCPServerTransport: Sendable, Hashable {
    case stdio(command: String, args: [String], env: [String: String], cwd: String?)
    case streamableHTTP(url: URL, headers: [String: String], auth: MCPAuthMode)
    /// The legacy HTTP+SSE transport (2024-11-05). Parsed so the server shows up, but not connectable yet.
    case sse(url: URL, headers: [String: String], auth: MCPAuthMode)

    /// The config spelling: `stdio`, `streamable-http` or `sse`.
    public var kind: String {
        switch self {
        case .stdio: "stdio"
        case .streamableHTTP: "streamable-http"
        case .sse: "sse"
        }
    }
}

/// Who supplies the `Authorization` header of a remote server.
public enum MCPAuthMode: String, Sendable, Hashable {
    /// Only the configured `headers`.
    case none
    /// `Authorization: Bearer <MCTL access token>` from the injected `MCPBearerProvider`.
    case mctl
}

/// `toolFilter {include[], exclude[]}`: names or `*` globs of the server's own tool names. Exclude wins.
public struct MCPToolFilter: Sendable, Hashable {
    /// nil: every tool not excluded.
    public var include: [String]?
    public var exclude: [String]

    public init(include: [String]? = nil, exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    public func permits(_ toolName: String) -> Bool {
        if exclude.contains(where: { Self.matches($0, toolName) }) { return false }
        guard let include else { return true }
        return include.contains(where: { Self.matches($0, toolName) })
    }

    /// `*` matches any run of characters; everything else literally (case-sensitive, as MCP names are).
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == name }
        guard name.hasPrefix(parts[0]) else { return false }
        var rest = Substring(name.dropFirst(parts[0].count))
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// One valid `mcp.servers.<name>` entry.
public struct MCPServerConfig: Sendable, Hashable {
    public var name: String
    public var transport: MCPServerTransport
    public var toolFilter: MCPToolFilter
    /// Limit of one tool call (`timeoutSeconds`).
    public var timeout: Duration
    public var enabled: Bool

    /// The handshake and first tool list may take longer than a call (`npx` fetching a package): at least 60 s.
    public var startupTimeout: Duration { max(timeout, .seconds(60)) }

    public init(
        name: String, transport: MCPServerTransport, toolFilter: MCPToolFilter = MCPToolFilter(), timeout: Duration = .seconds(60),
        enabled: Bool = true
    ) {
        self.name = name
        self.transport = transport
        self.toolFilter = toolFilter
        self.timeout = timeout
        self.enabled = enabled
    }
}

/// The `mcp` config section, checked entry by entry: a bad server becomes a problem and the others still work.
public struct MCPSettings: Sendable {
    /// Valid entries (enabled or not), sorted by name.
    public var servers: [MCPServerConfig]
    /// One line per rejected entry or field, e.g. `mcp.servers.gh: needs either "command" or "url"`.
    public var problems: [String]
    /// The environment stdio servers inherit (their `env` is laid over it) and `PATH` is searched in.
    public var environment: [String: String]

    public init(servers: [MCPServerConfig] = [], problems: [String] = [], environment: [String: String] = [:]) {
        self.servers = servers
        self.problems = problems
        self.environment = environment
    }

    public static func parse(_ mcp: JSONValue, environment: [String: String]) -> MCPSettings {
        var settings = MCPSettings(environment: environment)
        if mcp.isNull { return settings }
        guard let section = mcp.objectValue else {
            settings.problems.append("mcp: expected an object, found \(mcp.typeName)")
            return settings
        }
        guard let serversValue = section["servers"], !serversValue.isNull else { return settings }
        guard let servers = serversValue.objectValue else {
            settings.problems.append("mcp.servers: expected an object, found \(serversValue.typeName)")
            return settings
        }
        for name in servers.keys.sorted() {
            var entry = EntryParser(name: name)
            if let server = entry.parse(servers[name] ?? .null) { settings.servers.append(server) }
            settings.problems += entry.problems
        }
        return settings
    }
}

/// Reads one server entry, collecting every problem rather than stopping at the first.
private struct EntryParser {
    let name: String
    var problems: [String] = []

    init(name: String) { self.name = name }

    mutating func parse(_ value: JSONValue) -> MCPServerConfig? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            problem("", "the server name must be letters, digits, '_' or '-' (it prefixes tool names)")
            return nil
        }
        guard let entry = value.objectValue else {
            problem("", "expected an object, found \(value.typeName)")
            return nil
        }
        let enabled = bool(entry["enabled"], "enabled") ?? true
        var timeout = Duration.seconds(60)
        if let raw = entry["timeoutSeconds"] {
            if let seconds = raw.doubleValue, seconds > 0 {
                timeout = .milliseconds(Int64((seconds * 1000).rounded()))
            } else {
                problem("timeoutSeconds", "expected a positive number of seconds")
            }
        }
        let filter = toolFilter(entry["toolFilter"])
        let before = problems.count
        let transport = transport(entry)
        guard let transport, problems.count == before else { return nil }
        return MCPServerConfig(name: name, transport: transport, toolFilter: filter, timeout: timeout, enabled: enabled)
    }

    private mutating func transport(_ entry: [String: JSONValue]) -> MCPServerTransport? {
        switch (entry["command"], entry["url"]) {
        case (.some, .some):
            problem("", "has both \"command\" (stdio) and \"url\" (remote); keep one")
            return nil
        case (.some(let command), nil):
            guard let command = command.stringValue?.trimmingCharacters(in: .whitespaces), !command.isEmpty else {
                problem("command", "expected a non-empty string")
                return nil
            }
            let args = strings(entry["args"], "args") ?? []
            let env = stringMap(entry["env"], "env") ?? [:]
            let cwd = string(entry["cwd"], "cwd")
            return .stdio(command: command, args: args, env: env, cwd: cwd)
        case (nil, .some(let urlValue)):
            guard let text = urlValue.stringValue, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else {
                problem("url", "expected an http:// or https:// URL")
                return nil
            }
            let headers = stringMap(entry["headers"], "headers") ?? [:]
            var auth = MCPAuthMode.none
            if let rawAuth = entry["auth"], !rawAuth.isNull {
                if rawAuth.stringValue == "mctl" {
                    auth = .mctl
                } else {
                    problem("auth", "unsupported auth \(rawAuth.serialized()); supported: \"mctl\"")
                }
            }
            switch entry["transport"]?.stringValue ?? "streamable-http" {
            case "streamable-http", "http": return .streamableHTTP(url: url, headers: headers, auth: auth)
            case "sse": return .sse(url: url, headers: headers, auth: auth)
            default:
                problem("transport", "expected \"streamable-http\" or \"sse\"")
                return nil
            }
        case (nil, nil):
            problem("", "needs either \"command\" (stdio server) or \"url\" (remote server)")
            return nil
        }
    }

    private mutating func toolFilter(_ value: JSONValue?) -> MCPToolFilter {
        guard let value, !value.isNull else { return MCPToolFilter() }
        guard let object = value.objectValue else {
            problem("toolFilter", "expected an object {include, exclude}")
            return MCPToolFilter()
        }
        let include = strings(object["include"], "toolFilter.include")
        let exclude = strings(object["exclude"], "toolFilter.exclude") ?? []
        return MCPToolFilter(include: include, exclude: exclude)
    }

    private mutating func problem(_ field: String, _ message: String) {
        let path = field.isEmpty ? "mcp.servers.\(name)" : "mcp.servers.\(name).\(field)"
        problems.append("\(path): \(message)")
    }

    private mutating func bool(_ value: JSONValue?, _ field: String) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            problem(field, "expected true or false")
            return nil
        }
        return flag
    }

    private mutating func string(_ value: JSONValue?, _ field: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else {
            problem(field, "expected a string")
            return nil
        }
        return text
    }

    private mutating func strings(_ value: JSONValue?, _ field: String) -> [String]? {
        guard let value, !value.isNull else { return nil }
        let texts = value.arrayValue?.compactMap(\.stringValue)
        guard let texts, texts.count == value.arrayValue?.count else {
            problem(field, "expected an array of strings")
            return nil
        }
        return texts
    }

    /// Header and env values: strings, with numbers and booleans written out (JSON configs often hold `PORT: 8080`).
    private mutating func stringMap(_ value: JSONValue?, _ field: String) -> [String: String]? {
        guard let value, !value.isNull else { return nil }
        guard let object = value.objectValue else {
            problem(field, "expected an object of strings")
            return nil
        }
        var result: [String: String] = [:]
        for (key, item) in object {
            switch item {
            case .string(let text): result[key] = text
            case .number, .bool: result[key] = item.serialized()
            default: problem("\(field).\(key)", "expected a string")
            }
        }
        return result
    }
}

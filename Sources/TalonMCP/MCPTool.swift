import MCP
import TalonAgent
import TalonCore
import TalonModels

/// One server tool as the model sees it: `<server>__<tool>`, the server's input schema as parameters.
public struct MCPTool: AgentTool {
    public let spec: ToolSpec
    public let serverName: String
    /// The tool's own name on the server.
    public let toolName: String
    let runtime: MCPServerRuntime

    init(tool: Tool, server: String, runtime: MCPServerRuntime) {
        serverName = server
        toolName = tool.name
        self.runtime = runtime
        let description = tool.description ?? tool.title ?? ""
        spec = ToolSpec(
            name: Self.qualifiedName(server: server, tool: tool.name),
            description: description.isEmpty ? "Tool '\(tool.name)' of the MCP server '\(server)'." : description,
            parameters: Self.parameters(from: tool.inputSchema))
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let members: [String: JSONValue]
        switch arguments {
        case .object(let object): members = object
        case .null: members = [:]
        default: return ToolOutput(text: "error: the arguments must be a JSON object", isError: true)
        }
        return try await runtime.call(tool: toolName, qualifiedName: spec.name, arguments: members.mapValues(\.mcpValue))
    }

    /// `<server>__<tool>`, with characters model APIs reject in function names (`^[A-Za-z0-9_-]{1,64}$`) made `_`.
    static func qualifiedName(server: String, tool: String) -> String {
        let safe = String(tool.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        return "\(server)__\(safe)"
    }

    /// The input schema as given; a schema that is not an object schema is replaced by an empty object schema.
    static func parameters(from schema: MCP.Value) -> JSONValue {
        var object = JSONValue(mcp: schema).objectValue ?? [:]
        if object["type"] == nil { object["type"] = "object" }
        guard object["type"] == "object" else { return ["type": "object", "properties": [:]] }
        if object["properties"] == nil { object["properties"] = [:] }
        return .object(object)
    }
}

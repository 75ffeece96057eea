import TalonCore
import TalonMCP
import TalonMCTL

/// `mcp.status` (scope `operator.read`): the configured MCP servers, their state and tools.
extension GatewayMethods {
    func mcpStatus() async -> JSONValue {
        let servers = await services.mcp.status()
        return [
            "servers": .array(servers.map(Self.mcpServerJSON)),
            "problems": .array(services.mcp.settings.problems.map(JSONValue.string)),
        ]
    }

    static func mcpServerJSON(_ status: MCPServerStatus) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(status.name), "transport": .string(status.transport),
            "tools": .array(status.tools.map(JSONValue.string)),
        ]
        switch status.state {
        case .stopped: object["state"] = "stopped"
        case .starting: object["state"] = "starting"
        case .running: object["state"] = "running"
        case .disabled: object["state"] = "disabled"
        case .failed(let reason):
            object["state"] = "failed"
            object["error"] = .string(reason)
        }
        return .object(object)
    }
}

/// The MCTL OAuth credentials are the bearer of `auth: "mctl"` MCP servers.
extension MCTLConnect: MCPBearerProvider {}

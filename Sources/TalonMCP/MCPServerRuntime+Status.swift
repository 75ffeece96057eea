import MCP

/// What `talon mcp list` shows of a runtime.
extension MCPServerRuntime {
    func status() -> MCPServerStatus {
        let state: MCPServerStatus.State
        switch phase {
        case .stopped: state = .stopped
        case .starting: state = .starting
        case .running: state = .running
        case .failed(let reason): state = .failed(reason: reason)
        }
        return MCPServerStatus(name: config.name, transport: config.transport.kind, state: state, tools: toolNames())
    }

    func toolNames() -> [String] {
        (tools ?? []).filter { config.toolFilter.permits($0.name) }.map { MCPTool.qualifiedName(server: config.name, tool: $0.name) }
    }
}

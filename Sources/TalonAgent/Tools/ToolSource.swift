import Foundation
import TalonCore
import TalonModels

/// Tools that are known only at run time (MCP servers list theirs once started). Asked at the start of each run;
/// a name already taken by a built-in tool is ignored.
public protocol ToolSource: Sendable {
    func tools() async -> [any AgentTool]
}

extension AgentRuntime {
    /// Built-in tools plus those of the tool sources, as a run sees them under `tools.allow`/`tools.deny`.
    func runTools() async -> (tools: [String: any AgentTool], specs: [ToolSpec]) {
        var tools = registry.visible(under: policy)
        var specs = registry.specs(under: policy)
        for source in toolSources {
            for tool in await source.tools() {
                let spec = tool.spec
                let key = spec.name.lowercased()
                guard tools[key] == nil, policy.permits(key) else { continue }
                tools[key] = tool
                specs.append(spec)
            }
        }
        return (tools, specs)
    }

    /// Runs one tool outside a model turn (`POST /tools/invoke`). nil when no visible tool has that name.
    public func invokeTool(name: String, arguments: JSONValue, sessionKey: String) async throws -> ToolOutput? {
        let (tools, _) = await runTools()
        guard let tool = tools[name.lowercased()] else { return nil }
        let key = canonicalKey(sessionKey)
        let agentId = SessionKey.agentId(of: key, config: config)
        let record = try await sessions.ensure(key: key, agentId: agentId)
        let context = ToolContext(
            runId: "invoke-" + UUID().uuidString.lowercased(), sessionKey: key, sessionId: record.sessionId, agentId: agentId,
            workspace: workspace(agentId: agentId), skills: skills(agentId: agentId, sessionKey: key), runtime: self)
        return try await tool.invoke(arguments: arguments, context: context)
    }
}

import TalonAgent
import TalonCore
import TalonModels

/// `session_status`: the session key and id, the model, token usage so far and the queue depth.
public struct SessionStatusTool: AgentTool {
    public init() {}

    public let spec = ToolSpec(
        name: "session_status",
        description: "Show this conversation's session: key, session id, model, token usage so far and queued messages.",
        parameters: ["type": "object", "properties": [:]])

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        guard let runtime = context.runtime else {
            return ToolOutput(
                text: "session: \(context.sessionKey)\nsession id: \(context.sessionId)\nmodel: \(context.modelRef ?? "unknown")")
        }
        let status = try await runtime.sessionStatus(key: context.sessionKey)
        let lines = [
            "session: \(status.sessionKey)",
            "session id: \(status.sessionId)",
            "agent: \(status.agentId)",
            "model: \(context.modelRef ?? status.model ?? "none configured")",
            "thinking: \(status.thinking?.rawValue ?? "default")",
            "usage: \(status.inputTokens) input tokens, \(status.outputTokens) output tokens (finished runs)",
            "queued messages: \(status.queueDepth)",
        ]
        return ToolOutput(text: lines.joined(separator: "\n"))
    }
}

import TalonCore
import TalonModels

/// What a tool handler knows about the run calling it.
public struct ToolContext: Sendable {
    public var runId: String
    public var sessionKey: String
    public var sessionId: String
    public var agentId: String
    /// The agent's workspace directory (absolute).
    public var workspace: String

    public init(runId: String, sessionKey: String, sessionId: String, agentId: String, workspace: String) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.sessionId = sessionId
        self.agentId = agentId
        self.workspace = workspace
    }
}

/// What a tool returns to the model.
public struct ToolOutput: Sendable, Hashable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// A tool the model can call. Handlers honour task cancellation (abort cancels pending tools).
public protocol AgentTool: Sendable {
    var spec: ToolSpec { get }
    func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput
}

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
    /// The eligible skills of this run (after the session's skill filter): `skill_read` reads only these.
    public var skills: [Skill]
    /// `provider/model` of the run's primary model, when resolved.
    public var modelRef: String?
    /// The runtime running the tool (session status, queue depth); nil in isolated tool tests.
    public var runtime: AgentRuntime?

    public init(
        runId: String, sessionKey: String, sessionId: String, agentId: String, workspace: String, skills: [Skill] = [],
        modelRef: String? = nil, runtime: AgentRuntime? = nil
    ) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.sessionId = sessionId
        self.agentId = agentId
        self.workspace = workspace
        self.skills = skills
        self.modelRef = modelRef
        self.runtime = runtime
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

/// A tool made of a spec and a closure (small built-ins, tests).
public struct ClosureTool: AgentTool {
    public let spec: ToolSpec
    private let handler: @Sendable (JSONValue, ToolContext) async throws -> ToolOutput

    public init(spec: ToolSpec, handler: @escaping @Sendable (JSONValue, ToolContext) async throws -> ToolOutput) {
        self.spec = spec
        self.handler = handler
    }

    public init(
        name: String, description: String, parameters: JSONValue = ["type": "object", "properties": [:]],
        handler: @escaping @Sendable (JSONValue, ToolContext) async throws -> ToolOutput
    ) {
        self.init(spec: ToolSpec(name: name, description: description, parameters: parameters), handler: handler)
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        try await handler(arguments, context)
    }
}

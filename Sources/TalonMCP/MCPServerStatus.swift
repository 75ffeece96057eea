/// One configured server as `talon mcp list` shows it.
public struct MCPServerStatus: Sendable, Hashable {
    public enum State: Sendable, Hashable, CustomStringConvertible {
        case stopped
        case starting
        case running
        /// Not started because `enabled: false`.
        case disabled
        case failed(reason: String)

        public var description: String {
            switch self {
            case .stopped: "stopped"
            case .starting: "starting"
            case .running: "running"
            case .disabled: "disabled"
            case .failed(let reason): "failed: \(reason)"
            }
        }
    }

    public var name: String
    /// `stdio`, `streamable-http` or `sse`.
    public var transport: String
    public var state: State
    /// The namespaced names (`<server>__<tool>`) from the last tool list, after the tool filter; empty before the first start.
    public var tools: [String]

    public init(name: String, transport: String, state: State, tools: [String]) {
        self.name = name
        self.transport = transport
        self.state = state
        self.tools = tools
    }
}

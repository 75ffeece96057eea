import AsyncHTTPClient
import Logging
import MCP
import NIOCore
import TalonAgent

/// The gateway's MCP client: one runtime per enabled server of `mcp.servers`, their tools offered to the agent
/// as `<server>__<tool>` (a `ToolSource`), and `talon mcp list`'s status. Servers start lazily, on the first tool
/// request or call; call `shutdown()` when the gateway stops so stdio children end with it.
public actor MCPServerManager: ToolSource {
    public nonisolated let settings: MCPSettings
    private let runtimes: [MCPServerRuntime]
    private let disabled: [MCPServerConfig]
    private let logger: Logger
    private var isShutDown = false

    public init(
        settings: MCPSettings, bearer: (any MCPBearerProvider)?, logger: Logger, idleTimeout: Duration = .seconds(600)
    ) {
        self.init(settings: settings, bearer: bearer, logger: logger, idleTimeout: idleTimeout, http: MCPHTTPClient.shared)
    }

    init(settings: MCPSettings, bearer: (any MCPBearerProvider)?, logger: Logger, idleTimeout: Duration, http: HTTPClient) {
        self.settings = settings
        self.logger = logger
        runtimes = settings.servers.filter(\.enabled).map {
            MCPServerRuntime(
                config: $0, environment: settings.environment, bearer: bearer, http: http, logger: logger, idleTimeout: idleTimeout)
        }
        disabled = settings.servers.filter { !$0.enabled }
        for problem in settings.problems { logger.warning("mcp config problem; server skipped", metadata: ["problem": "\(problem)"]) }
    }

    /// The tools of every enabled server, in server order; servers without a cached list are started (concurrently).
    /// A failing server contributes nothing (logged), or its last known list if it worked before.
    public func tools() async -> [any AgentTool] {
        guard !isShutDown else { return [] }
        let listed = await withTaskGroup(of: (Int, [Tool]).self) { group in
            for (index, runtime) in runtimes.enumerated() {
                group.addTask { (index, await runtime.listedTools()) }
            }
            var byIndex: [Int: [Tool]] = [:]
            for await (index, tools) in group { byIndex[index] = tools }
            return byIndex
        }
        var result: [any AgentTool] = []
        var seen: Set<String> = []
        for (index, runtime) in runtimes.enumerated() {
            let config = runtime.config
            for tool in listed[index] ?? [] where config.toolFilter.permits(tool.name) {
                let wrapped = MCPTool(tool: tool, server: config.name, runtime: runtime)
                guard seen.insert(wrapped.spec.name.lowercased()).inserted else {
                    logger.warning("mcp tool name collides after namespacing; skipped", metadata: ["tool": "\(wrapped.spec.name)"])
                    continue
                }
                result.append(wrapped)
            }
        }
        return result
    }

    /// Every configured server (disabled ones too), sorted by name. Does not start anything.
    public func status() async -> [MCPServerStatus] {
        var statuses: [MCPServerStatus] = []
        for runtime in runtimes { statuses.append(await runtime.status()) }
        statuses += disabled.map { MCPServerStatus(name: $0.name, transport: $0.transport.kind, state: .disabled, tools: []) }
        return statuses.sorted { $0.name < $1.name }
    }

    /// Stops every server (stdio children are ended: stdin closed, then SIGTERM, then SIGKILL) and starts none again.
    public func shutdown() async {
        isShutDown = true
        await withTaskGroup(of: Void.self) { group in
            for runtime in runtimes { group.addTask { await runtime.shutdown() } }
        }
    }
}

/// The process-lifetime HTTP client of remote MCP servers. Like `HTTPClient.shared`, but a refused connection fails
/// at once instead of being retried until the connect deadline (the runtime has its own backoff).
enum MCPHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

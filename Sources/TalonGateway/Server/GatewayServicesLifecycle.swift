import ServiceLifecycle
import TalonAgent
import TalonMCP
import TalonMCTL

/// Feeds runtime events to WebSocket clients and sends the keepalive `tick`.
struct EventHubService: Service {
    let hub: EventHub
    let runtime: AgentRuntime

    func run() async throws {
        let subscription = runtime.subscribe()
        await withDiscardingTaskGroup { group in
            group.addTask { await hub.consume(subscription) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(GatewayProtocol.tickIntervalMs))
                    await hub.tick()
                }
            }
            try? await gracefulShutdown()
            await hub.shutdown(reason: "gateway stopping")
            group.cancelAll()
        }
    }
}

/// Restarts hook runs that were stored (and acknowledged) but had not finished when the last process stopped.
struct HookResumeService: Service {
    let runner: HookRunner

    func run() async throws {
        await runner.resume()
        try? await gracefulShutdown()
    }
}

/// Renews the MCTL OAuth credentials before they expire (nothing to do while not connected).
struct MCTLRefresherService: Service {
    let connect: MCTLConnect

    func run() async throws {
        _ = try? await cancelWhenGracefulShutdown { await connect.runRefresher() }
        try? await gracefulShutdown()
    }
}

/// Stops the MCP servers (child processes, HTTP sessions) when the gateway stops.
struct MCPShutdownService: Service {
    let manager: MCPServerManager

    func run() async throws {
        try? await gracefulShutdown()
        await manager.shutdown()
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

/// A third-party MCP server (a FastMCP server from PyPI's `mcp` package) as `mcp.servers.pyserver`.
@Suite("MCP interop with a PyPI server", .serialized)
struct MCPInteropTests {
    static let ready = E2E.pythonAvailable(modules: ["mcp"], binaries: [])
    static var server: String {
        #"mcp: { servers: { pyserver: { command: "python3", args: ["\#(E2E.repoRoot)/Tests/TalonMCPTests/Fixtures/echo_server.py"] } } },"#
    }

    @Test(.enabled(if: ready)) func agentTurnCallsThePythonServersTool() async throws {
        let agent = try await AgentGateway.start(extraConfig: Self.server)
        defer { Task { await agent.stop() } }
        let (client, _) = try await agent.connect()
        defer { client.close() }
        agent.mock.enqueue(.toolCall(name: "pyserver__add", arguments: #"{"a": 20, "b": 22}"#), .text("the sum is 42"))
        let sent = try await client.call("chat.send", ["message": "add 20 and 22", "idempotencyKey": "py-1"])
        let events = try await client.chatEvents(runId: try #require(sent["runId"]?.stringValue))
        #expect(events.last?["payload"]?["state"]?.stringValue == "final")
        let result = try #require(agent.mock.requests().last?.toolResults.first)
        #expect(result.content == "42")
        #expect(!result.isError)
        let tools = agent.mock.requests().first?.body["tools"]?.arrayValue ?? []
        #expect(tools.contains { $0["function"]?["name"]?.stringValue == "pyserver__add" })
        let status = try await client.call("mcp.status")
        #expect(status["servers"]?.arrayValue?.first?["state"]?.stringValue == "running")
    }

    @Test(.enabled(if: ready)) func mcpListPrintsServersStateAndTools() async throws {
        let dir = try TempDir()
        try "{ \(Self.server) }".write(toFile: dir.path + "/openclaw.json", atomically: true, encoding: .utf8)
        let result = try await TalonProcess.run(["mcp", "list", "--json"], environment: TalonProcess.baseEnvironment(stateDir: dir.path))
        #expect(result.code == 0, "\(result.stderr)")
        let line = try JSON5.parse(try #require(result.stdout.split(separator: "\n").first.map(String.init)))
        #expect(line["name"]?.stringValue == "pyserver")
        #expect(line["state"]?.stringValue == "running")
        #expect(line["tools"]?.arrayValue?.contains("pyserver__add") == true)
    }
}

import ArgumentParser
import FoundationEssentials
import Logging
import TalonCore
import TalonGateway
import TalonMCP
import TalonMCTL

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "MCP servers the assistant uses (mcp.servers).", subcommands: [MCPList.self])
}

struct MCPList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Starts each configured MCP server, prints its state and tools, and stops it again.")

    @OptionGroup var state: StateOptions

    @Flag(name: .long, help: "One JSON object per server.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LogSetup.bootstrap(level: .error)
        let paths = state.paths(environment: environment)
        let config = try loadConfigOrExit(paths: paths, environment: environment).config
        let settings = MCPSettings.parse(config.mcp, environment: environment)
        let mctl = MCTLConnect(stateDir: paths.stateDir, apiBase: MCTLConnect.apiBase(environment: environment))
        let manager = MCPServerManager(settings: settings, bearer: mctl, logger: Logger(label: "talon.mcp"))
        _ = await manager.tools()
        let servers = await manager.status()
        await manager.shutdown()
        for problem in settings.problems { ConsoleOutput.stderr("talon: \(problem)\n") }
        if servers.isEmpty, !json { print("no MCP servers configured (mcp.servers)") }
        for server in servers {
            let view = MCPServerView(server)
            print(json ? view.json.serialized() : view.line)
        }
    }
}

/// One server for `talon mcp list`.
struct MCPServerView {
    let name: String
    let transport: String
    let state: String
    let error: String?
    let tools: [String]

    init(_ status: MCPServerStatus) {
        name = status.name
        transport = status.transport
        tools = status.tools
        switch status.state {
        case .stopped: (state, error) = ("stopped", nil)
        case .starting: (state, error) = ("starting", nil)
        case .running: (state, error) = ("running", nil)
        case .disabled: (state, error) = ("disabled", nil)
        case .failed(let reason): (state, error) = ("failed", reason)
        }
    }

    var line: String {
        var text = "\(name)\t\(transport)\t\(state)\t\(tools.isEmpty ? "-" : tools.joined(separator: ","))"
        if let error { text += "\t\(error)" }
        return text
    }

    var json: JSONValue {
        [
            "name": .string(name), "transport": .string(transport), "state": .string(state),
            "tools": .array(tools.map(JSONValue.string)), "error": error.map(JSONValue.string) ?? .null,
        ]
    }
}

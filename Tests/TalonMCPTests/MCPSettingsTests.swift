import Foundation
import TalonCore
import Testing

@testable import TalonMCP

@Suite("MCPSettings")
struct MCPSettingsTests {
    @Test func parsesStdioAndRemoteEntries() throws {
        let settings = MCPSettings.parse(
            [
                "servers": [
                    "py": [
                        "command": "python3", "args": ["server.py", "--fast"], "env": ["TOKEN": "x", "PORT": 8080], "cwd": "/srv",
                        "toolFilter": ["include": ["add", "get_*"], "exclude": ["get_secret"]], "timeoutSeconds": 2.5,
                    ],
                    "mctl": ["url": "https://api.mctl.ai/mcp", "transport": "streamable-http", "auth": "mctl", "headers": ["X-A": "1"]],
                    "legacy": ["url": "http://127.0.0.1:9/sse", "transport": "sse", "enabled": false],
                ]
            ], environment: ["PATH": "/bin"])
        #expect(settings.problems.isEmpty)
        #expect(settings.servers.map(\.name) == ["legacy", "mctl", "py"])
        let py = try #require(settings.servers.last)
        #expect(
            py.transport == .stdio(command: "python3", args: ["server.py", "--fast"], env: ["TOKEN": "x", "PORT": "8080"], cwd: "/srv"))
        #expect(py.timeout == .milliseconds(2500))
        #expect(py.enabled)
        #expect(py.toolFilter.permits("add") && py.toolFilter.permits("get_issue"))
        #expect(!py.toolFilter.permits("get_secret") && !py.toolFilter.permits("delete"))
        let mctl = settings.servers[1]
        #expect(mctl.transport == .streamableHTTP(url: URL(string: "https://api.mctl.ai/mcp")!, headers: ["X-A": "1"], auth: .mctl))
        #expect(mctl.timeout == .seconds(60))
        #expect(settings.servers[0].transport.kind == "sse")
        #expect(!settings.servers[0].enabled)
        #expect(settings.environment == ["PATH": "/bin"])
    }

    @Test func badEntriesBecomeProblemsAndTheRestStillParse() {
        let settings = MCPSettings.parse(
            [
                "servers": [
                    "good": ["command": "node", "args": ["x.js"]],
                    "neither": ["args": ["x"]],
                    "both": ["command": "a", "url": "http://x/mcp"],
                    "badurl": ["url": "ftp://x/mcp"],
                    "badtransport": ["url": "http://x/mcp", "transport": "websocket"],
                    "badauth": ["url": "http://x/mcp", "auth": "oauth"],
                    "badargs": ["command": "a", "args": "not-a-list"],
                    "badtimeout": ["command": "a", "timeoutSeconds": -1],
                    "bad name": ["command": "a"],
                    "notobject": "python3",
                ]
            ], environment: [:])
        #expect(settings.servers.map(\.name) == ["badtimeout", "good"])
        let problems = settings.problems.joined(separator: "\n")
        #expect(problems.contains("mcp.servers.neither: needs either \"command\" (stdio server) or \"url\" (remote server)"))
        #expect(problems.contains("mcp.servers.both: has both"))
        #expect(problems.contains("mcp.servers.badurl.url: expected an http:// or https:// URL"))
        #expect(problems.contains("mcp.servers.badtransport.transport: expected \"streamable-http\" or \"sse\""))
        #expect(problems.contains("mcp.servers.badauth.auth: unsupported auth \"oauth\""))
        #expect(problems.contains("mcp.servers.badargs.args: expected an array of strings"))
        #expect(problems.contains("mcp.servers.badtimeout.timeoutSeconds: expected a positive number of seconds"))
        #expect(problems.contains("mcp.servers.bad name: the server name must be"))
        #expect(problems.contains("mcp.servers.notobject: expected an object, found string"))
    }

    @Test func emptyOrMalformedSection() {
        #expect(MCPSettings.parse([:], environment: [:]).servers.isEmpty)
        #expect(MCPSettings.parse(.null, environment: [:]).problems.isEmpty)
        #expect(MCPSettings.parse(["servers": []], environment: [:]).problems == ["mcp.servers: expected an object, found array"])
    }

    @Test func toolFilterGlobs() {
        #expect(MCPToolFilter.matches("*", "anything"))
        #expect(MCPToolFilter.matches("get_*", "get_x") && !MCPToolFilter.matches("get_*", "set_x"))
        #expect(MCPToolFilter.matches("*_issue", "get_issue") && !MCPToolFilter.matches("*_issue", "get_issues"))
        #expect(MCPToolFilter.matches("a*b*c", "axxbyyc") && !MCPToolFilter.matches("a*b*c", "axxcyyb"))
        #expect(MCPToolFilter(include: [], exclude: []).permits("x") == false)
        #expect(MCPToolFilter(include: nil, exclude: ["x"]).permits("x") == false)
    }
}

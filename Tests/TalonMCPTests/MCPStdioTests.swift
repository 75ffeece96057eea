import Foundation
import TalonAgent
import TalonCore
import Testing

@testable import TalonMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Against the PyPI `mcp` package's FastMCP (Fixtures/echo_server.py) over stdio, as `mcp.servers.py`.
/// Serialized: each test starts Python processes, and the timing tests should not compete with each other.
@Suite("MCP stdio servers", .serialized, .enabled("python3 with the PyPI mcp package (pip install mcp)") { await PythonMCP.available() })
struct MCPStdioTests {
    private func manager(_ extra: JSONValue = [:], idle: Duration = .seconds(600)) -> MCPServerManager {
        MCPServerManager(
            settings: PythonMCP.settings(["py": PythonMCP.stdioServer(extra)]), bearer: nil, logger: quietLogger(), idleTimeout: idle)
    }

    @Test func toolsAreNamespacedWithTheirSchemas() async throws {
        try await using(manager()) { mcp in
            #expect(await mcp.state(of: "py") == .stopped)
            let tools = await mcp.tools()
            #expect(Set(tools.map(\.spec.name)) == ["py__add", "py__fail", "py__sleep", "py__pid", "py__crash", "py__secret", "py__grow"])
            let add = try #require(tools.first { $0.spec.name == "py__add" })
            #expect(add.spec.description == "Add two integers.")
            #expect(add.spec.parameters["type"] == "object")
            #expect(add.spec.parameters["properties"]?["a"]?["type"] == "integer")
            #expect(add.spec.parameters["required"] == ["a", "b"])
            let status = try #require(await mcp.status().first)
            #expect(status.name == "py" && status.transport == "stdio" && status.state == .running)
            #expect(status.tools.contains("py__add"))
        }
    }

    @Test func callsReturnTextAndErrorsMapToIsError() async throws {
        try await using(manager()) { mcp in
            #expect(try await mcp.call("py__add", ["a": 2, "b": 3]) == ToolOutput(text: "5"))
            let failed = try await mcp.call("py__fail", ["message": "boom"])
            #expect(failed.isError)
            #expect(failed.text.contains("boom"))
            let invalid = try await mcp.call("py__add", ["a": "two"])
            #expect(invalid.isError)
        }
    }

    @Test func aSlowCallTimesOutAndTheServerStaysUsable() async throws {
        try await using(manager(["timeoutSeconds": 1])) { mcp in
            _ = await mcp.tools()
            let started = ContinuousClock.now
            let slow = try await mcp.call("py__sleep", ["seconds": 20])
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(slow == ToolOutput(text: "error: MCP tool 'py__sleep' timed out after 1 s; the call was cancelled", isError: true))
            #expect(try await mcp.call("py__add", ["a": 1, "b": 1]) == ToolOutput(text: "2"))
        }
    }

    @Test func aKilledServerIsRestartedOnTheNextCall() async throws {
        try await using(manager()) { mcp in
            let pid = try #require(Int32(try await mcp.call("py__pid").text))
            kill(pid, SIGKILL)
            #expect(await mcp.waitForState("py") { if case .failed(let reason) = $0 { reason.contains("signal 9") } else { false } })
            // The next call waits out the 1 s backoff, starts a new process and succeeds.
            #expect(try await mcp.call("py__add", ["a": 20, "b": 22]) == ToolOutput(text: "42"))
            let newPid = try #require(Int32(try await mcp.call("py__pid").text))
            #expect(newPid != pid)
            #expect(await mcp.state(of: "py") == .running)
        }
    }

    @Test func aCrashDuringACallFailsClearlyThenRestarts() async throws {
        try await using(manager()) { mcp in
            let crashed = try await mcp.call("py__crash")
            #expect(crashed.isError)
            #expect(crashed.text.hasPrefix("error: MCP server 'py' exited with status 3"))
            #expect(crashed.text.hasSuffix("during the call; it will be restarted on the next use"))
            #expect(try await mcp.call("py__add", ["a": 1, "b": 2]) == ToolOutput(text: "3"))
        }
    }

    @Test func idleServersStopAndStartAgainOnDemand() async throws {
        try await using(manager(idle: .seconds(1))) { mcp in
            let pid = try #require(Int32(try await mcp.call("py__pid").text))
            #expect(await mcp.waitForState("py") { $0 == .stopped })
            #expect(await waitUntil { !processExists(pid) })
            // The cached list is served without starting the server; a call starts it.
            #expect(await mcp.tools().count == 7)
            #expect(await mcp.state(of: "py") == .stopped)
            #expect(try await mcp.call("py__add", ["a": 3, "b": 4]) == ToolOutput(text: "7"))
            #expect(await mcp.state(of: "py") == .running)
        }
    }

    @Test func aToolListChangeIsPickedUp() async throws {
        try await using(manager()) { mcp in
            let before = await mcp.tools().map(\.spec.name)
            let grown = try await mcp.call("py__grow")
            let late = try await mcp.call("py__late")
            #expect(!before.contains("py__late") && grown == ToolOutput(text: "grown"))
            #expect(late == ToolOutput(text: "late"))
            #expect(await mcp.status().first?.tools.contains("py__late") == true)
        }
    }

    @Test func toolFilterIncludeAndExclude() async throws {
        try await using(manager(["toolFilter": ["include": ["add", "s*"], "exclude": ["sleep"]]])) { mcp in
            #expect(Set(await mcp.tools().map(\.spec.name)) == ["py__add", "py__secret"])
            #expect(await mcp.status().first?.tools.sorted() == ["py__add", "py__secret"])
        }
    }

    @Test func shutdownEndsTheChild() async throws {
        let mcp = manager()
        let pid = try #require(Int32(try await mcp.call("py__pid").text))
        #expect(processExists(pid))
        await mcp.shutdown()
        #expect(!processExists(pid))
        #expect(await mcp.tools().isEmpty)
    }

    @Test func aBrokenServerDoesNotHideTheOthers() async throws {
        let settings = PythonMCP.settings([
            "py": PythonMCP.stdioServer(),
            "missing": ["command": "talon-no-such-mcp-server"],
            "dies": ["command": .string(PythonMCP.python), "args": ["-c", "import sys; sys.stderr.write('bad config\\n'); sys.exit(2)"]],
            "invalid": ["args": ["x"]],
            "off": ["command": "whatever", "enabled": false],
        ])
        #expect(settings.problems.count == 1)
        try await using(MCPServerManager(settings: settings, bearer: nil, logger: quietLogger())) { mcp in
            #expect(await mcp.tools().count == 7)
            let states = Dictionary(uniqueKeysWithValues: await mcp.status().map { ($0.name, $0.state) })
            #expect(states["py"] == .running)
            #expect(states["off"] == .disabled)
            #expect(
                states["missing"] == .failed(reason: "command 'talon-no-such-mcp-server' not found (not an executable file, nor on PATH)"))
            guard case .failed(let reason) = states["dies"] else {
                throw FixtureError(description: "dies: \(String(describing: states["dies"]))")
            }
            #expect(reason.contains("exited with status 2") && reason.contains("bad config"))
        }
    }
}

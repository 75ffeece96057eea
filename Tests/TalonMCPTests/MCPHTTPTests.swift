import Foundation
import TalonAgent
import TalonCore
import Testing

@testable import TalonMCP

/// Against the same FastMCP tools served over streamable HTTP by uvicorn (Fixtures/http_server.py), through
/// Talon's AsyncHTTPClient transport: SSE-framed answers, `Mcp-Session-Id`, and `auth: "mctl"` bearer handling.
@Suite(
    "MCP streamable-HTTP servers", .serialized,
    .enabled("python3 with the PyPI mcp package (pip install mcp)") { await PythonMCP.available() })
struct MCPHTTPTests {
    private func manager(url: String, auth: Bool, bearer: (any MCPBearerProvider)?) -> MCPServerManager {
        var entry: [String: JSONValue] = ["url": .string(url), "transport": "streamable-http", "headers": ["X-Talon-Test": "1"]]
        if auth { entry["auth"] = "mctl" }
        return MCPServerManager(settings: PythonMCP.settings(["remote": .object(entry)]), bearer: bearer, logger: quietLogger())
    }

    @Test func toolsAndCallsOverStreamableHTTP() async throws {
        let server = try await HTTPFixture.start()
        defer { server.stop() }
        try await using(manager(url: server.url, auth: false, bearer: nil)) { mcp in
            let names = Set(await mcp.tools().map(\.spec.name))
            #expect(names.isSuperset(of: ["remote__add", "remote__fail", "remote__sleep"]))
            #expect(try await mcp.call("remote__add", ["a": 40, "b": 2]) == ToolOutput(text: "42"))
            let failed = try await mcp.call("remote__fail", ["message": "remote boom"])
            #expect(failed.isError && failed.text.contains("remote boom"))
            #expect(await mcp.status().first?.transport == "streamable-http")
            #expect(await mcp.state(of: "remote") == .running)
            // No auth configured: no Authorization header at all.
            #expect(Set(server.authorizations()) == ["-"])
        }
    }

    @Test func theBearerIsSentAndA401RefreshesOnceAndRetries() async throws {
        let server = try await HTTPFixture.start(token: "fresh-token")
        defer { server.stop() }
        let bearer = FakeBearer(initial: "stale-token", refreshed: "fresh-token")
        try await using(manager(url: server.url, auth: true, bearer: bearer)) { mcp in
            let first = try await mcp.call("remote__add", ["a": 1, "b": 2])
            let second = try await mcp.call("remote__add", ["a": 2, "b": 2])
            #expect(first == ToolOutput(text: "3") && second == ToolOutput(text: "4"))
            #expect(await bearer.refreshes == ["stale-token"])
            let seen = server.authorizations()
            #expect(Array(seen.prefix(2)) == ["Bearer stale-token", "Bearer fresh-token"])
            #expect(seen.dropFirst().allSatisfy { $0 == "Bearer fresh-token" })
        }
    }

    @Test func aRefreshedTokenThatIsRejectedTooFailsClearly() async throws {
        let server = try await HTTPFixture.start(token: "the-right-one")
        defer { server.stop() }
        let bearer = FakeBearer(initial: "old", refreshed: "also-wrong")
        try await using(manager(url: server.url, auth: true, bearer: bearer)) { mcp in
            #expect(await mcp.tools().isEmpty)
            #expect(await bearer.refreshes == ["old"])
            guard case .failed(let reason) = await mcp.state(of: "remote") else { throw FixtureError(description: "not failed") }
            #expect(reason.contains("unauthorized (HTTP 401): the server rejected the refreshed token too"))
            #expect(server.authorizations() == ["Bearer old", "Bearer also-wrong"])
        }
    }

    @Test func mctlAuthWithoutCredentialsIsReported() async throws {
        try await using(manager(url: "http://127.0.0.1:9/mcp", auth: true, bearer: nil)) { mcp in
            #expect(await mcp.tools().isEmpty)
            guard case .failed(let reason) = await mcp.state(of: "remote") else { throw FixtureError(description: "not failed") }
            #expect(reason.contains("needs the MCTL credentials"))
        }
    }

    @Test func legacySSETransportIsReportedAsUnsupported() async throws {
        let settings = PythonMCP.settings(["old": ["url": "http://127.0.0.1:9/sse", "transport": "sse"]])
        try await using(MCPServerManager(settings: settings, bearer: nil, logger: quietLogger())) { mcp in
            #expect(await mcp.state(of: "old") == .failed(reason: "sse transport not supported yet (use streamable-http)"))
            #expect(await mcp.tools().isEmpty)
        }
    }

    @Test func anUnreachableServerFailsWithoutHidingOthers() async throws {
        let server = try await HTTPFixture.start()
        defer { server.stop() }
        let settings = PythonMCP.settings([
            "up": ["url": .string(server.url)], "down": ["url": "http://127.0.0.1:9/mcp"],
        ])
        try await using(MCPServerManager(settings: settings, bearer: nil, logger: quietLogger())) { mcp in
            let names = await mcp.tools().map(\.spec.name)
            #expect(names.contains("up__add") && !names.contains { $0.hasPrefix("down__") })
            guard case .failed(let reason) = await mcp.state(of: "down") else { throw FixtureError(description: "not failed") }
            #expect(reason.contains("cannot reach http://127.0.0.1:9/mcp"))
        }
    }
}

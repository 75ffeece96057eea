import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("WebChat page in a real headless Chromium")
struct WebChatBrowserTests {
    static let browserReady = E2E.pythonAvailable(modules: ["selenium"], binaries: ["/usr/bin/chromium", "/usr/bin/chromedriver"])

    @Test("GET / serves the page and its assets without credentials")
    func servesAssets() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let page = try await agent.gateway.http.get("/")
        #expect(page.status == 200)
        #expect(page.header("content-type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("webchat.js"))
        let script = try await agent.gateway.http.get("/webchat.js")
        #expect(script.status == 200)
        #expect(script.header("content-type")?.contains("javascript") == true)
        #expect(try await agent.gateway.http.get("/webchat.css").status == 200)
        #expect(!page.text.contains("OPENAI_API_KEY"))
    }

    @Test("without a model the served page itself carries the how-to-configure banner")
    func noModelPage() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path)
        defer { gateway.process.terminate() }
        let page = try await gateway.http.get("/")
        #expect(page.status == 200)
        #expect(page.text.contains("OPENAI_API_KEY"))
        #expect(page.text.contains("ANTHROPIC_API_KEY"))
    }

    @Test("load the page, send a message, see the streamed reply from the mock model", .enabled(if: browserReady))
    func chatInBrowser() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.streamedText(["echo: ", "hello ", "brow", "ser"], delayMs: 150))
        let result = try await E2E.runPython(
            "Tests/e2e/webchat_browser_test.py",
            [
                "--url", "http://127.0.0.1:\(agent.port)/", "--token", AgentGateway.token, "--message", "hello browser",
                "--expect", "echo: hello browser", "--require-streaming", "--timeout", "60",
            ])
        #expect(result.status == 0, "browser test failed:\n\(result.output)")
    }

    @Test("tool calls show in the page", .enabled(if: browserReady))
    func toolCallInBrowser() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.toolCall(name: "session_status", arguments: "{}"), .text("echo: tools done"))
        let result = try await E2E.runPython(
            "Tests/e2e/webchat_browser_test.py",
            [
                "--url", "http://127.0.0.1:\(agent.port)/", "--token", AgentGateway.token, "--message", "use a tool",
                "--expect", "echo: tools done", "--expect-tool", "session_status", "--timeout", "60",
            ])
        #expect(result.status == 0, "browser tool test failed:\n\(result.output)")
    }

    @Test("without any model the page says how to configure one", .enabled(if: browserReady))
    func noModelBanner() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path, config: #"{ gateway: { auth: { mode: "token", token: "\#(AgentGateway.token)" } } }"#)
        defer { gateway.process.terminate() }
        let result = try await E2E.runPython(
            "Tests/e2e/webchat_browser_test.py",
            ["--url", "http://127.0.0.1:\(gateway.port)/", "--token", AgentGateway.token, "--expect-banner", "--timeout", "60"])
        #expect(result.status == 0, "banner test failed:\n\(result.output)")
    }
}

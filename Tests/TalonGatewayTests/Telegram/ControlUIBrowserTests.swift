import Foundation
import TalonCore
import TalonTestSupport
import Testing

/// The Control UI in a real headless Chromium (Tests/e2e/control_ui_test.py), against the real gateway.
@Suite("Control UI in a real headless Chromium", .serialized)
struct ControlUIBrowserTests {
    static let browserReady = WebChatBrowserTests.browserReady

    @Test("chat, channels and a pairing approval from the page; tidy at phone width", .enabled(if: browserReady))
    func chatChannelsAndPairing() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.streamedText(["control ", "ui ", "works"], delayMs: 100))
        let tg = try await TelegramGateway.start(telegram: "", mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendText("may I?", from: 55_001, username: "visitor")
        let codeMessage = try await tg.telegram.waitForMessages(count: 1, chatId: 55_001, timeout: .seconds(20))
        let code = try #require(TelegramDirectTests.pairingCode(in: codeMessage[0].text))
        let result = try await E2E.runPython(
            "Tests/e2e/control_ui_test.py",
            [
                "--url", "http://127.0.0.1:\(tg.agent.port)/", "--token", AgentGateway.token, "--timeout", "60",
                "--chat", "hello control", "--expect", "control ui works", "--expect-channel", "@\(tg.telegram.botUsername)",
                "--approve-code", code, "--phone",
            ])
        #expect(result.status == 0, "control UI test failed:\n\(result.output)")
        let approved = try await tg.telegram.waitForMessages(count: 2, chatId: 55_001, timeout: .seconds(20))
        #expect(approved[1].text.contains("approved"))
    }

    @Test("incidents show in the page", .enabled(if: browserReady))
    func incidents() async throws {
        let agent = try await HookGateway.start(
            extraHooks:
                #"mappings: [{ id: "mctl-agent-event", match: { path: "mctl-agent" }, action: "agent", sessionKey: "hook:mctl-agent:{{payload.ticket.id}}", skipEventTypes: ["ticket.created"], verify: { kind: "mctl-hmac", secret: "\#(HookGateway.secret)", toleranceSeconds: 300 } }],"#
        )
        defer { Task { await agent.stop() } }
        let body = HookGateway.event(type: "ticket.created", ticket: "T-UI-7")
        let response = try await HookGateway.post(agent.gateway, "/hooks/mctl-agent", body: body, headers: HookGateway.signedHeaders(body))
        #expect(response.status == 204 || response.status == 200)
        let result = try await E2E.runPython(
            "Tests/e2e/control_ui_test.py",
            ["--url", "http://127.0.0.1:\(agent.port)/", "--token", AgentGateway.token, "--timeout", "60", "--expect-incident", "T-UI-7"])
        #expect(result.status == 0, "control UI incidents test failed:\n\(result.output)")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Incident operators: simulate, list, HTTP view, metrics")
struct IncidentOperatorTests {
    @Test("talon incidents simulate delivers a signed event; list, /api/incidents and /metrics show it")
    func simulateAndList() async throws {
        let agent = try await HookGateway.start()
        let url = "http://127.0.0.1:\(agent.port)/hooks/mctl-agent"
        let environment = TalonProcess.baseEnvironment(stateDir: agent.dir.path)
        let sent = try await TalonProcess.run(
            ["incidents", "simulate", "--url", url, "--secret", HookGateway.secret, "--token", HookGateway.hookToken, "--ticket", "sim-7"],
            environment: environment)
        #expect(sent.code == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(sent.stdout.contains("HTTP 200"))
        let refused = try await TalonProcess.run(
            ["incidents", "simulate", "--url", url, "--secret", "not-the-secret", "--token", HookGateway.hookToken],
            environment: environment)
        #expect(refused.code == 1)
        #expect(refused.stdout.contains("HTTP 401"))
        #expect(refused.stdout.contains("signature_mismatch"))

        let auth = ["Authorization": "Bearer \(AgentGateway.token)"]
        let view = try await agent.gateway.http.get("/api/incidents", headers: auth)
        #expect(view.status == 200)
        let incidents = try JSON5.parse(view.text)["incidents"]?.arrayValue ?? []
        #expect(incidents.first?["ticketId"]?.stringValue == "sim-7")
        #expect(incidents.first?["eventType"]?.stringValue == "ticket.escalated")
        #expect(!view.text.contains("mctl_evt_"))
        #expect(try await agent.gateway.http.get("/api/incidents").status == 401)

        let metrics = try await agent.gateway.http.get("/metrics", headers: auth)
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("talon_webhooks_received_total"))
        #expect(metrics.text.contains("signature_mismatch"))

        _ = try await agent.gateway.stop()
        await agent.mock.stop()
        let listed = try await TalonProcess.run(["incidents", "list", "--json"], environment: environment)
        #expect(listed.code == 0)
        let first = try JSON5.parse(String(listed.stdout.split(separator: "\n").first ?? ""))
        #expect(first["ticketId"]?.stringValue == "sim-7")
        let table = try await TalonProcess.run(["incidents", "list"], environment: environment)
        #expect(table.stdout.contains("sim-7"))
        #expect(table.stdout.contains("ticket.escalated"))
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Hooks intake under concurrency: group commit over real HTTP")
struct HooksIntakeTests {
    private static func incidents(_ agent: AgentGateway) async throws -> [JSONValue] {
        let view = try await agent.gateway.http.get("/api/incidents", headers: ["Authorization": "Bearer \(AgentGateway.token)"])
        #expect(view.status == 200)
        return try JSON5.parse(view.text)["incidents"]?.arrayValue ?? []
    }

    @Test("concurrent deliveries with repeats: one run and one incident per event; every repeat answers with the first runId")
    func concurrentRepeats() async throws {
        let agent = try await HookGateway.start()
        defer { Task { await agent.stop() } }
        let events = (0..<8).map { "evt_conc_\($0)" }
        let answers = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
            for event in events {
                let body = HookGateway.event(id: event, type: "ticket.fix_failed", ticket: "t-\(event)")
                for _ in 0..<3 {
                    group.addTask {
                        let response = try await HookGateway.post(
                            agent.gateway, "/hooks/mctl-agent", body: body, headers: HookGateway.signedHeaders(body, eventId: event))
                        return (event, response.status, try? JSON5.parse(response.text)["runId"]?.stringValue)
                    }
                }
            }
            var answers: [(String, Int, String?)] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
        #expect(answers.allSatisfy { $0.1 == 200 })
        for event in events {
            let runIds = Set(answers.filter { $0.0 == event }.compactMap(\.2))
            #expect(runIds.count == 1, "\(event): one runId for all three deliveries, got \(runIds)")
        }
        let recorded = try await Self.incidents(agent).compactMap { $0["eventId"]?.stringValue }
        #expect(recorded.sorted() == events.sorted())
        try await Wait.until(timeout: .seconds(20), "one model call per event") { agent.mock.requests().count >= events.count }
        try await Task.sleep(for: .milliseconds(300))
        #expect(agent.mock.requests().count == events.count)
    }

    @Test("a skipped event type is verified, recorded once and answered 204 each time; no run starts")
    func skippedTypeRecordedOnce() async throws {
        let agent = try await HookGateway.start(mappingExtra: #"skipEventTypes: ["ticket.created"]"#)
        defer { Task { await agent.stop() } }
        let body = HookGateway.event(id: "evt_created", type: "ticket.created", ticket: "t-new")
        for _ in 0..<3 {
            let response = try await HookGateway.post(
                agent.gateway, "/hooks/mctl-agent", body: body, headers: HookGateway.signedHeaders(body, eventId: "evt_created"))
            #expect(response.status == 204)
        }
        var tampered = HookGateway.signedHeaders(body, eventId: "evt_created")
        tampered["X-Mctl-Webhook-Signature"] = HookGateway.signature(body + " ", timestamp: tampered["X-Mctl-Webhook-Timestamp"]!)
        #expect(try await HookGateway.post(agent.gateway, "/hooks/mctl-agent", body: body, headers: tampered).status == 401)
        let recorded = try await Self.incidents(agent)
        #expect(recorded.count == 1)
        #expect(recorded.first?["eventType"]?.stringValue == "ticket.created")
        #expect(recorded.first?["ticketId"]?.stringValue == "t-new")
        try await Task.sleep(for: .milliseconds(300))
        #expect(agent.mock.requests().isEmpty)
    }
}

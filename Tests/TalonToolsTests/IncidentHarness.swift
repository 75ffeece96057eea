import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonStore
import TalonTestSupport
import TalonTools
import Testing

/// A temp-dir SQLite store, a loopback fake mctl-agent and the incident tool with fast retries.
struct IncidentHarness {
    let dir: TempDir
    let store: SQLiteStore
    let fake: FakeMctlAgent
    let ledger: IncidentLedger
    let tool: MCTLAgentExternalTool
    let context = ToolContext(
        runId: "run-1", sessionKey: "agent:main:hook:mctl-agent:T-1", sessionId: "s", agentId: "main", workspace: "/tmp")

    static var quietLogger: Logger {
        var logger = Logger(label: "talon.tools.test")
        logger.logLevel = .critical
        return logger
    }

    static func make(
        allowedOrigins: (FakeMctlAgent) -> [String] = { _ in [] }, timeoutSeconds: Double = 3
    ) async throws -> IncidentHarness {
        let dir = try TempDir("talon-tools")
        let store = try await SQLiteStore.open(path: dir.file("talon.sqlite"), logger: quietLogger)
        try await store.migrate()
        let fake = try await FakeMctlAgent.start()
        let settings = MCTLCallbackSettings(
            allowedOrigins: allowedOrigins(fake), timeoutSeconds: timeoutSeconds, claimRetryDelays: [0.01, 0.02],
            resultRetryDelays: [0.01, 0.02, 0.03])
        let ledger = IncidentLedger(store: store)
        let tool = MCTLAgentExternalTool(ledger: ledger, settings: settings, logger: quietLogger)
        return IncidentHarness(dir: dir, store: store, fake: fake, ledger: ledger, tool: tool)
    }

    /// Registers the event on the fake and stores the record the hooks endpoint would have written.
    @discardableResult
    func addEvent(
        _ eventId: String = "evt_" + UUID().uuidString.lowercased(), ticketId: String = "T-1", eventType: String = "ticket.escalated",
        claimURL: String? = nil, resultURL: String? = nil
    ) async throws -> IncidentRecord {
        fake.addEvent(eventId, ticketId: ticketId)
        let auth = fake.callbackAuth(eventId)
        let record = IncidentRecord(
            eventId: eventId, eventType: eventType, ticketId: ticketId, team: "admins", service: "api", severity: "critical",
            runId: "run-1", sessionKey: context.sessionKey, claimUrl: claimURL ?? fake.claimURL(eventId),
            resultUrl: resultURL ?? fake.resultURL(eventId), callbackAuthHeader: auth.header, callbackAuthValue: auth.value,
            receivedAtMs: Clocks.nowMs())
        try await ledger.put(record, nowMs: Clocks.nowMs())
        return record
    }

    func claim(_ eventId: String, extra: [String: JSONValue] = [:]) async throws -> ToolOutput {
        try await call(["action": "claim", "agentId": "openclaw-labs", "eventId": .string(eventId)], extra: extra)
    }

    func result(_ eventId: String, status: String = "needs_human", extra: [String: JSONValue] = [:]) async throws -> ToolOutput {
        try await call(
            ["action": "result", "agentId": "openclaw-labs", "eventId": .string(eventId), "status": .string(status), "summary": "checked"],
            extra: extra)
    }

    /// Calls the tool and checks the callback secret never shows up in what the model sees.
    func call(_ base: [String: JSONValue], extra: [String: JSONValue] = [:]) async throws -> ToolOutput {
        let arguments = base.merging(extra) { _, new in new }
        let output = try await tool.invoke(arguments: .object(arguments), context: context)
        if let eventId = arguments["eventId"]?.stringValue, case let secret = fake.callbackAuth(eventId).value, !secret.isEmpty {
            let token = String(secret.dropFirst("Bearer ".count))
            #expect(!output.text.contains(token), "callback auth value leaked into a tool result")
        }
        return output
    }

    func requests(_ method: String) -> [FakeRequest] {
        fake.requests().filter { $0.method == method }
    }

    func close() async {
        await fake.stop()
        await store.close()
    }
}

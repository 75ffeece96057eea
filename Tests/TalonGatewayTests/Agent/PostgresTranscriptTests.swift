import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Transcripts on PostgreSQL", .serialized)
struct PostgresTranscriptTests {
    @Test("a conversation (tool call and result included) survives a gateway restart on PostgreSQL")
    func survivesRestart() async throws {
        let cluster = try await PostgresCluster.start()
        defer { Task { await cluster.destroy() } }
        let environment = ["DATABASE_URL": cluster.url]
        let agent = try await AgentGateway.start(environment: environment)
        let (client, _) = try await agent.connect()
        agent.mock.enqueue(.toolCall(name: "session_status", arguments: "{}"), .text("stored in postgres"))
        let ack = try await client.call("chat.send", ["message": "persist me", "idempotencyKey": "pg-1"])
        _ = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue))
        client.close()
        _ = try await agent.gateway.stop()

        let second = try await AgentGateway.start(mock: agent.mock, dir: agent.dir, environment: environment)
        defer { Task { await second.stop() } }
        let (again, _) = try await second.connect()
        defer { again.close() }
        let history = try await again.call("chat.history", ["sessionKey": "main"])
        let messages = history["messages"]?.arrayValue ?? []
        #expect(messages.first?["content"]?[0]?["text"]?.stringValue == "persist me")
        #expect(messages.last?["content"]?[0]?["text"]?.stringValue == "stored in postgres")
        #expect(messages.contains { $0["kind"]?.stringValue == "tool_result" })
        // The idempotency key is in the database too: a resend after the restart does not run again.
        let resend = try await again.call("chat.send", ["message": "persist me", "idempotencyKey": "pg-1"])
        #expect(resend["runId"] == ack["runId"])
        #expect(agent.mock.requests().count == 2)
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Model failover through the gateway")
struct FailoverTests {
    static func start(primary: MockModelServer, backup: MockModelServer) async throws -> AgentGateway {
        try await AgentGateway.start(
            agents: #"{ defaults: { model: { primary: "primary/m1", fallbacks: ["backup/m2"] } } }"#,
            models: """
                { providers: {
                    primary: { baseUrl: "\(primary.baseURL)/v1", apiKey: "primary-key", timeoutSeconds: 10 },
                    backup: { baseUrl: "\(backup.baseURL)/v1", apiKey: "backup-key", timeoutSeconds: 10 } } }
                """,
            mock: primary)
    }

    @Test("5xx from the primary (after retries) falls back to the next model for that turn")
    func serverErrorFallsBack() async throws {
        let backup = try await MockModelServer.start()
        defer { Task { await backup.stop() } }
        let primary = try await MockModelServer.start()
        let agent = try await Self.start(primary: primary, backup: backup)
        defer { Task { await agent.stop() } }
        primary.enqueue(contentsOf: Array(repeating: .status(500), count: 4))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "fail over", "idempotencyKey": "fo-1"])
        let events = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue), timeout: .seconds(30))
        #expect(events.last?["payload"]?["state"]?.stringValue == "final")
        #expect(events.last?["payload"]?["message"]?["content"]?[0]?["text"]?.stringValue == "echo: fail over")
        #expect(primary.requests().count == 4)
        #expect(backup.requests().first?.model == "m2")

        // The fallback applied to that turn only: the next turn tries the primary again.
        let next = try await client.call("chat.send", ["message": "primary again", "idempotencyKey": "fo-2"])
        _ = try await client.chatEvents(runId: try #require(next["runId"]?.stringValue))
        #expect(primary.requests().count == 5)
    }

    @Test("401 from the primary fails at once with a clear message and no fallback")
    func authErrorDoesNotFallBack() async throws {
        let backup = try await MockModelServer.start()
        defer { Task { await backup.stop() } }
        let primary = try await MockModelServer.start()
        let agent = try await Self.start(primary: primary, backup: backup)
        defer { Task { await agent.stop() } }
        primary.enqueue(.status(401))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "no fallback", "idempotencyKey": "fo-3"])
        let events = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue))
        let last = try #require(events.last?["payload"])
        #expect(last["state"]?.stringValue == "error")
        let message = last["errorMessage"]?.stringValue ?? ""
        #expect(message.contains("primary"))
        #expect(message.contains("401"))
        #expect(!message.contains("primary-key"))
        #expect(primary.requests().count == 1)
        #expect(backup.requests().isEmpty)
    }

    @Test("garbage from the model becomes a clean error event; the gateway keeps serving")
    func malformedStream() async throws {
        let agent = try await AgentGateway.start(agents: #"{ defaults: { model: "mock/test-model" } }"#)
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(contentsOf: Array(repeating: .malformedSSE, count: 4))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "garbage", "idempotencyKey": "mal-1"])
        let events = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue), timeout: .seconds(30))
        #expect(events.last?["payload"]?["state"]?.stringValue == "error")
        #expect(try await client.request("health")["ok"]?.boolValue == true)
    }
}

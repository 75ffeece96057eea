import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("WebSocket chat over a real gateway and a mock model")
struct ChatTests {
    @Test("chat.send streams deltas then a final; history has both turns; a resend with the same key does not run twice")
    func sendStreamsAndIsIdempotent() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.streamedText(["Hel", "lo ", "there"], delayMs: 20))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let params: JSONValue = ["sessionKey": "main", "message": "hi", "idempotencyKey": "idem-1"]
        let ack = try await client.call("chat.send", params)
        #expect(ack["status"]?.stringValue == "started")
        let runId = try #require(ack["runId"]?.stringValue)
        let events = try await client.chatEvents(runId: runId)
        let deltas = events.filter { $0["payload"]?["state"]?.stringValue == "delta" }
        #expect(deltas.compactMap { $0["payload"]?["deltaText"]?.stringValue }.joined() == "Hello there")
        #expect(deltas.count >= 2)
        let final = try #require(events.last)
        #expect(final["payload"]?["state"]?.stringValue == "final")
        #expect(final["payload"]?["message"]?["content"]?[0]?["text"]?.stringValue == "Hello there")
        #expect(final["payload"]?["sessionKey"]?.stringValue == "agent:main:main")

        let again = try await client.call("chat.send", params)
        #expect(again["runId"]?.stringValue == runId)
        #expect(again["status"]?.stringValue == "ok")
        #expect(agent.mock.requests().count == 1)

        let history = try await client.call("chat.history", ["sessionKey": "main", "limit": 10])
        let messages = history["messages"]?.arrayValue ?? []
        #expect(messages.compactMap { $0["role"]?.stringValue } == ["user", "assistant"])
        #expect(messages.last?["content"]?[0]?["text"]?.stringValue == "Hello there")

        let missingKey = try await client.request("chat.send", ["sessionKey": "main", "message": "x"])
        #expect(missingKey["error"]?["code"]?.stringValue == "INVALID_REQUEST")
    }

    @Test("a tool call shows as agent tool events, its result goes back to the model, then the answer")
    func toolCall() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.toolCall(name: "session_status", arguments: "{}"), .text("all good"))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "status?", "idempotencyKey": "tool-1"])
        let runId = try #require(ack["runId"]?.stringValue)
        let events = try await client.events { frame in
            frame["event"]?.stringValue == "chat" && frame["payload"]?["state"]?.stringValue == "final"
        }
        let tools = events.filter { $0["event"]?.stringValue == "agent" && $0["payload"]?["stream"]?.stringValue == "tool" }
        #expect(tools.compactMap { $0["payload"]?["data"]?["phase"]?.stringValue } == ["start", "result"])
        #expect(tools.first?["payload"]?["data"]?["name"]?.stringValue == "session_status")
        #expect(tools.last?["payload"]?["data"]?["result"]?.stringValue?.contains("agent:main:main") == true)
        #expect(events.last?["payload"]?["runId"]?.stringValue == runId)
        #expect(events.last?["payload"]?["message"]?["content"]?[0]?["text"]?.stringValue == "all good")
        let requests = agent.mock.requests()
        #expect(requests.count == 2)
        #expect(requests.last?.toolResults.isEmpty == false)
    }

    @Test("chat.abort stops a streaming run: an aborted event, and the gateway keeps serving")
    func abort() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.slowText(Array(repeating: "tick ", count: 200), delayMs: 50))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "long", "idempotencyKey": "abort-1"])
        let runId = try #require(ack["runId"]?.stringValue)
        _ = try await client.events { $0["payload"]?["state"]?.stringValue == "delta" }
        let aborted = try await client.call("chat.abort", ["sessionKey": "main"])
        #expect(aborted["aborted"]?.boolValue == true)
        let events = try await client.chatEvents(runId: runId)
        #expect(events.last?["payload"]?["state"]?.stringValue == "aborted")
        let next = try await client.call("chat.send", ["message": "after", "idempotencyKey": "abort-2"])
        let done = try await client.chatEvents(runId: try #require(next["runId"]?.stringValue))
        #expect(done.last?["payload"]?["message"]?["content"]?[0]?["text"]?.stringValue == "echo: after")
    }

    @Test("two messages on one session never interleave; two sessions run in parallel")
    func lanes() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(
            .slowText(["a1 ", "a2 ", "a3"], delayMs: 150), .slowText(["b1 ", "b2"], delayMs: 10))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let first = try #require(try await client.call("chat.send", ["message": "one", "idempotencyKey": "lane-1"])["runId"]?.stringValue)
        let second = try #require(try await client.call("chat.send", ["message": "two", "idempotencyKey": "lane-2"])["runId"]?.stringValue)
        let events = try await client.events {
            $0["payload"]?["runId"]?.stringValue == second && $0["payload"]?["state"]?.stringValue == "final"
        }
        let order = events.filter { $0["event"]?.stringValue == "chat" }.compactMap { $0["payload"]?["runId"]?.stringValue }
        let lastOfFirst = try #require(order.lastIndex(of: first))
        let firstOfSecond = try #require(order.firstIndex(of: second))
        #expect(lastOfFirst < firstOfSecond, "runs on one key interleaved: \(order)")

        // Different keys: the slow run is still streaming when the fast one finishes.
        agent.mock.enqueue(.slowText(["s1 ", "s2 ", "s3 ", "s4"], delayMs: 200), .text("fast"))
        let slow = try #require(
            try await client.call("chat.send", ["sessionKey": "agent:main:slow", "message": "slow", "idempotencyKey": "p-1"])["runId"]?
                .stringValue)
        try await Task.sleep(for: .milliseconds(100))
        let fast = try #require(
            try await client.call("chat.send", ["sessionKey": "agent:main:fast", "message": "fast", "idempotencyKey": "p-2"])["runId"]?
                .stringValue)
        let parallel = try await client.events {
            $0["payload"]?["runId"]?.stringValue == slow && $0["payload"]?["state"]?.stringValue == "final"
        }
        let finals = parallel.filter { $0["payload"]?["state"]?.stringValue == "final" }.compactMap { $0["payload"]?["runId"]?.stringValue }
        #expect(finals == [fast, slow])
    }

    @Test("sessions.list, sessions.patch and sessions.reset; agent is two-stage; agent.wait reports the end")
    func sessionsAndAgent() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let runId = UUID().uuidString
        client.send([
            "type": "req", "id": .string(runId), "method": "agent",
            "params": ["message": "via agent", "sessionKey": "agent:main:other", "idempotencyKey": "agent-1"],
        ])
        var responses: [JSONValue] = []
        while responses.count < 2, let frame = await client.nextFrame() {
            if frame["type"]?.stringValue == "res", frame["id"]?.stringValue == runId { responses.append(frame) }
        }
        #expect(responses.first?["payload"]?["status"]?.stringValue == "accepted")
        #expect(responses.last?["payload"]?["status"]?.stringValue == "ok")
        #expect(responses.last?["payload"]?["summary"]?.stringValue == "echo: via agent")
        let agentRun = try #require(responses.first?["payload"]?["runId"]?.stringValue)
        let waited = try await client.call("agent.wait", ["runId": .string(agentRun), "timeoutMs": 1000])
        #expect(waited["status"]?.stringValue == "ok")
        let unknown = try await client.request("agent.wait", ["runId": "nope", "timeoutMs": 10])
        #expect(unknown["ok"]?.boolValue == false)

        let list = try await client.call("sessions.list")
        let keys = list["sessions"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
        #expect(keys.contains("agent:main:other"))
        let before = list["sessions"]?.arrayValue?.first { $0["key"]?.stringValue == "agent:main:other" }?["sessionId"]?.stringValue

        let patched = try await client.call("sessions.patch", ["key": "agent:main:other", "model": "mock/other-model", "thinking": "low"])
        #expect(patched["entry"]?["model"]?.stringValue == "mock/other-model")
        #expect(patched["entry"]?["thinking"]?.stringValue == "low")
        let badPatch = try await client.request("sessions.patch", ["key": "agent:main:other", "thinking": "extreme"])
        #expect(badPatch["ok"]?.boolValue == false)
        _ = try await client.call("chat.send", ["sessionKey": "agent:main:other", "message": "again", "idempotencyKey": "agent-2"])
        _ = try await client.events { $0["payload"]?["state"]?.stringValue == "final" }
        #expect(agent.mock.requests().last?.body["model"]?.stringValue == "other-model")

        let reset = try await client.call("sessions.reset", ["key": "agent:main:other"])
        let after = try #require(reset["entry"]?["sessionId"]?.stringValue)
        #expect(after != before)
        let history = try await client.call("chat.history", ["sessionKey": "agent:main:other"])
        #expect(history["messages"]?.arrayValue?.isEmpty == true)
    }

    @Test("transcripts survive a gateway restart (SQLite)")
    func survivesRestart() async throws {
        let agent = try await AgentGateway.start()
        let (client, _) = try await agent.connect()
        let ack = try await client.call("chat.send", ["message": "remember me", "idempotencyKey": "restart-1"])
        _ = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue))
        client.close()
        let second = try await agent.restarted()
        defer { Task { await second.stop() } }
        let (again, _) = try await second.connect()
        defer { again.close() }
        let history = try await again.call("chat.history", ["sessionKey": "main"])
        let texts = history["messages"]?.arrayValue?.compactMap { $0["content"]?[0]?["text"]?.stringValue } ?? []
        #expect(texts == ["remember me", "echo: remember me"])
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Run limits over the wire: queue cap, collect mode, iteration cap, loop detector, drain")
struct RunLimitsTests {
    @Test("messages beyond the queue cap drop the oldest queued one; the others still run in order")
    func queueCap() async throws {
        let agent = try await AgentGateway.start(extraConfig: "messages: { queue: { mode: \"followup\", cap: 2 } },")
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.slowText(["busy ", "busy ", "done"], delayMs: 300))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let busy = try #require(try await client.call("chat.send", ["message": "first", "idempotencyKey": "q-0"])["runId"]?.stringValue)
        _ = try await client.events { $0["payload"]?["runId"]?.stringValue == busy && $0["payload"]?["state"]?.stringValue == "delta" }
        var queued: [String] = []
        for index in 1...3 {
            let ack = try await client.call("chat.send", ["message": .string("queued \(index)"), "idempotencyKey": .string("q-\(index)")])
            queued.append(try #require(ack["runId"]?.stringValue))
        }
        let events = try await client.events(timeout: .seconds(30)) {
            $0["payload"]?["runId"]?.stringValue == queued[2] && $0["payload"]?["state"]?.stringValue == "final"
        }
        let terminal = events.filter {
            $0["event"]?.stringValue == "chat" && ["final", "error"].contains($0["payload"]?["state"]?.stringValue ?? "")
        }
        // The drop happens while the third message is sent, so its event may precede that response: ask for the status.
        let dropped = try await client.call("agent.wait", ["runId": .string(queued[0]), "timeoutMs": 1000])
        #expect(dropped["status"]?.stringValue == "error")
        let finals = terminal.filter { $0["payload"]?["state"]?.stringValue == "final" }.compactMap { $0["payload"]?["runId"]?.stringValue }
        #expect(finals.filter { $0 != busy } == [queued[1], queued[2]])
        #expect(try await client.call("agent.wait", ["runId": .string(busy), "timeoutMs": 1000])["status"]?.stringValue == "ok")
        #expect(agent.mock.requests().compactMap(\.lastUserText) == ["first", "queued 2", "queued 3"])
    }

    @Test("collect mode merges the messages that waited into one run")
    func collectMode() async throws {
        let agent = try await AgentGateway.start(extraConfig: "messages: { queue: { mode: \"collect\" } },")
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.slowText(["busy ", "done"], delayMs: 300))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let busy = try #require(try await client.call("chat.send", ["message": "first", "idempotencyKey": "c-0"])["runId"]?.stringValue)
        _ = try await client.events { $0["payload"]?["runId"]?.stringValue == busy && $0["payload"]?["state"]?.stringValue == "delta" }
        let second = try #require(try await client.call("chat.send", ["message": "alpha", "idempotencyKey": "c-1"])["runId"]?.stringValue)
        _ = try await client.call("chat.send", ["message": "beta", "idempotencyKey": "c-2"])
        _ = try await client.events(timeout: .seconds(30)) {
            $0["payload"]?["runId"]?.stringValue == second && $0["payload"]?["state"]?.stringValue == "final"
        }
        let requests = agent.mock.requests()
        #expect(requests.count == 2)
        let merged = requests.last?.lastUserText ?? ""
        #expect(merged.contains("alpha") && merged.contains("beta"))
    }

    @Test("a model that never stops calling tools is stopped after 32 calls with a message")
    func iterationCap() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(
            contentsOf: (0..<40).map { .toolCall(name: "session_status", arguments: "{\"n\":\($0)}") })
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "loop forever", "idempotencyKey": "cap-1"])
        let events = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue), timeout: .seconds(60))
        #expect(events.last?["payload"]?["state"]?.stringValue == "final")
        #expect(agent.mock.requests().count == 32)
        let text = events.last?["payload"]?["message"]?["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(!text.isEmpty)
    }

    @Test("the third identical tool call stops the run with a message")
    func repeatedCalls() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(contentsOf: Array(repeating: .toolCall(name: "session_status", arguments: "{}"), count: 5))
        let (client, _) = try await agent.connect()
        defer { client.close() }
        let ack = try await client.call("chat.send", ["message": "repeat", "idempotencyKey": "rep-1"])
        let events = try await client.chatEvents(runId: try #require(ack["runId"]?.stringValue))
        #expect(events.last?["payload"]?["state"]?.stringValue == "final")
        #expect(agent.mock.requests().count == 3)
    }

    @Test("SIGTERM lets an in-flight model turn finish, then exits 0")
    func drainsInFlightTurn() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.mock.stop() } }
        agent.mock.enqueue(.slowText(["slow ", "but ", "complete"], delayMs: 500))
        let body = #"{"model":"openclaw","messages":[{"role":"user","content":"take your time"}]}"#
        let headers = ["Authorization": "Bearer \(AgentGateway.token)", "Content-Type": "application/json"]
        async let response = agent.gateway.http.request("POST", "/v1/chat/completions", headers: headers, body: Data(body.utf8))
        try await Wait.until(timeout: .seconds(10), "model request started") { !agent.mock.requests().isEmpty }
        agent.gateway.process.signal(SIGTERM)
        let answer = try await response
        #expect(answer.status == 200)
        #expect(try JSON5.parse(answer.text)["choices"]?[0]?["message"]?["content"]?.stringValue == "slow but complete")
        #expect(try await agent.gateway.process.waitForExit(timeout: .seconds(20)) == 0)
    }
}

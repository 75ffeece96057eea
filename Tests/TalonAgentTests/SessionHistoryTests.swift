import TalonAgent
import TalonCore
import TalonModels
import TalonStore
import TalonTestSupport
import Testing

@Suite("Sessions, history, usage and compaction")
struct SessionHistoryTests {
    @Test func newAndResetStartAFreshSession() async throws {
        let harness = try await Harness.make { request, _ in ScriptedProvider.text("n=\(request.messages.count)") }
        #expect(await harness.runtime.run(harness.request("hello")).text == "n=1")
        let before = try await harness.runtime.session(key: "main")
        let reset = await harness.runtime.run(harness.request("/new"))
        #expect(reset.text?.contains("New session") == true)
        #expect(harness.provider.callCount == 1)
        let after = try await harness.runtime.session(key: "main")
        #expect(before?.sessionId != after?.sessionId)
        #expect(try await harness.runtime.history(sessionKey: "main", limit: 10).isEmpty)
        #expect(await harness.runtime.run(harness.request("/reset   what now?")).text == "n=1")
        #expect(harness.provider.requests.last?.messages.last?.text == "what now?")
        #expect(await harness.runtime.run(harness.request("/newer thing")).text == "n=3")
    }

    @Test func historyIsATailWithALimit() async throws {
        let harness = try await Harness.make { request, _ in ScriptedProvider.text("re " + (request.messages.last?.text ?? "")) }
        for index in 0..<3 { _ = await harness.runtime.run(harness.request("m\(index)")) }
        let all = try await harness.runtime.history(sessionKey: "agent:main:main", limit: 100)
        #expect(all.map(\.kind) == ["user", "assistant", "user", "assistant", "user", "assistant"])
        let tail = try await harness.runtime.history(sessionKey: "main", limit: 2)
        #expect(tail.map(\.text) == ["m2", "re m2"])
        #expect(tail[0].raw["runId"]?.stringValue?.isEmpty == false)
        // The model saw the earlier turns.
        #expect(harness.provider.requests.last?.messages.map(\.text) == ["m0", "re m0", "m1", "re m1", "m2"])
    }

    @Test func usageIsRecordedPerRun() async throws {
        let harness = try await Harness.make { _, _ in ScriptedProvider.text("ok", usage: Usage(inputTokens: 7, outputTokens: 3)) }
        let outcome = await harness.runtime.run(harness.request("x"))
        guard case .completed(_, let usage, _, let modelRef) = outcome else {
            Issue.record("not completed")
            return
        }
        #expect(usage == Usage(inputTokens: 7, outputTokens: 3))
        #expect(modelRef == "test/m")
        let session = try #require(try await harness.runtime.session(key: "main"))
        let rows = try await harness.store.usage(sessionId: session.sessionId, limit: 10)
        #expect(rows.count == 1)
        #expect(rows.first?.modelRef == "test/m")
        #expect(rows.first?.inputTokens == 7)
        let status = try await harness.runtime.sessionStatus(key: "main")
        #expect(status.outputTokens == 3)
        #expect(status.model == "test/m")
    }

    @Test func sessionModelOverrideWins() async throws {
        let harness = try await Harness.make { _, _ in ScriptedProvider.text("ok") }
        _ = try await harness.runtime.patchSession(key: "main", model: .some("test/other"), thinking: .some(.high))
        _ = await harness.runtime.run(harness.request("x"))
        #expect(harness.provider.requests.last?.model == "other")
        #expect(harness.provider.requests.last?.thinking == .high)
        _ = try await harness.runtime.patchSession(key: "main", model: .some(nil), thinking: .none)
        _ = await harness.runtime.run(harness.request("y"))
        #expect(harness.provider.requests.last?.model == "m")
        #expect(harness.provider.requests.last?.thinking == .high)
    }

    @Test func compactionSummarizesOlderTurnsAndKeepsRecentOnes() async throws {
        let harness = try await Harness.make(limits: AgentLimits(contextBudgetRatio: 0.05)) { request, _ in
            if request.tools.isEmpty, request.system?.contains("summarize a conversation") == true {
                return ScriptedProvider.text("SUMMARY of old turns")
            }
            return ScriptedProvider.text("answer")
        }
        let session = try #require(try await harness.runtime.session(key: "main"))
        let big = String(repeating: "word ", count: 1600)
        for index in 0..<5 {
            for role in ["user", "assistant"] {
                let payload: JSONValue = [
                    "type": "message", "id": .string("\(role)\(index)"), "role": .string(role),
                    "content": [["type": "text", "text": .string("\(role) \(index) \(big)")]], "timestamp": 1, "runId": "old",
                ]
                try await harness.store.appendTranscript(sessionId: session.sessionId, payloadJSON: payload.serialized(), atMs: 1)
            }
        }
        let log = EventLog(harness.runtime)
        #expect(await harness.runtime.run(harness.request("latest question")).text == "answer")
        #expect(log.all.contains { if case .compacted = $0 { true } else { false } })
        let entries = try await harness.transcript()
        #expect(entries.count == 13)  // 10 old + user + compaction + answer
        let compaction = try #require(entries.first { $0["type"]?.stringValue == "compaction" })
        #expect(compaction["summary"]?.stringValue == "SUMMARY of old turns")
        #expect((compaction["tokensBefore"]?.intValue ?? 0) > 6400)
        let answered = try #require(harness.provider.requests.last)
        #expect(answered.messages.first?.text.contains("SUMMARY of old turns") == true)
        let users = answered.messages.dropFirst().filter { $0.role == .user }.map { String($0.text.prefix(6)) }
        #expect(users == ["user 3", "user 4", "latest"])
        // The next run starts from the compaction too (nothing deleted, context bounded).
        _ = await harness.runtime.run(harness.request("again"))
        #expect(harness.provider.requests.last?.messages.first?.text.contains("SUMMARY") == true)
        #expect(try await harness.runtime.history(sessionKey: "main", limit: 1000).count == 16)
    }
}

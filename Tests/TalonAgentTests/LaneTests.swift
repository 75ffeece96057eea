import TalonAgent
import TalonCore
import TalonModels
import TalonTestSupport
import Testing

@Suite("Lanes, queue and global cap")
struct LaneTests {
    @Test func runsOnOneKeyNeverInterleave() async throws {
        let probe = ConcurrencyProbe()
        let harness = try await Harness.make { request, _ in
            await probe.enter()
            try await Task.sleep(for: .milliseconds(40))
            await probe.leave()
            return ScriptedProvider.text("re: " + (request.messages.last?.text ?? ""))
        }
        let log = EventLog(harness.runtime)
        let first = await harness.runtime.submit(harness.request("one"))
        let second = await harness.runtime.submit(harness.request("two"))
        try await log.waitFinished([first, second])
        #expect(await probe.maximum == 1)
        let order = log.all.map { event -> String in
            switch event {
            case .started(let id, _, _): "start:\(id == first ? 1 : 2)"
            case .finished(let id, _, _, _): "end:\(id == first ? 1 : 2)"
            default: "other:\(event.runId == first ? 1 : 2)"
            }
        }
        #expect(order == ["start:1", "other:1", "end:1", "start:2", "other:2", "end:2"])
        #expect(await harness.runtime.wait(runId: second, timeout: .seconds(1))?.outcome?.text == "re: two")
        #expect(await harness.runtime.laneCount() == 0)
    }

    @Test func differentKeysRunInParallel() async throws {
        let probe = ConcurrencyProbe()
        let harness = try await Harness.make { _, _ in
            await probe.enter()
            let together = await probe.reached(2)
            await probe.leave()
            return ScriptedProvider.text(together ? "parallel" : "serial")
        }
        async let a = harness.runtime.run(harness.request("a", key: "agent:main:direct:a"))
        async let b = harness.runtime.run(harness.request("b", key: "agent:main:direct:b"))
        let (first, second) = await (a, b)
        #expect(first.text == "parallel")
        #expect(second.text == "parallel")
    }

    @Test func globalCapBoundsParallelRuns() async throws {
        let probe = ConcurrencyProbe()
        let harness = try await Harness.make(config: Harness.config(maxConcurrent: 2)) { _, _ in
            await probe.enter()
            try await Task.sleep(for: .milliseconds(30))
            await probe.leave()
            return ScriptedProvider.text("ok")
        }
        let log = EventLog(harness.runtime)
        var ids: [String] = []
        for index in 0..<5 { ids.append(await harness.runtime.submit(harness.request("m", key: "agent:main:direct:\(index)"))) }
        try await log.waitFinished(ids)
        #expect(await probe.maximum == 2)
        for id in ids { #expect(await harness.runtime.wait(runId: id, timeout: .seconds(1))?.state == .ok) }
    }

    @Test func queueCapDropsTheOldest() async throws {
        let gate = Gate()
        let harness = try await Harness.make { request, _ in
            try await gate.wait()
            return ScriptedProvider.text(request.messages.last?.text ?? "")
        }
        let active = await harness.runtime.submit(harness.request("active"))
        var queued: [String] = []
        for index in 0..<21 { queued.append(await harness.runtime.submit(harness.request("q\(index)"))) }
        #expect(await harness.runtime.queueDepth(sessionKey: "main") == 20)
        let dropped = await harness.runtime.wait(runId: queued[0], timeout: .seconds(1))
        #expect(dropped?.state == .error)
        if case .failed(_, let message) = dropped?.outcome { #expect(message.contains("dropped")) } else { Issue.record("not failed") }
        #expect(await harness.runtime.wait(runId: queued[1], timeout: .milliseconds(10))?.state == .queued)
        await gate.release()
        #expect(await harness.runtime.wait(runId: queued[20], timeout: .seconds(10))?.outcome?.text == "q20")
        #expect(await harness.runtime.wait(runId: active, timeout: .seconds(1))?.state == .ok)
        #expect(harness.provider.callCount == 21)
    }

    @Test func collectModeCoalescesTheQueue() async throws {
        let gate = Gate()
        let config = Harness.config(messages: ["queue": ["mode": "collect"]])
        let harness = try await Harness.make(config: config) { request, _ in
            try await gate.wait()
            return ScriptedProvider.text("saw: " + (request.messages.last?.text ?? ""))
        }
        let first = await harness.runtime.submit(harness.request("first"))
        let queued = [
            await harness.runtime.submit(harness.request("alpha")), await harness.runtime.submit(harness.request("beta")),
            await harness.runtime.submit(harness.request("gamma")),
        ]
        await gate.release()
        let outcomes = [
            await harness.runtime.wait(runId: queued[0], timeout: .seconds(5)),
            await harness.runtime.wait(runId: queued[2], timeout: .seconds(5)),
        ]
        #expect(await harness.runtime.wait(runId: first, timeout: .seconds(5))?.state == .ok)
        #expect(harness.provider.callCount == 2)
        let text = outcomes[0]?.outcome?.text ?? ""
        #expect(text.contains("Queued #1\nalpha") && text.contains("Queued #3\ngamma"))
        #expect(outcomes[0]?.outcome == outcomes[1]?.outcome)
    }
}

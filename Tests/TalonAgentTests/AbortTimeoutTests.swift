import TalonAgent
import TalonCore
import TalonModels
import TalonTestSupport
import Testing

@Suite("Abort and timeout")
struct AbortTimeoutTests {
    @Test func abortCancelsRunningAndQueuedRuns() async throws {
        let started = Gate()
        let harness = try await Harness.make { _, _ in
            await started.release()
            try await Task.sleep(for: .seconds(60))
            return ScriptedProvider.text("late")
        }
        let log = EventLog(harness.runtime)
        let running = await harness.runtime.submit(harness.request("slow"))
        let queued = await harness.runtime.submit(harness.request("queued"))
        try await started.wait()
        let aborted = await harness.runtime.abort(sessionKey: "agent:main:main", runId: nil)
        #expect(Set(aborted) == [running, queued])
        #expect(await harness.runtime.wait(runId: running, timeout: .seconds(5))?.state == .aborted)
        #expect(await harness.runtime.wait(runId: queued, timeout: .seconds(1))?.outcome == .aborted)
        try await log.waitFinished([running, queued])
        #expect(harness.provider.callCount == 1)
        #expect(await harness.runtime.laneCount() == 0)
    }

    @Test func abortCancelsPendingTools() async throws {
        let inTool = Gate()
        let tool = ClosureTool(name: "slow", description: "x") { _, _ in
            await inTool.release()
            try await Task.sleep(for: .seconds(60))
            return ToolOutput(text: "late")
        }
        let harness = try await Harness.make(tools: [tool]) { _, _ in
            ScriptedProvider.calls([ToolCall(id: "s", name: "slow", argumentsJSON: "{}")])
        }
        let runId = await harness.runtime.submit(harness.request("x"))
        try await inTool.wait()
        #expect(await harness.runtime.abort(sessionKey: "main", runId: runId) == [runId])
        #expect(await harness.runtime.wait(runId: runId, timeout: .seconds(5))?.outcome == .aborted)
    }

    @Test func runTimeoutFails() async throws {
        let harness = try await Harness.make { _, _ in
            try await Task.sleep(for: .seconds(60))
            return ScriptedProvider.text("late")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await harness.runtime.run(harness.request("x", timeout: 1))
        guard case .failed(let kind, _) = outcome else {
            Issue.record("expected timeout, got \(outcome)")
            return
        }
        #expect(kind == "timeout")
        #expect(clock.now - start < .seconds(10))
    }

    @Test func waitReportsQueuedRunningAndUnknown() async throws {
        let gate = Gate()
        let harness = try await Harness.make { _, _ in
            try await gate.wait()
            return ScriptedProvider.text("ok")
        }
        let first = await harness.runtime.submit(harness.request("a"))
        let second = await harness.runtime.submit(harness.request("b"))
        #expect(await harness.runtime.wait(runId: first, timeout: .milliseconds(20))?.state == .running)
        #expect(await harness.runtime.wait(runId: second, timeout: .milliseconds(20))?.state == .queued)
        #expect(await harness.runtime.wait(runId: "nope", timeout: .milliseconds(20)) == nil)
        await gate.release()
        #expect(await harness.runtime.wait(runId: second, timeout: .seconds(5))?.state == .ok)
        #expect(await harness.runtime.wait(runId: first, timeout: .seconds(1))?.outcome?.text == "ok")
    }
}

import TalonAgent
import TalonCore
import TalonModels
import TalonTestSupport
import Testing

@Suite("Tool loop")
struct ToolLoopTests {
    @Test func toolCallThenText() async throws {
        let harness = try await Harness.make(tools: [echoTool()]) { request, index in
            if index == 0 { return ScriptedProvider.calls([ToolCall(id: "c1", name: "echo", argumentsJSON: #"{"x":1}"#)]) }
            let result = request.messages.last { $0.role == .tool }?.text ?? "none"
            return ScriptedProvider.text("done with " + result)
        }
        let log = EventLog(harness.runtime)
        let outcome = await harness.runtime.run(harness.request("hi"))
        #expect(outcome.text == #"done with echo {"x":1}"#)
        let runId = log.all.first?.runId ?? ""
        try await log.waitFinished([runId])
        let kinds = log.of(runId).map { event -> String in
            switch event {
            case .started: "started"
            case .assistantDelta: "delta"
            case .toolStarted(_, _, let callId, let name, _): "toolStarted:\(name):\(callId)"
            case .toolFinished(_, _, _, _, _, let isError): "toolFinished:\(isError)"
            case .compacted: "compacted"
            case .finished: "finished"
            }
        }
        #expect(kinds == ["started", "toolStarted:echo:c1", "toolFinished:false", "delta", "finished"])
        let types = try await harness.transcript().map { ($0["type"]?.stringValue ?? "") + ":" + ($0["role"]?.stringValue ?? "") }
        #expect(types == ["message:user", "tool_call:", "tool_result:", "message:assistant"])
        let second = harness.provider.requests[1]
        #expect(second.tools.map(\.name) == ["echo"])
        #expect(second.messages.map(\.role) == [.user, .assistant, .tool])
        #expect(second.messages[1].toolCalls.first?.id == "c1")
    }

    @Test func parallelToolCallsRunConcurrently() async throws {
        let probe = ConcurrencyProbe()
        let harness = try await Harness.make(tools: [echoTool(probe: probe, waitFor: 2)]) { request, index in
            if index == 0 {
                return ScriptedProvider.calls([
                    ToolCall(id: "a", name: "echo", argumentsJSON: #"{"n":1}"#),
                    ToolCall(id: "b", name: "echo", argumentsJSON: #"{"n":2}"#),
                ])
            }
            let results = request.messages.filter { $0.role == .tool }
            return ScriptedProvider.text(results.map { "\($0.toolCallId ?? ""):\($0.isError)" }.joined(separator: ","))
        }
        #expect(await harness.runtime.run(harness.request("go")).text == "a:false,b:false")
    }

    @Test func iterationCapStopsTheLoop() async throws {
        let harness = try await Harness.make(tools: [echoTool()], limits: AgentLimits(maxIterations: 4)) { _, index in
            ScriptedProvider.calls([ToolCall(id: "c\(index)", name: "echo", argumentsJSON: #"{"i":\#(index)}"#)])
        }
        let outcome = await harness.runtime.run(harness.request("loop"))
        #expect(outcome.text?.contains("I stopped after 4 rounds") == true)
        #expect(harness.provider.callCount == 4)
    }

    @Test func repeatedIdenticalCallsStopTheRun() async throws {
        let invocations = EventsBox()
        let tool = ClosureTool(name: "same", description: "x") { _, context in
            invocations.append(.started(runId: context.runId, sessionKey: "", atMs: 0))
            return ToolOutput(text: "again")
        }
        let harness = try await Harness.make(tools: [tool]) { _, index in
            ScriptedProvider.calls([
                ToolCall(id: "c\(index)", name: "same", argumentsJSON: index % 2 == 0 ? #"{"a":1,"b":2}"# : #"{"b":2,"a":1}"#)
            ])
        }
        let outcome = await harness.runtime.run(harness.request("repeat"))
        #expect(outcome.text?.contains("kept calling the tool `same`") == true)
        #expect(harness.provider.callCount == 3)
        #expect(invocations.all.count == 2)
        let last = try await harness.transcript().last
        #expect(last?["role"]?.stringValue == "assistant")
    }

    @Test func invalidArgumentsAndUnknownOrDeniedToolsBecomeErrorResults() async throws {
        let config = Harness.config(tools: ["deny": ["sec*"]])
        let harness = try await Harness.make(config: config, tools: [echoTool(), echoTool(name: "secret")]) { request, index in
            if index == 0 {
                return ScriptedProvider.calls([
                    ToolCall(id: "bad", name: "echo", argumentsJSON: "{not json"),
                    ToolCall(id: "missing", name: "nope", argumentsJSON: "{}"),
                    ToolCall(id: "denied", name: "secret", argumentsJSON: "{}"),
                ])
            }
            let results = request.messages.filter { $0.role == .tool }
            return ScriptedProvider.text(results.map { "\($0.toolCallId ?? ""):\($0.isError)" }.joined(separator: ","))
        }
        let outcome = await harness.runtime.run(harness.request("x"))
        #expect(outcome.text == "bad:true,missing:true,denied:true")
        #expect(harness.provider.requests[0].tools.map(\.name) == ["echo"])
        #expect(harness.runtime.visibleToolNames == ["echo"])
    }

    @Test func modelErrorFailsTheRunWithItsKind() async throws {
        let harness = try await Harness.make { _, _ in
            throw ModelError.invalidRequest(provider: "test", status: 400, message: "maximum context length exceeded")
        }
        let outcome = await harness.runtime.run(harness.request("x"))
        guard case .failed(let kind, let message) = outcome else {
            Issue.record("expected failure, got \(outcome)")
            return
        }
        #expect(kind == "context_length")
        #expect(message.contains("HTTP 400"))
    }

    @Test func noModelConfiguredFailsWithHowTo() async throws {
        let harness = try await Harness.make(config: TalonConfig()) { _, _ in ScriptedProvider.text("never") }
        guard case .failed(let kind, let message) = await harness.runtime.run(harness.request("x")) else {
            Issue.record("expected failure")
            return
        }
        #expect(kind == "unknown")
        #expect(message.contains("OPENAI_API_KEY"))
        #expect(harness.provider.callCount == 0)
    }
}

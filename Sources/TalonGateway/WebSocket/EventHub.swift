import Logging
import TalonAgent
import TalonCore
import TalonModels

/// Turns the runtime's `AgentEvent`s into upstream `chat`/`agent` event payloads once, and fans them
/// out to every connection allowed to see them. Each connection has a bounded buffer.
actor EventHub {
    struct Subscriber {
        let continuation: AsyncStream<Outbound>.Continuation
        let scopes: Set<String>
        let user: String?
    }

    /// One event for one connection: the event name and its payload (the connection adds `seq`).
    struct Outbound: Sendable {
        let event: String
        let payload: JSONValue
    }

    /// Per-run projection state; removed when the run finishes, so it is bounded by active runs.
    private struct RunState {
        var text = ""
        var chatSeq = 0
        var agentSeq = 0
    }

    private var subscribers: [UInt64: Subscriber] = [:]
    private var nextId: UInt64 = 0
    private var runs: [String: RunState] = [:]
    private let clock: @Sendable () -> Int64

    init(clock: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }) {
        self.clock = clock
    }

    var connectionCount: Int { subscribers.count }

    func register(scopes: Set<String>, user: String?) -> (UInt64, AsyncStream<Outbound>) {
        nextId += 1
        let (stream, continuation) = AsyncStream.makeStream(
            of: Outbound.self, bufferingPolicy: .bufferingNewest(GatewayProtocol.eventBufferLimit))
        subscribers[nextId] = Subscriber(continuation: continuation, scopes: scopes, user: user)
        return (nextId, stream)
    }

    func unregister(_ id: UInt64) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
    }

    /// Runs until the subscription ends (runtime shutdown) or the task is cancelled.
    func consume(_ subscription: AgentEventSubscription) async {
        for await event in subscription.events {
            for (name, payload) in project(event) {
                broadcast(name, payload, sessionKey: event.sessionKey)
            }
        }
    }

    /// Keepalive to everyone: clients close after two silent tick intervals.
    func tick() {
        let payload: JSONValue = ["ts": .number(Double(clock()))]
        for subscriber in subscribers.values {
            subscriber.continuation.yield(Outbound(event: "tick", payload: payload))
        }
    }

    /// Tells clients the gateway is going away (sent on graceful shutdown).
    func shutdown(reason: String) {
        for subscriber in subscribers.values {
            subscriber.continuation.yield(Outbound(event: "shutdown", payload: ["reason": .string(reason)]))
        }
    }

    private func broadcast(_ name: String, _ payload: JSONValue, sessionKey: String) {
        for subscriber in subscribers.values where Self.canSee(subscriber, sessionKey: sessionKey) {
            subscriber.continuation.yield(Outbound(event: name, payload: payload))
        }
    }

    /// chat/agent events need `operator.read`; platform users see their own sessions only (owners see all).
    static func canSee(_ subscriber: Subscriber, sessionKey: String) -> Bool {
        guard Scopes.grants(subscriber.scopes, Scopes.read) else { return false }
        guard let user = subscriber.user else { return true }
        if subscriber.scopes.contains("mctl.owner") { return true }
        return SessionAccess.owner(ofKey: sessionKey) == user.lowercased()
    }

    private func project(_ event: AgentEvent) -> [(String, JSONValue)] {
        let runId = event.runId
        let sessionKey = event.sessionKey
        var state = runs[runId] ?? RunState()
        var out: [(String, JSONValue)] = []
        let now = Double(clock())

        func agent(_ stream: String, _ data: JSONValue) {
            state.agentSeq += 1
            out.append(
                (
                    "agent",
                    [
                        "runId": .string(runId), "sessionKey": .string(sessionKey), "seq": .number(Double(state.agentSeq)),
                        "stream": .string(stream), "ts": .number(now), "data": data,
                    ]
                ))
        }
        func chat(_ chatState: String, _ extra: [String: JSONValue]) {
            state.chatSeq += 1
            var payload: [String: JSONValue] = [
                "runId": .string(runId), "sessionKey": .string(sessionKey), "seq": .number(Double(state.chatSeq)),
                "state": .string(chatState),
            ]
            payload.merge(extra) { _, new in new }
            out.append(("chat", .object(payload)))
        }
        func message(_ text: String) -> JSONValue {
            ["role": "assistant", "content": [["type": "text", "text": .string(text)]], "timestamp": .number(now)]
        }

        switch event {
        case .started(_, _, let atMs):
            agent("lifecycle", ["phase": "start", "startedAt": .number(Double(atMs))])
        case .assistantDelta(_, _, let text):
            state.text += text
            chat("delta", ["deltaText": .string(text), "message": message(state.text)])
            agent("assistant", ["text": .string(state.text), "delta": .string(text)])
        case .toolStarted(_, _, let callId, let name, let arguments):
            let args = (try? JSON5.parse(arguments)) ?? .string(arguments)
            agent("tool", ["phase": "start", "name": .string(name), "toolCallId": .string(callId), "args": args])
        case .toolFinished(_, _, let callId, let name, let result, let isError):
            agent(
                "tool",
                [
                    "phase": "result", "name": .string(name), "toolCallId": .string(callId), "result": .string(result),
                    "isError": .bool(isError),
                ])
        case .compacted:
            agent("compaction", ["phase": "end"])
        case .finished(_, _, let outcome, let atMs):
            switch outcome {
            case .completed(let text, let usage, let stopReason, _):
                chat(
                    "final",
                    [
                        "message": message(text.isEmpty ? state.text : text),
                        "usage": [
                            "input": .number(Double(usage.inputTokens)), "output": .number(Double(usage.outputTokens)),
                            "total": .number(Double(usage.inputTokens + usage.outputTokens)),
                        ],
                        "stopReason": .string(stopReason.rawValue),
                    ])
                agent("lifecycle", ["phase": "end", "endedAt": .number(Double(atMs))])
            case .aborted:
                chat("aborted", [:])
                agent("lifecycle", ["phase": "end", "endedAt": .number(Double(atMs)), "aborted": true])
            case .failed(let kind, let messageText):
                chat("error", ["errorMessage": .string(messageText), "errorKind": .string(kind)])
                agent("lifecycle", ["phase": "error", "endedAt": .number(Double(atMs)), "error": .string(messageText)])
            }
            runs.removeValue(forKey: runId)
            return out
        }
        runs[runId] = state
        return out
    }
}

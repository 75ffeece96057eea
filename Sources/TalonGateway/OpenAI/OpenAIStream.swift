import HTTPTypes
import Hummingbird
import NIOCore
import TalonAgent
import TalonCore
import TalonModels

extension OpenAIRoutes {
    /// `stream: true`: Server-Sent Events with `chat.completion.chunk` objects, ending with `data: [DONE]`.
    /// The run is subscribed to before it is submitted, so no delta is missed; a client that goes away aborts it.
    func stream(_ run: RunRequest, parsed: OpenAIChatRequest) -> Response {
        let services = self.services
        let runId = run.runId ?? UUIDText.random()
        let created = Double(services.clock() / 1000)
        let subscription = services.runtime.subscribe()
        @Sendable func chunk(_ delta: JSONValue, finish: String?) -> JSONValue {
            [
                "id": .string("chatcmpl-\(runId)"), "object": "chat.completion.chunk", "created": .number(created),
                "model": .string(parsed.requestModel),
                "choices": [["index": 0, "delta": delta, "finish_reason": finish.map(JSONValue.string) ?? .null]],
            ]
        }
        let body = ResponseBody { writer in
            func send(_ value: JSONValue) async throws {
                try await writer.write(ByteBuffer(string: "data: \(value.serialized())\n\n"))
            }
            _ = await services.runtime.submit(run)
            do {
                try await send(chunk(["role": "assistant", "content": ""], finish: nil))
                for await event in subscription.events where event.runId == runId {
                    switch event {
                    case .assistantDelta(_, _, let text):
                        try await send(chunk(["content": .string(text)], finish: nil))
                    case .finished(_, _, let outcome, _):
                        switch outcome {
                        case .completed(_, let usage, let stopReason, _):
                            try await send(chunk(.object([:]), finish: Self.finishReason(stopReason)))
                            if parsed.includeUsage {
                                try await send([
                                    "id": .string("chatcmpl-\(runId)"), "object": "chat.completion.chunk", "created": .number(created),
                                    "model": .string(parsed.requestModel), "choices": [], "usage": Self.usageJSON(usage),
                                ])
                            }
                        case .aborted:
                            try await send(
                                OpenAIError(status: .internalServerError, message: "the run was aborted", type: "api_error").json)
                        case .failed(let kind, let message):
                            try await send(Self.runError(kind: kind, message: message).json)
                        }
                        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                        try await writer.finish(nil)
                        return
                    default:
                        continue
                    }
                }
                try await writer.finish(nil)
            } catch {
                // The client went away mid-stream: stop spending tokens on it.
                _ = await services.runtime.abort(sessionKey: run.sessionKey, runId: runId)
                throw error
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: body)
    }
}

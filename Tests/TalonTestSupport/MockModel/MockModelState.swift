import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The queue, the request log, and turning a request plus a scenario into a response.
final class MockModelState: Sendable {
    /// A queued answer: fixed, or computed from the request (e.g. from earlier tool results in its messages).
    enum Entry: Sendable {
        case fixed(MockScenario)
        case dynamic(@Sendable (MockRecordedRequest) -> MockScenario)
    }

    private struct State {
        var queue: [Entry] = []
        var recorded: [MockRecordedRequest] = []
        var stopping = false
        var activeStreams = 0
    }

    private let state = Mutex(State())

    func enqueue(_ scenarios: [MockScenario]) {
        state.withLock { $0.queue += scenarios.map(Entry.fixed) }
    }

    func enqueue(dynamic: @escaping @Sendable (MockRecordedRequest) -> MockScenario) {
        state.withLock { $0.queue.append(.dynamic(dynamic)) }
    }

    var pendingCount: Int { state.withLock { $0.queue.count } }
    var recorded: [MockRecordedRequest] { state.withLock { $0.recorded } }
    var isStopping: Bool { state.withLock { $0.stopping } }
    var activeStreams: Int { state.withLock { $0.activeStreams } }

    func reset() {
        state.withLock {
            $0.queue.removeAll()
            $0.recorded.removeAll()
        }
    }

    func markStopping() {
        state.withLock { $0.stopping = true }
    }

    @discardableResult
    func record(_ request: Request, bodyText: String) -> MockRecordedRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let recorded = MockRecordedRequest(
            method: request.method.rawValue, path: request.uri.path, headers: headers, bodyText: bodyText,
            body: MockJSON.parse(Data(bodyText.utf8)) ?? .null)
        state.withLock { $0.recorded.append(recorded) }
        return recorded
    }

    private func next(for request: MockRecordedRequest) -> MockScenario? {
        let entry = state.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
        switch entry {
        case .fixed(let scenario)?: return scenario
        case .dynamic(let make)?: return make(request)
        case nil: return nil
        }
    }

    func respond(to request: Request, wire: some MockWireRenderer) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024 * 1024)
        let recorded = record(request, bodyText: String(buffer: buffer))
        let scenario = next(for: recorded) ?? .echo(recorded.lastUserText ?? "")
        let model = recorded.model ?? "mock-model"
        let includeUsage = recorded.body["stream_options"]?["include_usage"]?.boolValue ?? true
        return render(scenario, wire: wire, model: model, streaming: recorded.isStreaming, includeUsage: includeUsage)
    }

    private func render(
        _ scenario: MockScenario, wire: some MockWireRenderer, model: String, streaming: Bool, includeUsage: Bool
    ) -> Response {
        func stream(_ frames: [String], delayMs: Int = 0, stallAfterFirst: Double = 0) -> Response {
            sse(frames, delayMs: delayMs, stallAfterFirst: stallAfterFirst)
        }
        func answer(_ value: MockAnswer) -> Response {
            streaming
                ? stream(wire.frames(value, model: model, ending: .complete, includeUsage: includeUsage), delayMs: value.delayMs)
                : json(200, wire.json(value, model: model))
        }
        switch scenario {
        case .text(let text):
            return answer(MockAnswer(chunks: MockAnswer.split(text), toolCalls: []))
        case .streamedText(let chunks, let delayMs), .slowText(let chunks, let delayMs):
            return answer(MockAnswer(chunks: chunks, toolCalls: [], delayMs: delayMs))
        case .toolCall(let name, let arguments, let id):
            return answer(MockAnswer(chunks: [], toolCalls: [MockToolCall(name: name, arguments: arguments, id: id)]))
        case .parallelToolCalls(let calls):
            return answer(MockAnswer(chunks: [], toolCalls: calls))
        case .textAndToolCalls(let text, let calls):
            return answer(MockAnswer(chunks: MockAnswer.split(text), toolCalls: calls))
        case .status(let status, let body, let retryAfter):
            var response = json(status, body ?? wire.errorBody(status: status, message: "mock error \(status)"))
            if let retryAfter { response.headers[HTTPField.Name("retry-after")!] = retryAfter }
            return response
        case .malformedSSE:
            return stream(["data: {\"choices\": [this is not json\n\n", "data: <html>oops</html>\n\n"])
        case .truncatedStream:
            let partial = MockAnswer(chunks: ["This answer ", "is cut ", "off"], toolCalls: [])
            return stream(wire.frames(partial, model: model, ending: .truncated, includeUsage: includeUsage))
        case .stall(let seconds):
            let late = MockAnswer(chunks: ["too late"], toolCalls: [])
            return stream(wire.frames(late, model: model, ending: .complete, includeUsage: includeUsage), stallAfterFirst: seconds)
        case .json(let inner):
            return render(inner, wire: wire, model: model, streaming: false, includeUsage: includeUsage)
        }
    }

    private func json(_ status: Int, _ body: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func sse(_ frames: [String], delayMs: Int, stallAfterFirst: Double) -> Response {
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                self.state.withLock { $0.activeStreams += 1 }
                defer { self.state.withLock { $0.activeStreams -= 1 } }
                for (index, frame) in frames.enumerated() {
                    try await writer.write(ByteBuffer(string: frame))
                    if index == 0, stallAfterFirst > 0 { await self.pause(seconds: stallAfterFirst) }
                    if delayMs > 0, index + 1 < frames.count { await self.pause(seconds: Double(delayMs) / 1000) }
                }
                try await writer.finish(nil)
            })
    }

    /// Sleeps in small steps so stopping the server never waits for a long stall.
    private func pause(seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline, !isStopping, !Task.isCancelled {
            try? await Task.sleep(for: min(.milliseconds(20), deadline - ContinuousClock.now))
        }
    }
}

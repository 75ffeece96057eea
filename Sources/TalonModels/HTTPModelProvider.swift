import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import TalonCore

/// A provider reached over HTTP with one of the wire APIs. One call = one request; retries and
/// fallbacks are `ModelClient`'s job. The response body is consumed as it arrives: SSE events are
/// turned into stream events immediately, and an idle watchdog aborts stalled streams.
public struct HTTPModelProvider: ModelProvider {
    public let settings: ProviderSettings
    let client: HTTPClient
    let logger: Logger

    /// Non-streaming answers (a server that ignores `stream: true`) are read whole up to this size.
    static let maxJSONBody = 32 * 1024 * 1024

    /// `httpClient` nil uses a process-wide client tuned for model calls.
    public init(settings: ProviderSettings, httpClient: HTTPClient? = nil, logger: Logger) {
        self.settings = settings
        self.client = httpClient ?? ModelHTTPClient.shared
        self.logger = logger
    }

    public var id: String { settings.id }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await run(request, continuation: continuation)
                    continuation.yield(.finished(response))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: HTTPFailure.normalize(error, provider: settings.id))
                }
            }
            // The consumer going away (or being cancelled) cancels the HTTP request.
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(
        _ request: ModelRequest, continuation: AsyncThrowingStream<ModelStreamEvent, any Error>.Continuation
    ) async throws -> ModelResponse {
        if settings.requiresKey, settings.credential == nil {
            let source = settings.keySource ?? "models.providers.\(settings.id).apiKey"
            throw ModelError.notConfigured(
                "provider '\(settings.id)' needs \(source): set it in the environment or in models.providers.\(settings.id).apiKey")
        }
        let format = settings.api.format
        let httpRequest = makeRequest(request, format: format)
        let watchdog = IdleWatchdog()
        let idle = settings.idleTimeoutSeconds
        let timeout = ModelError.idleTimeout(provider: settings.id, seconds: idle)
        return try await withThrowingTaskGroup(of: ModelResponse.self) { group in
            group.addTask {
                try await exchange(httpRequest, request: request, format: format, watchdog: watchdog, continuation: continuation)
            }
            group.addTask { try await watchdog.expire(afterIdle: idle, timeout: timeout) }
            defer { group.cancelAll() }
            guard let response = try await group.next() else { throw ModelError.cancelled }
            return response
        }
    }

    private func makeRequest(_ request: ModelRequest, format: any WireFormat) -> HTTPClientRequest {
        var httpRequest = HTTPClientRequest(url: format.endpoint(baseURL: settings.baseURL))
        httpRequest.method = .POST
        httpRequest.headers.add(name: "content-type", value: "application/json")
        httpRequest.headers.add(name: "accept", value: "text/event-stream, application/json")
        httpRequest.headers.add(name: "user-agent", value: "Talon")
        for (name, value) in format.authHeaders(apiKey: settings.credential) { httpRequest.headers.replaceOrAdd(name: name, value: value) }
        for (name, value) in settings.headers { httpRequest.headers.replaceOrAdd(name: name, value: value) }
        let body = format.body(for: request, settings: settings).serialized()
        httpRequest.body = .bytes(ByteBuffer(string: body))
        return httpRequest
    }

    private func exchange(
        _ httpRequest: HTTPClientRequest, request: ModelRequest, format: any WireFormat, watchdog: IdleWatchdog,
        continuation: AsyncThrowingStream<ModelStreamEvent, any Error>.Continuation
    ) async throws -> ModelResponse {
        // The idle watchdog bounds the wait for the head; this deadline is only a backstop.
        let response = try await client.execute(httpRequest, deadline: .now() + .hours(48), logger: nil)
        watchdog.touch()
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let body = try await collect(response.body, limit: HTTPFailure.maxErrorBody, watchdog: watchdog, truncate: true)
            throw HTTPFailure.error(status: status, headers: response.headers, body: body, settings: settings)
        }
        let modelRef = "\(settings.id)/\(request.model)"
        var assembler = ResponseAssembler()
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.contains("json"), !contentType.contains("event-stream") {
            // The server ignored `stream: true`: read the whole answer and replay it as events.
            let text = try await collect(response.body, limit: Self.maxJSONBody, watchdog: watchdog, truncate: false)
            let json = try parseWireJSON(text, provider: settings.id, context: "response body")
            try format.decodeWhole(json, into: &assembler, provider: settings.id)
            if !assembler.text.isEmpty { continuation.yield(.textDelta(assembler.text)) }
            for call in assembler.toolCalls { continuation.yield(.toolCall(call)) }
            return assembler.response(modelRef: modelRef)
        }
        var parser = SSEParser()
        for try await chunk in response.body {
            watchdog.touch()
            let events: [SSEEvent]
            do {
                events = try parser.feed(chunk)
            } catch {
                throw ModelError.malformed(provider: settings.id, message: "event stream line exceeds \(SSEParser.maxLineBytes) bytes")
            }
            for event in events {
                for output in try format.handle(event, into: &assembler, provider: settings.id) { continuation.yield(output) }
            }
        }
        for event in parser.finish() {
            for output in try format.handle(event, into: &assembler, provider: settings.id) { continuation.yield(output) }
        }
        try Task.checkCancellation()
        guard assembler.isComplete else {
            throw ModelError.malformed(provider: settings.id, message: "the stream ended before the answer was complete (truncated)")
        }
        return assembler.response(modelRef: modelRef)
    }

    /// Reads a body up to `limit` bytes; `truncate` keeps the first `limit` bytes instead of failing.
    private func collect(_ body: HTTPClientResponse.Body, limit: Int, watchdog: IdleWatchdog, truncate: Bool) async throws -> String {
        var bytes: [UInt8] = []
        for try await chunk in body {
            watchdog.touch()
            bytes += chunk.readableBytesView
            if bytes.count > limit {
                guard truncate else {
                    throw ModelError.malformed(provider: settings.id, message: "response body larger than \(limit) bytes")
                }
                bytes.removeLast(bytes.count - limit)
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Stands in for a configured provider that cannot work (unsupported `api`, missing `baseUrl`):
/// selecting it fails with the reason instead of an unknown-provider error.
struct UnusableProvider: ModelProvider {
    let id: String
    let reason: String

    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ModelError.notConfigured(reason)) }
    }
}

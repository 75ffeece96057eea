import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TalonCore

/// One transcription request the fake received.
public struct FakeTranscriptionRequest: Sendable, Hashable {
    public var model: String?
    public var fileByteCount: Int
    public var filename: String?
    public var fileContentType: String?
    public var language: String?
    public var responseFormat: String?
    /// The `Authorization` header as sent.
    public var authorization: String?
    public var status: Int
}

/// A loopback OpenAI-compatible speech-to-text server: `POST /v1/audio/transcriptions` with a
/// multipart `file` and `model` answers the configured transcript, in the response format asked for.
public final class FakeTranscriber: Sendable {
    private struct State {
        var transcript: String
        var requireKey: String?
        var requests: [FakeTranscriptionRequest] = []
        var faults: [(status: Int, body: String)] = []
    }

    public let port: Int
    private let box: Box
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT/v1`, the OpenAI base URL.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    private init(port: Int, box: Box, task: Task<Void, Never>) {
        self.port = port
        self.box = box
        self.task = task
    }

    /// `requireKey` makes a `Bearer <key>` header mandatory (401 otherwise, as OpenAI answers).
    public static func start(transcript: String, requireKey: String? = nil) async throws -> FakeTranscriber {
        let box = Box(State(transcript: transcript, requireKey: requireKey))
        let router = Router()
        router.post("/v1/audio/transcriptions") { request, _ in
            let body = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
            let (status, contentType, text) = box.state.withLock {
                Self.answer(&$0, contentType: request.headers[.contentType], authorization: request.headers[.authorization], body: body)
            }
            return Response(
                status: .init(code: status), headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-transcriber")
        return FakeTranscriber(port: port, box: box, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    /// Requests in order (the last 10,000 at most).
    public var requests: [FakeTranscriptionRequest] { box.state.withLock { $0.requests } }

    public func setTranscript(_ transcript: String) {
        box.state.withLock { $0.transcript = transcript }
    }

    /// The next request answers `status` with `body` (an OpenAI-style error object when nil).
    public func failNext(status: Int, body: String? = nil) {
        let text = body ?? Self.error("The server had an error while processing your request.", type: "server_error")
        box.state.withLock { $0.faults.append((status, text)) }
    }

    // MARK: - Serving

    private static func answer(_ state: inout State, contentType: String?, authorization: String?, body: [UInt8]) -> (Int, String, String) {
        let parts = FakeMultipart.parse(body, contentType: contentType ?? "")
        let field = { (name: String) in parts.first { $0.name == name } }
        let text = { (name: String) in field(name).map { String(decoding: $0.data, as: UTF8.self) } }
        let file = field("file")
        var record = FakeTranscriptionRequest(
            model: text("model"), fileByteCount: file?.data.count ?? 0, filename: file?.filename, fileContentType: file?.contentType,
            language: text("language"), responseFormat: text("response_format"), authorization: authorization, status: 200)
        let json = "application/json"
        let (status, type, payload): (Int, String, String)
        if !state.faults.isEmpty {
            let fault = state.faults.removeFirst()
            (status, type, payload) = (fault.status, json, fault.body)
        } else if let key = state.requireKey, authorization != "Bearer \(key)" {
            let message = "Incorrect API key provided: \(authorization?.replacingOccurrences(of: "Bearer ", with: "") ?? "")."
            (status, type, payload) = (401, json, error(message, type: "invalid_request_error", code: "invalid_api_key"))
        } else if !(contentType ?? "").lowercased().hasPrefix("multipart/form-data") {
            (status, type, payload) = (400, json, error("Invalid Content-Type header, expected multipart/form-data.", param: "file"))
        } else if file == nil || file?.filename == nil {
            (status, type, payload) = (400, json, error("Missing required parameter: 'file'.", param: "file"))
        } else if (text("model") ?? "").isEmpty {
            (status, type, payload) = (400, json, error("Missing required parameter: 'model'.", param: "model"))
        } else {
            (status, type, payload) = render(state.transcript, format: text("response_format") ?? "json")
        }
        record.status = status
        state.requests.append(record)
        if state.requests.count > 10_000 { state.requests.removeFirst(1_000) }
        return (status, type, payload)
    }

    /// `json` (default), `text`, `verbose_json`, `srt` and `vtt`, as OpenAI's endpoint offers.
    private static func render(_ transcript: String, format: String) -> (Int, String, String) {
        switch format {
        case "text": return (200, "text/plain; charset=utf-8", transcript + "\n")
        case "srt": return (200, "text/plain; charset=utf-8", "1\n00:00:00,000 --> 00:00:03,000\n\(transcript)\n\n")
        case "vtt": return (200, "text/vtt; charset=utf-8", "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n\(transcript)\n\n")
        case "verbose_json":
            let body: JSONValue = [
                "task": "transcribe", "language": "english", "duration": 3.0, "text": .string(transcript),
                "segments": [["id": 0, "start": 0.0, "end": 3.0, "text": .string(transcript)]],
            ]
            return (200, "application/json", body.serialized())
        case "json": return (200, "application/json", JSONValue.object(["text": .string(transcript)]).serialized())
        default:
            return (400, "application/json", error("Invalid value for 'response_format': '\(format)'.", param: "response_format"))
        }
    }

    private static func error(_ message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil)
        -> String
    {
        let object: JSONValue = [
            "error": [
                "message": .string(message), "type": .string(type), "param": param.map { .string($0) } ?? .null,
                "code": code.map { .string($0) } ?? .null,
            ]
        ]
        return object.serialized()
    }

    /// Lets the route closure and the instance share one lock before the instance exists.
    private final class Box: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }
}

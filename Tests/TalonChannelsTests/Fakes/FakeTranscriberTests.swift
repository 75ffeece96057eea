import Foundation
import TalonCore
import TalonTestSupport
import XCTest

/// The OpenAI-compatible transcription fake, driven with real multipart bodies.
final class FakeTranscriberTests: XCTestCase {
    private var servers: [FakeTranscriber] = []

    override func tearDown() async throws {
        for server in servers { await server.stop() }
    }

    private func start(_ transcript: String, requireKey: String? = nil) async throws -> FakeTranscriber {
        let server = try await FakeTranscriber.start(transcript: transcript, requireKey: requireKey)
        servers.append(server)
        return server
    }

    private func post(_ server: FakeTranscriber, parts: [FakeMultipart.Part], key: String? = nil) async throws -> HTTPProbe.Response {
        let boundary = "Boundary-\(UUID().uuidString)"
        var headers = ["Content-Type": "multipart/form-data; boundary=\"\(boundary)\""]
        if let key { headers["Authorization"] = "Bearer \(key)" }
        return try await HTTPProbe(port: server.port).request(
            "POST", "/v1/audio/transcriptions", headers: headers, body: FakeMultipart.encode(boundary: boundary, parts: parts))
    }

    /// Audio bytes that contain CRLFs and dashes, so a sloppy boundary search would cut them short.
    private let audio: [UInt8] = Array((0..<4096).map { UInt8($0 % 256) }) + Array("\r\n--Boundary\r\n".utf8)

    func testTranscribesAMultipartUpload() async throws {
        let server = try await start("turn on the lights", requireKey: "sk-test")
        XCTAssertTrue(server.baseURL.hasSuffix("/v1"))
        let parts: [FakeMultipart.Part] = [
            .init(name: "model", data: Array("whisper-1".utf8)),
            .init(name: "file", filename: "voice.ogg", contentType: "audio/ogg", data: audio),
        ]
        let response = try await post(server, parts: parts, key: "sk-test")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(JSONValue.parse(response.body), ["text": "turn on the lights"])
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.model, "whisper-1")
        XCTAssertEqual(request.fileByteCount, audio.count)
        XCTAssertEqual(request.filename, "voice.ogg")
        XCTAssertEqual(request.fileContentType, "audio/ogg")

        let unauthorized = try await post(server, parts: parts, key: "sk-wrong")
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertEqual(JSONValue.parse(unauthorized.body)?["error"]?["code"], "invalid_api_key")
    }

    func testFormatsMissingFieldsAndFaults() async throws {
        let server = try await start("hello")
        let file = FakeMultipart.Part(name: "file", filename: "a.wav", contentType: "audio/wav", data: audio)
        let text = try await post(
            server,
            parts: [
                .init(name: "model", data: Array("m".utf8)), file,
                .init(name: "response_format", data: Array("text".utf8)),
            ])
        XCTAssertEqual(text.text, "hello\n")
        let noModel = try await post(server, parts: [file])
        XCTAssertEqual(noModel.status, 400)
        XCTAssertEqual(JSONValue.parse(noModel.body)?["error"]?["param"], "model")
        let noFile = try await post(server, parts: [.init(name: "model", data: Array("m".utf8))])
        XCTAssertEqual(JSONValue.parse(noFile.body)?["error"]?["param"], "file")
        server.failNext(status: 503, body: "{\"error\":{\"message\":\"overloaded\"}}")
        let failed = try await post(server, parts: [.init(name: "model", data: Array("m".utf8)), file])
        XCTAssertEqual(failed.status, 503)
        XCTAssertEqual(failed.text, "{\"error\":{\"message\":\"overloaded\"}}")
        server.setTranscript("changed")
        let after = try await post(server, parts: [.init(name: "model", data: Array("m".utf8)), file])
        XCTAssertEqual(JSONValue.parse(after.body)?["text"], "changed")
        XCTAssertEqual(server.requests.map(\.status), [200, 400, 400, 503, 200])
    }
}

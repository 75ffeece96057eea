import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TalonCore

/// One request a fake server received, for assertions.
public struct FakeRequest: Sendable {
    public var method: String
    /// Path without the query.
    public var path: String
    /// Query parameters (percent-decoded; last value wins).
    public var query: [String: String]
    /// Header names lowercased.
    public var headers: [String: String]
    public var bodyText: String
    /// The parsed body (`nil` when it is not JSON).
    public var body: JSONValue?

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Starting a loopback Hummingbird application on a free port, shared by the fakes.
enum FakeServerBoot {
    static func start(router: Router<BasicRequestContext>, label: String) async throws -> (port: Int, task: Task<Void, Never>) {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task<Void, Never> {
            _ = try? await app.run()
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw ProbeError("fake server \(label) did not start")
        }
        return (port, task)
    }

    /// Reads the whole body (bounded) and records the request.
    static func record(_ request: Request, maxBytes: Int = 16 << 20) async throws -> FakeRequest {
        let buffer = try await request.body.collect(upTo: maxBytes)
        let text = String(buffer: buffer)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            // Hummingbird decodes values already, not keys.
            query[String(key).removingPercentEncoding ?? String(key)] = String(value)
        }
        let path = request.uri.path
        return FakeRequest(
            method: request.method.rawValue, path: path.removingPercentEncoding ?? path, query: query, headers: headers, bodyText: text,
            body: text.isEmpty ? nil : try? JSON5.parse(text))
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The process-wide HTTP client of the integration tools (mctl-agent callbacks, GitHub API).
/// Redirects are refused: following one would forward the callback auth header or the GitHub
/// token to wherever the redirect points. Connection attempts are not retried by the pool: the
/// tools retry with their own bounded backoff. Never shut down (like `HTTPClient.shared`).
enum IntegrationHTTP {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Thrown when the whole exchange (head and body) did not finish within the timeout.
    struct TimedOut: Error, CustomStringConvertible {
        var seconds: Double
        var description: String { "timed out after \(seconds) s" }
    }

    /// One request, bounded in time end to end (response head and body) and in body size.
    static func send(
        method: HTTPMethod, url: String, headers: [(String, String)], body: Data? = nil, timeoutSeconds: Double,
        maxBodyBytes: Int = 1 << 20
    ) async throws -> Response {
        let request = makeRequest(method: method, url: url, headers: headers, body: body)
        let timeout = TimeAmount.milliseconds(Int64(timeoutSeconds * 1000))
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask {
                let response = try await shared.execute(request, timeout: timeout)
                var collected = Data()
                for try await chunk in response.body {
                    let room = maxBodyBytes - collected.count
                    if chunk.readableBytes >= room {
                        collected.append(contentsOf: chunk.readableBytesView.prefix(room))
                        break
                    }
                    collected.append(contentsOf: chunk.readableBytesView)
                }
                return Response(status: Int(response.status.code), headers: response.headers, body: collected)
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(timeoutSeconds * 1000)))
                throw TimedOut(seconds: timeoutSeconds)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private static func makeRequest(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }

    /// At most `limit` characters of a response body for an error message, on one line.
    static func snippet(_ text: String, limit: Int = 300) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Outbound HTTP of the MCTL module (OAuth, JWKS, Vault, the Prometheus-compatible metrics API). One
/// process-lifetime client (never shut down, like `HTTPClient.shared`) that refuses redirects — a redirected
/// request would carry a token, code or `X-Vault-Token` to wherever it points — and does not retry connection
/// attempts silently. `send` bounds a request end to end (head and body) in time and in body size; callers turn a
/// `Failure` into their own error type.
enum MCTLHTTP {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var ok: Bool { (200..<300).contains(status) }
    }

    /// Why no answer came back. The texts name the failure, never headers or the request body.
    enum Failure: Error {
        case timedOut(seconds: Double)
        case transport(String)
    }

    static func send(
        _ request: HTTPClientRequest, client: HTTPClient, timeoutSeconds: Double, maxBodyBytes: Int = 16 << 20
    ) async throws -> Answer {
        let milliseconds = Int64(max(timeoutSeconds, 0.001) * 1000)
        do {
            return try await withThrowingTaskGroup(of: Answer.self) { group in
                group.addTask {
                    let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
                    let buffer = try await response.body.collect(upTo: maxBodyBytes)
                    return Answer(status: Int(response.status.code), body: Data(buffer.readableBytesView))
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    throw Failure.timedOut(seconds: timeoutSeconds)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let failure as Failure {
            throw failure
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw Failure.timedOut(seconds: timeoutSeconds)
        } catch {
            throw Failure.transport(String(describing: error))
        }
    }

    /// Percent-encodes a query component: only RFC 3986 unreserved characters stay as they are, so
    /// PromQL's `+`, `=`, `&`, `"` and `{}` reach the server intact (URLComponents leaves `+` alone,
    /// which servers read as a space).
    static func encodeQueryComponent(_ value: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Percent-encodes one path segment (same unreserved set, so `/`, `?` and `#` cannot escape it).
    static func encodePathSegment(_ value: String) -> String { encodeQueryComponent(value) }

    /// `http://host:port/prefix/` → `http://host:port/prefix`.
    static func trimmedBase(_ url: String) -> String {
        var base = url.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

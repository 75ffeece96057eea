import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TalonCore

/// The HTTP side of the connect flow: registration and token requests to mctl-api.
/// One process-lifetime client (like `HTTPClient.shared`, never shut down) that refuses redirects
/// (a redirected token request would carry the code or refresh token elsewhere) and does not retry
/// connection attempts silently: callers decide what a failure means.
enum MCTLOAuthHTTP {
    static var shared: HTTPClient { MCTLHTTP.shared }

    struct Answer: Sendable {
        var status: Int
        /// The body as JSON, nil when it is not.
        var json: JSONValue?
        var ok: Bool { (200..<300).contains(status) }
        var oauthError: String? { json?["error"]?.stringValue }
        var oauthErrorDescription: String? { json?["error_description"]?.stringValue.map { String($0.prefix(300)) } }
    }

    /// A token endpoint success (RFC 6749 §5.1).
    struct TokenResponse: Sendable {
        var accessToken: String
        var refreshToken: String?
        var expiresIn: Double?
        var scope: String?
    }

    static func postJSON(_ url: String, _ body: JSONValue, timeoutSeconds: Double) async throws -> Answer {
        try await send(url, contentType: "application/json", body: body.serialized(), timeoutSeconds: timeoutSeconds)
    }

    static func postForm(_ url: String, _ fields: [(String, String)], timeoutSeconds: Double) async throws -> Answer {
        try await send(
            url, contentType: "application/x-www-form-urlencoded", body: MCTLOAuthCrypto.formEncode(fields), timeoutSeconds: timeoutSeconds)
    }

    /// Calls the token endpoint; a non-2xx answer becomes `tokenEndpoint` with the server's error.
    static func token(_ url: String, _ fields: [(String, String)], timeoutSeconds: Double) async throws -> TokenResponse {
        let answer = try await postForm(url, fields, timeoutSeconds: timeoutSeconds)
        guard answer.ok else {
            throw MCTLConnectError.tokenEndpoint(
                status: answer.status, error: answer.oauthError, description: answer.oauthErrorDescription)
        }
        guard let json = answer.json, json.objectValue != nil else { throw MCTLConnectError.invalidResponse("token response is not JSON") }
        guard let access = json["access_token"]?.stringValue, !access.isEmpty else { throw MCTLConnectError.missingAccessToken }
        let refresh = json["refresh_token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return TokenResponse(
            accessToken: access, refreshToken: refresh, expiresIn: json["expires_in"]?.doubleValue, scope: json["scope"]?.stringValue)
    }

    /// One request, bounded in time end to end (head and body) and in body size (1 MiB).
    private static func send(_ url: String, contentType: String, body: String, timeoutSeconds: Double) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let prepared = request
        let timeout = TimeAmount.milliseconds(Int64(timeoutSeconds * 1000))
        do {
            return try await withThrowingTaskGroup(of: Answer.self) { group in
                group.addTask {
                    let response = try await shared.execute(prepared, timeout: timeout)
                    let buffer = try await response.body.collect(upTo: 1 << 20)
                    let text = String(buffer: buffer)
                    return Answer(status: Int(response.status.code), json: try? JSON5.parse(text))
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int64(timeoutSeconds * 1000)))
                    throw MCTLConnectError.transport("no answer from \(url) within \(timeoutSeconds) s")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as MCTLConnectError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // AsyncHTTPClient errors name the failure, never the request body.
            throw MCTLConnectError.transport("\(url): \(error)")
        }
    }
}

import Foundation
import Logging
import NIOHTTP1
import TalonCore

/// A thin GitHub REST v3 client over the integration HTTP client: auth and API headers, JSON in and
/// out, GitHub's `{"message": …}` errors and the rate-limit headers. The token never leaves the
/// `Authorization` header (not logged, not in errors).
struct GitHubAPI: Sendable {
    struct Answer: Sendable {
        var status: Int
        var json: JSONValue
    }

    let settings: GitHubSettings
    let logger: Logger

    /// Longest `Retry-After` waited for (once) before giving up with a clear error.
    static let maxRetryAfterSeconds = 5

    /// `path` starts with `/` and is already percent-encoded. Statuses in `accept` are returned,
    /// anything else becomes a `GitHubError` naming GitHub's message.
    func call(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, accept: Set<Int> = [200, 201]) async throws -> Answer {
        guard let token = settings.token else { throw GitHubError("GITHUB_TOKEN is not set on this gateway") }
        let headers: [(String, String)] = [
            ("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28"),
            ("User-Agent", "Talon-openclaw-github/1.0"), ("Content-Type", "application/json"),
        ]
        let payload = body.map { Data($0.serialized().utf8) }
        var waited = false
        while true {
            let response: IntegrationHTTP.Response
            do {
                response = try await IntegrationHTTP.send(
                    method: method, url: settings.apiBaseURL + path, headers: headers, body: payload,
                    timeoutSeconds: settings.timeoutSeconds,
                    maxBodyBytes: 8 << 20)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw GitHubError("GitHub API \(method.rawValue) \(Self.display(path)) failed: \(error)")
            }
            if accept.contains(response.status) {
                return Answer(status: response.status, json: (try? JSON5.parse(response.text)) ?? .null)
            }
            if let wait = try rateLimitWait(response, method: method, path: path), !waited {
                waited = true
                logger.info("GitHub asked to wait before retrying", metadata: ["seconds": "\(wait)", "path": "\(Self.display(path))"])
                try await Task.sleep(for: .seconds(wait))
                continue
            }
            let message = ((try? JSON5.parse(response.text))?["message"]?.stringValue) ?? IntegrationHTTP.snippet(response.text)
            throw GitHubError("GitHub API \(method.rawValue) \(Self.display(path)) answered HTTP \(response.status): \(message)")
        }
    }

    /// Throws a clear error for an exhausted rate limit; returns a short `Retry-After` worth waiting once.
    private func rateLimitWait(_ response: IntegrationHTTP.Response, method: HTTPMethod, path: String) throws -> Int? {
        guard response.status == 403 || response.status == 429 else { return nil }
        let headers = response.headers
        if headers.first(name: "x-ratelimit-remaining") == "0" {
            var when = "later"
            if let reset = headers.first(name: "x-ratelimit-reset").flatMap(Int64.init) {
                let seconds = max(0, reset - Clocks.nowMs() / 1000)
                when = "at \(Clocks.rfc3339(ms: reset * 1000)) (in \(seconds) s)"
            }
            throw GitHubError(
                "GitHub API rate limit exhausted (HTTP \(response.status) on \(method.rawValue) \(Self.display(path))); it resets \(when). "
                    + "Do not retry before then")
        }
        if let retryAfter = headers.first(name: "retry-after").flatMap(Int.init) {
            if retryAfter <= Self.maxRetryAfterSeconds { return max(0, retryAfter) }
            throw GitHubError(
                "GitHub API secondary rate limit (HTTP \(response.status)): retry after \(retryAfter) s; do not retry before then")
        }
        return nil
    }

    /// The path without its query, for messages.
    static func display(_ path: String) -> String {
        String(path.split(separator: "?", maxSplits: 1).first ?? "")
    }

    // MARK: - Encoding

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// Percent-encodes each `/`-separated segment (file paths, branch names keep their slashes).
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: unreserved) ?? String($0) }
            .joined(separator: "/")
    }

    static func encodeQuery(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    static func repoPath(_ repo: String) -> String { "/repos/" + encodePath(repo) }
}

import Foundation
import Logging
import NIOHTTP1

/// Sends one callback to mctl-agent, retrying transient failures (5xx, 429, connection errors,
/// timeouts) with bounded backoff. The request is the same on every attempt (same body, same
/// idempotency key), so a retried result is safe. The auth value is never logged.
struct MCTLCallbackSender: Sendable {
    enum Outcome: Sendable {
        /// A final (non-retryable, or last) HTTP answer.
        case answered(IntegrationHTTP.Response, attempts: Int)
        /// Every attempt failed without a usable answer.
        case failed(String, attempts: Int)
    }

    let timeoutSeconds: Double
    let logger: Logger

    func send(
        method: HTTPMethod, url: String, authHeader: String?, authValue: String?, body: Data, delays: [Double], what: String
    ) async throws -> Outcome {
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("User-Agent", "Talon-mctl-agent-external/1.0"),
        ]
        if let authHeader, let authValue, !authHeader.isEmpty { headers.append((authHeader, authValue)) }
        let attempts = delays.count + 1
        var lastProblem = ""
        for attempt in 1...attempts {
            if attempt > 1 {
                try await Task.sleep(for: .milliseconds(Int64(delays[attempt - 2] * 1000)))
            }
            do {
                let response = try await IntegrationHTTP.send(
                    method: method, url: url, headers: headers, body: body, timeoutSeconds: timeoutSeconds, maxBodyBytes: 64 * 1024)
                guard Self.isTransient(response.status) else { return .answered(response, attempts: attempt) }
                lastProblem = "HTTP \(response.status): \(IntegrationHTTP.snippet(response.text, limit: 200))"
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                lastProblem = "\(error)"
            }
            guard attempt < attempts else { break }
            logger.warning(
                "mctl-agent callback failed, will retry" as Logger.Message,
                metadata: ["callback": "\(what)", "url": "\(url)", "attempt": "\(attempt)", "problem": "\(lastProblem)"])
        }
        return .failed(lastProblem, attempts: attempts)
    }

    static func isTransient(_ status: Int) -> Bool {
        status >= 500 || status == 429 || status == 408
    }
}

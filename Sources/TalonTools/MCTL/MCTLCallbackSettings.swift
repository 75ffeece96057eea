import Foundation
import TalonCore

/// Limits of the mctl-agent callbacks: which URLs may be called, how long one call may take and how
/// often transient failures (5xx, connection errors, timeouts) are retried.
public struct MCTLCallbackSettings: Sendable, Hashable {
    /// `hooks.callbackAllowedOrigins`: when non-empty, callback URLs must start with one of these.
    public var allowedOrigins: [String]
    public var timeoutSeconds: Double
    /// Waits before the 2nd, 3rd, … claim attempt (so attempts = count + 1).
    public var claimRetryDelays: [Double]
    /// Waits before the 2nd, 3rd, … result attempt; every attempt carries the same idempotency key.
    public var resultRetryDelays: [Double]

    public init(
        allowedOrigins: [String] = [], timeoutSeconds: Double = 10, claimRetryDelays: [Double] = [0.5, 1],
        resultRetryDelays: [Double] = [0.5, 1, 2]
    ) {
        self.allowedOrigins = allowedOrigins.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        self.timeoutSeconds = max(0.1, timeoutSeconds)
        // Bounded whatever the config says: a stuck callback must not hold the run for minutes.
        self.claimRetryDelays = Array(claimRetryDelays.prefix(5)).map { min(max(0, $0), 30) }
        self.resultRetryDelays = Array(resultRetryDelays.prefix(5)).map { min(max(0, $0), 30) }
    }

    /// Reads `hooks.callbackAllowedOrigins` (a string list) from the raw hooks section.
    public init(hooks: HooksConfig) {
        self.init(allowedOrigins: (hooks.raw["callbackAllowedOrigins"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// Whether a callback to `url` is allowed.
    public func permits(_ url: String) -> Bool { refusal(for: url) == nil }

    /// Why `url` may not be called, or nil when it may. Loopback and private hosts are fine: the
    /// platform calls back in-cluster, so the `web_fetch` SSRF guard deliberately does not apply.
    func refusal(for url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return "callback URL must be http(s)"
        }
        guard let host = parsed.host, !host.isEmpty else { return "callback URL has no host" }
        guard !allowedOrigins.isEmpty else { return nil }
        if allowedOrigins.contains(where: { Self.url(url, isUnder: $0) }) { return nil }
        return "callback URL is not under hooks.callbackAllowedOrigins"
    }

    /// A prefix match that also ends on a boundary, so `https://agent.mctl.ai` does not admit
    /// `https://agent.mctl.ai.evil.example` or `https://agent.mctl.ai:8443`.
    static func url(_ url: String, isUnder origin: String) -> Bool {
        let lowerURL = url.lowercased()
        let lowerOrigin = origin.lowercased()
        guard lowerURL.hasPrefix(lowerOrigin) else { return false }
        if lowerOrigin.hasSuffix("/") { return true }
        guard let next = lowerURL.dropFirst(lowerOrigin.count).first else { return true }
        return next == "/" || next == "?" || next == "#"
    }
}

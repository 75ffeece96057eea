/// How `ModelClient` retries one model before moving to the next fallback: exponential backoff
/// with jitter for transient failures, honouring the server's `Retry-After` when it is reasonable.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt.
    public var maxRetries: Int
    public var baseDelay: Double
    public var multiplier: Double
    public var maxDelay: Double
    /// A `Retry-After` longer than this is not waited for: the next fallback model is tried instead.
    public var maxRetryAfter: Double

    public init(maxRetries: Int = 3, baseDelay: Double = 0.5, multiplier: Double = 2, maxDelay: Double = 8, maxRetryAfter: Double = 30) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let standard = RetryPolicy()

    /// Seconds to wait before retry number `attempt + 1`, or nil when `error` is not worth retrying
    /// on this model (permanent, retries used up, or a `Retry-After` beyond `maxRetryAfter`).
    public func delay(after error: ModelError, attempt: Int, jitter: Double = Double.random(in: 0...0.25)) -> Double? {
        guard attempt < maxRetries else { return nil }
        switch error {
        case .rateLimited(_, _, let retryAfter?):
            return retryAfter > maxRetryAfter ? nil : retryAfter
        case .rateLimited, .server, .timeout, .transport:
            let exponential = baseDelay * pow(multiplier, attempt)
            return min(maxDelay, exponential * (1 + jitter))
        default:
            return nil
        }
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<max(0, exponent)).reduce(1) { value, _ in value * base }
    }
}

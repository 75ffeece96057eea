import TalonCore

/// Counts failed authentication attempts per client address and locks an address out after too many.
///
/// Bounded: at most `capacity` addresses are tracked; when full, expired entries go first, then the oldest.
public actor FailedAuthLimiter {
    struct Entry {
        var windowStartMs: Int64
        var failures: Int
        var lockedUntilMs: Int64
    }

    private let config: AuthRateLimitConfig
    private let capacity: Int
    private var entries: [String: Entry] = [:]

    public init(config: AuthRateLimitConfig, capacity: Int = 4096) {
        self.config = config
        self.capacity = capacity
    }

    /// Milliseconds until `address` may try again, or nil when it is not locked out.
    public func retryAfterMs(address: String, nowMs: Int64) -> Int64? {
        guard let entry = entries[address], entry.lockedUntilMs > nowMs else { return nil }
        return entry.lockedUntilMs - nowMs
    }

    /// Records a failure; returns the lockout in milliseconds when this failure triggered one.
    @discardableResult
    public func recordFailure(address: String, nowMs: Int64) -> Int64? {
        var entry = entries[address] ?? Entry(windowStartMs: nowMs, failures: 0, lockedUntilMs: 0)
        if nowMs - entry.windowStartMs > Int64(config.windowMs) {
            entry = Entry(windowStartMs: nowMs, failures: 0, lockedUntilMs: 0)
        }
        entry.failures += 1
        var lockout: Int64?
        if entry.failures >= config.maxAttempts {
            entry.lockedUntilMs = nowMs + Int64(config.lockoutMs)
            lockout = Int64(config.lockoutMs)
        }
        if entries[address] == nil, entries.count >= capacity {
            evict(nowMs: nowMs)
        }
        entries[address] = entry
        return lockout
    }

    /// A successful login clears the address's failure count.
    public func recordSuccess(address: String) {
        entries[address] = nil
    }

    public var trackedCount: Int { entries.count }

    private func evict(nowMs: Int64) {
        let window = Int64(config.windowMs)
        entries = entries.filter { $0.value.lockedUntilMs > nowMs || nowMs - $0.value.windowStartMs <= window }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.windowStartMs < $1.value.windowStartMs }) {
            entries[oldest.key] = nil
        }
    }
}

/// How the background refresher paces itself (reference §3.5: the sidecar checks every 5 min,
/// renews when < 45 min remain, and backs off 10–60 min after failures).
public struct MCTLRefresherTiming: Sendable {
    public var checkInterval: Duration
    public var renewWhenRemaining: Duration
    public var minBackoff: Duration
    public var maxBackoff: Duration

    public init(
        checkInterval: Duration = .seconds(300), renewWhenRemaining: Duration = .seconds(45 * 60), minBackoff: Duration = .seconds(600),
        maxBackoff: Duration = .seconds(3600)
    ) {
        self.checkInterval = checkInterval
        self.renewWhenRemaining = renewWhenRemaining
        self.minBackoff = minBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait after `failures` consecutive failures: min doubling up to max (10, 20, 40, 60 min).
    public func backoff(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return checkInterval }
        var wait = minBackoff
        for _ in 1..<failures where wait < maxBackoff { wait *= 2 }
        return min(wait, maxBackoff)
    }
}

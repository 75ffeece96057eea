/// What the long-running parts of the gateway report about themselves, for `/readyz`.
///
/// A service marks itself failing with a short reason and clears the mark when it recovers.
public actor Readiness {
    private var failing: [String: String] = [:]
    private var draining = false

    public init() {}

    public func setFailing(_ component: String, reason: String) {
        failing[component] = reason
    }

    public func clear(_ component: String) {
        failing[component] = nil
    }

    /// Set once graceful shutdown begins, so load balancers stop sending traffic.
    public func beginDraining() {
        draining = true
    }

    public func snapshot() -> (draining: Bool, failing: [String: String]) {
        (draining, failing)
    }
}

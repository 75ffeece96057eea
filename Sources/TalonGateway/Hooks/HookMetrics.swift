import Metrics

/// Webhook counters (swift-metrics; exported by the Prometheus backend at `/metrics`).
enum HookMetrics {
    static func received(mapping: String) {
        Counter(label: "talon_webhooks_received_total", dimensions: [("mapping", mapping)]).increment()
    }

    /// `reason`: unauthorized, method_not_allowed, token_in_query, too_large, timeout, bad_json, not_found, busy, store_unavailable,
    /// or a signature reason code.
    static func rejected(reason: String) {
        Counter(label: "talon_webhooks_rejected_total", dimensions: [("reason", reason)]).increment()
    }

    static func runStarted(mapping: String) {
        Counter(label: "talon_hook_runs_total", dimensions: [("mapping", mapping)]).increment()
    }

    static func duplicate(mapping: String) {
        Counter(label: "talon_webhooks_duplicate_total", dimensions: [("mapping", mapping)]).increment()
    }
}

import Metrics

/// Incident counters (swift-metrics; the gateway exports them at `/metrics`).
enum IncidentMetrics {
    /// `outcome`: claimed or conflict.
    static func claim(_ outcome: String) {
        Counter(label: "talon_incident_claims_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// Accepted result callbacks by status (pr_created, needs_human, failed, declined).
    static func result(_ status: String) {
        Counter(label: "talon_incident_results_total", dimensions: [("status", status)]).increment()
    }
}

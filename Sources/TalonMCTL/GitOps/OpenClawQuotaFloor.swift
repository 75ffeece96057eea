import Foundation
import TalonCore

/// One unmet quota line in a preflight 409: `{field, required, actual}` exactly as the platform's API.
struct QuotaRequirement: Sendable, Equatable, Codable {
    var field: String
    var required: String
    /// The tenant's current value, or "" when the quota does not set it.
    var actual: String
}

/// The smallest tenant quota that can run an OpenClaw startup profile (§2.1). Configurable so a
/// platform can tighten or relax it; the default is the newest floor in the platform's code.
struct OpenClawQuotaFloor: Sendable, Equatable {
    /// Resource quotas in field order (`requests.cpu`, …) → minimum quantity.
    var quotas: [(field: String, minimum: String)]
    /// `networking.allowInternetEgress` must be true: OpenClaw talks to Telegram and model APIs.
    var requiresInternetEgress: Bool

    static let `default` = OpenClawQuotaFloor(
        quotas: [
            ("requests.cpu", "500m"),
            ("requests.memory", "1280Mi"),
            ("limits.cpu", "3"),
            ("limits.memory", "4Gi"),
        ],
        requiresInternetEgress: true
    )

    static func == (lhs: OpenClawQuotaFloor, rhs: OpenClawQuotaFloor) -> Bool {
        lhs.requiresInternetEgress == rhs.requiresInternetEgress
            && lhs.quotas.map(\.field) == rhs.quotas.map(\.field)
            && lhs.quotas.map(\.minimum) == rhs.quotas.map(\.minimum)
    }

    /// The failing requirements only, in floor order; empty means the tenant can host OpenClaw.
    /// A missing or unparsable quota counts as failing (an unlimited quota must be written out).
    func check(_ tenant: Tenant) -> [QuotaRequirement] {
        var failing: [QuotaRequirement] = []
        for (field, minimum) in quotas {
            let actual = tenant.quotas[field] ?? ""
            if K8sQuantity.isAtLeast(actual, minimum) != true {
                failing.append(QuotaRequirement(field: field, required: minimum, actual: actual))
            }
        }
        if requiresInternetEgress {
            let actual = tenant.networking["allowInternetEgress"] ?? ""
            if actual.lowercased() != "true" {
                failing.append(QuotaRequirement(field: "networking.allowInternetEgress", required: "true", actual: actual))
            }
        }
        return failing
    }

    /// The floor as a JSON-able dictionary for the deploy result's `quotaFloor`.
    var json: JSONValue {
        var result: [String: JSONValue] = [:]
        for (field, minimum) in quotas { result[field] = .string(minimum) }
        if requiresInternetEgress { result["networking.allowInternetEgress"] = true }
        return .object(result)
    }
}

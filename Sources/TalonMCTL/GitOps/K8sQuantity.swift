import Foundation

/// Kubernetes resource quantities ("500m", "1280Mi", "1e9") turned into integers, so the
/// platform can compare a tenant's quota against the OpenClaw floor the way the API server would.
enum K8sQuantity {
    /// Binary (Ki…Ei) and decimal (k…E) suffixes, plus milli for CPU-style values.
    private static let multipliers: [(suffix: String, factor: Decimal)] = [
        ("Ki", 1024), ("Mi", pow(1024, 2)), ("Gi", pow(1024, 3)), ("Ti", pow(1024, 4)),
        ("Pi", pow(1024, 5)), ("Ei", pow(1024, 6)),
        ("m", Decimal(sign: .plus, exponent: -3, significand: 1)),
        ("k", 1000), ("M", pow(1000, 2)), ("G", pow(1000, 3)), ("T", pow(1000, 4)),
        ("P", pow(1000, 5)), ("E", pow(1000, 6)),
    ]

    /// Parses a quantity into its exact value in base units (cores or bytes). Nil when malformed.
    static func value(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var number = trimmed
        var factor: Decimal = 1
        // Two-letter suffixes first so "Mi" is not read as "M" + garbage.
        for (suffix, multiplier) in multipliers where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count))
            factor = multiplier
            break
        }
        guard let base = parseNumber(number) else { return nil }
        return base * factor
    }

    /// CPU in millicores ("500m" → 500, "1.5" → 1500); rounds up like Kubernetes does.
    static func milliCPU(_ text: String) -> Int64? {
        guard let cores = value(text) else { return nil }
        return roundUp(cores * 1000)
    }

    /// Memory in bytes ("1280Mi" → 1342177280, "1e9" → 1000000000).
    static func bytes(_ text: String) -> Int64? {
        guard let amount = value(text) else { return nil }
        return roundUp(amount)
    }

    /// True when `actual` is at least `required` (both CPU or both memory). Nil if either is invalid.
    static func isAtLeast(_ actual: String, _ required: String) -> Bool? {
        guard let lhs = value(actual), let rhs = value(required) else { return nil }
        return lhs >= rhs
    }

    /// Orders two quantities of the same kind; nil if either is invalid.
    static func compare(_ lhs: String, _ rhs: String) -> ComparisonResult? {
        guard let left = value(lhs), let right = value(rhs) else { return nil }
        if left < right { return .orderedAscending }
        if left > right { return .orderedDescending }
        return .orderedSame
    }

    /// Accepts a plain decimal ("1.5", "3", ".5") optionally followed by an exponent ("1e9", "2E3").
    private static func parseNumber(_ text: String) -> Decimal? {
        guard !text.isEmpty else { return nil }
        var mantissa = text
        var exponent = 0
        if let index = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<index])
            let expText = String(text[text.index(after: index)...])
            guard let parsed = Int(expText), abs(parsed) <= 30 else { return nil }
            exponent = parsed
        }
        var digits = mantissa
        if digits.hasPrefix("+") { digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        guard parts.contains(where: { !$0.isEmpty }) else { return nil }
        guard let decimal = Decimal(string: digits, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return exponent == 0 ? decimal : decimal * pow(10, exponent)
    }

    private static func pow(_ base: Decimal, _ exponent: Int) -> Decimal {
        exponent >= 0 ? Foundation.pow(base, exponent) : 1 / Foundation.pow(base, -exponent)
    }

    private static func roundUp(_ value: Decimal) -> Int64? {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .up)
        guard rounded <= Decimal(Int64.max) else { return nil }
        return NSDecimalNumber(decimal: rounded).int64Value
    }
}

import Foundation

/// The profiles the sizing can recommend (the platform's names; their requests and limits are the
/// profile table's business, not this file's).
public enum OpenClawSizingProfile: String, Codable, Sendable, CaseIterable {
    case startup
    case steadyMedium = "steady-medium"
    case steadySmall = "steady-small"
}

/// `stats` of the sizing answer, named as the platform's JSON.
public struct OpenClawSizingStats: Codable, Sendable, Equatable {
    public var memoryMaxBytes: Double
    public var memoryP95Bytes: Double
    public var cpuMaxCores: Double
    public var cpuP95Cores: Double
    public var sampleCount: Int
}

/// `{profile, stats, lookbackHours, policy, note?}`; the caller adds `profileSpec` from its profile
/// table. `stats` is absent only when no metrics backend is configured; `note` says why the answer
/// is the fallback.
public struct OpenClawSizingRecommendation: Codable, Sendable, Equatable {
    public var profile: OpenClawSizingProfile
    public var stats: OpenClawSizingStats?
    public var lookbackHours: Int
    public var policy: String
    public var note: String?
}

/// Why no recommendation could be made. A failed metrics query is reported, never turned into a
/// (possibly too small) profile.
public enum OpenClawSizingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case invalidLookback(Int)
    case invalidName(field: String, value: String)
    case metrics(PrometheusQueryError)

    public var description: String {
        switch self {
        case .invalidLookback(let hours):
            let range = OpenClawSizing.lookbackRange
            return "lookback_hours must be between \(range.lowerBound) and \(range.upperBound), got \(hours)"
        case .invalidName(let field, let value):
            return "\(field) \"\(value.prefix(80))\" is not a Kubernetes name (lowercase letters, digits and '-')"
        case .metrics(let error):
            return "cannot size the service: \(error)"
        }
    }

    public var errorDescription: String? { description }
}

/// The platform's OpenClaw sizing (mctl-api `internal/vmetrics/client.go`, reference §2.5): over the
/// lookback window, at a 15-minute step, the pooled working-set memory and the summed CPU rate of the
/// service's `base-service` containers; max and nearest-rank p95 of each; no headroom factor.
public struct OpenClawSizing: Sendable {
    public static let policy = "deploy with startup, then explicitly trim after at least 24h of stable runtime"
    public static let stepSeconds = 900
    public static let defaultLookbackHours = 24
    /// One hour (four samples) to thirty days.
    public static let lookbackRange = 1...720
    static let gibibyte = 1024.0 * 1024 * 1024

    /// nil → no metrics backend: every answer is `startup` with a note.
    public let metrics: (any PrometheusRangeQuerying)?
    public let now: @Sendable () -> Date

    public init(metrics: (any PrometheusRangeQuerying)?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.metrics = metrics
        self.now = now
    }

    /// Working-set memory of every pod of the service, one series per pod (pooled afterwards).
    public static func memoryQuery(team: String, app: String) -> String {
        "container_memory_working_set_bytes{\(selector(team: team, app: app))}"
    }

    /// CPU cores used, summed over the service's pods.
    public static func cpuQuery(team: String, app: String) -> String {
        "sum(rate(container_cpu_usage_seconds_total{\(selector(team: team, app: app))}[5m]))"
    }

    private static func selector(team: String, app: String) -> String {
        "namespace=\"\(team)\",pod=~\"\(app)-base-service-.*\",container=\"base-service\""
    }

    public func recommend(team: String, app: String, lookbackHours: Int = OpenClawSizing.defaultLookbackHours) async throws
        -> OpenClawSizingRecommendation
    {
        // The names go into PromQL string literals and a regex: Kubernetes names need no escaping,
        // anything else is refused rather than escaped into a query that means something else.
        try Self.checkName(team, field: "team_name")
        try Self.checkName(app, field: "component_name")
        guard Self.lookbackRange.contains(lookbackHours) else { throw OpenClawSizingError.invalidLookback(lookbackHours) }
        guard let metrics else {
            return OpenClawSizingRecommendation(
                profile: .startup, stats: nil, lookbackHours: lookbackHours, policy: Self.policy,
                note: "no metrics backend configured (VICTORIAMETRICS_URL is not set): recommending startup without usage data")
        }
        let end = now()
        let start = end.addingTimeInterval(-Double(lookbackHours) * 3600)
        let memory: [PrometheusRangeSeries]
        let cpu: [PrometheusRangeSeries]
        do {
            async let memorySeries = metrics.queryRange(
                query: Self.memoryQuery(team: team, app: app), start: start, end: end, stepSeconds: Self.stepSeconds)
            async let cpuSeries = metrics.queryRange(
                query: Self.cpuQuery(team: team, app: app), start: start, end: end, stepSeconds: Self.stepSeconds)
            (memory, cpu) = try await (memorySeries, cpuSeries)
        } catch let error as PrometheusQueryError {
            throw OpenClawSizingError.metrics(error)
        }
        var result = Self.recommend(memorySamples: Self.pool(memory), cpuSamples: Self.pool(cpu))
        result.lookbackHours = lookbackHours
        return result
    }

    /// All sample values of all series, in one list.
    static func pool(_ series: [PrometheusRangeSeries]) -> [Double] {
        series.flatMap { $0.samples.map(\.value) }
    }

    /// The decision on pooled samples. Without samples for memory or for CPU there is nothing to trim
    /// against (a service not running yet, or metrics not scraped), so the answer is `startup` with a
    /// note, the stats showing what was found, instead of zeros reading as "tiny".
    static func recommend(memorySamples: [Double], cpuSamples: [Double]) -> OpenClawSizingRecommendation {
        let stats = OpenClawSizingStats(
            memoryMaxBytes: memorySamples.max() ?? 0, memoryP95Bytes: nearestRankP95(memorySamples),
            cpuMaxCores: cpuSamples.max() ?? 0, cpuP95Cores: nearestRankP95(cpuSamples),
            sampleCount: max(memorySamples.count, cpuSamples.count))
        var note: String?
        let profile: OpenClawSizingProfile
        if memorySamples.isEmpty || cpuSamples.isEmpty {
            let missing = [memorySamples.isEmpty ? "memory" : nil, cpuSamples.isEmpty ? "CPU" : nil].compactMap { $0 }
            note = "no \(missing.joined(separator: " or ")) samples in the lookback window: recommending startup"
            profile = .startup
        } else {
            profile = decide(stats)
        }
        return OpenClawSizingRecommendation(
            profile: profile, stats: stats, lookbackHours: defaultLookbackHours, policy: policy, note: note)
    }

    /// The platform's thresholds, compared as they are (no headroom).
    static func decide(_ stats: OpenClawSizingStats) -> OpenClawSizingProfile {
        if stats.memoryMaxBytes >= 2.3 * gibibyte || stats.cpuMaxCores >= 1.2 { return .startup }
        if stats.memoryP95Bytes >= 1.3 * gibibyte || stats.cpuP95Cores >= 0.7 { return .steadyMedium }
        return .steadySmall
    }

    /// Nearest rank: the value at index `ceil(0.95·n) − 1` of the ascending values; 0 when empty.
    static func nearestRankP95(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = Int((0.95 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(index, 0), sorted.count - 1)]
    }

    private static func checkName(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        let allowed = { (byte: UInt8) in (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45 }
        guard (1...63).contains(bytes.count), bytes.allSatisfy(allowed), bytes.first != 45, bytes.last != 45 else {
            throw OpenClawSizingError.invalidName(field: field, value: value)
        }
    }
}

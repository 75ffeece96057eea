import Foundation
import Synchronization
import Testing

@testable import TalonMCTL

/// A metrics backend answering from a table keyed by the query text, recording what it was asked.
private final class StubMetrics: PrometheusRangeQuerying {
    struct Call: Equatable {
        var query: String
        var start: Date
        var end: Date
        var step: Int
    }
    let answers: [String: [PrometheusRangeSeries]]
    let failure: PrometheusQueryError?
    let calls = Mutex<[Call]>([])

    init(answers: [String: [PrometheusRangeSeries]], failure: PrometheusQueryError? = nil) {
        self.answers = answers
        self.failure = failure
    }

    func queryRange(query: String, start: Date, end: Date, stepSeconds: Int) async throws -> [PrometheusRangeSeries] {
        calls.withLock { $0.append(Call(query: query, start: start, end: end, step: stepSeconds)) }
        if let failure { throw failure }
        return answers[query] ?? []
    }
}

private func series(_ values: [Double], pod: String = "openclaw-base-service-0") -> PrometheusRangeSeries {
    PrometheusRangeSeries(
        labels: ["pod": pod], samples: values.enumerated().map { .init(timestamp: Double($0.offset * 900), value: $0.element) })
}

private let gib = 1024.0 * 1024 * 1024

/// The sizing math and decision, with exact numbers (reference §2.5).
@Suite struct OpenClawSizingTests {
    @Test func queriesAreThePlatformsExactly() {
        #expect(
            OpenClawSizing.memoryQuery(team: "labs", app: "openclaw")
                == #"container_memory_working_set_bytes{namespace="labs",pod=~"openclaw-base-service-.*",container="base-service"}"#)
        #expect(
            OpenClawSizing.cpuQuery(team: "labs", app: "openclaw")
                == #"sum(rate(container_cpu_usage_seconds_total{namespace="labs",pod=~"openclaw-base-service-.*",container="base-service"}[5m]))"#
        )
    }

    @Test func nearestRankP95() {
        #expect(OpenClawSizing.nearestRankP95([]) == 0)
        #expect(OpenClawSizing.nearestRankP95([7]) == 7)
        // n = 20: ceil(19) − 1 = 18 → the 19th smallest.
        #expect(OpenClawSizing.nearestRankP95((1...20).map(Double.init).shuffled()) == 19)
        // n = 21: ceil(19.95) − 1 = 19 → the 20th smallest.
        #expect(OpenClawSizing.nearestRankP95((1...21).map(Double.init).shuffled()) == 20)
        // n = 10: ceil(9.5) − 1 = 9 → the maximum.
        #expect(OpenClawSizing.nearestRankP95([10, 90, 20, 80, 30, 70, 40, 60, 50, 100]) == 100)
        // n = 100: ceil(95) − 1 = 94 → 95 (no interpolation).
        #expect(OpenClawSizing.nearestRankP95((1...100).map(Double.init).reversed()) == 95)
        // n = 97 (24 h at 15 min, both ends): ceil(92.15) − 1 = 92 → the 93rd smallest.
        #expect(OpenClawSizing.nearestRankP95((1...97).map(Double.init)) == 93)
    }

    @Test func thresholdsAtTheirBoundaries() {
        func profile(memMax: Double = 0, memP95: Double = 0, cpuMax: Double = 0, cpuP95: Double = 0) -> OpenClawSizingProfile {
            OpenClawSizing.decide(
                OpenClawSizingStats(
                    memoryMaxBytes: memMax, memoryP95Bytes: memP95, cpuMaxCores: cpuMax, cpuP95Cores: cpuP95, sampleCount: 1))
        }
        #expect(profile() == .steadySmall)
        #expect(profile(memMax: 2.3 * gib) == .startup)
        #expect(profile(memMax: 2.3 * gib - 1) == .steadySmall)
        #expect(profile(cpuMax: 1.2) == .startup)
        #expect(profile(cpuMax: 1.1999) == .steadySmall)
        #expect(profile(memMax: 2 * gib, memP95: 1.3 * gib) == .steadyMedium)
        #expect(profile(memMax: 2 * gib, memP95: 1.3 * gib - 1) == .steadySmall)
        #expect(profile(cpuMax: 1, cpuP95: 0.7) == .steadyMedium)
        #expect(profile(cpuMax: 1, cpuP95: 0.6999) == .steadySmall)
        // Max decides before p95.
        #expect(profile(memMax: 2.3 * gib, memP95: 1.3 * gib, cpuP95: 0.7) == .startup)
    }

    @Test func samplesArePooledAcrossSeries() {
        let pooled = OpenClawSizing.pool([series([1, 2, 3]), series([10, 20], pod: "openclaw-base-service-1")])
        #expect(pooled.sorted() == [1, 2, 3, 10, 20])
        // 20 memory samples over two pods, 12 CPU samples: sampleCount is the larger count.
        let firstPod: [Double] = (1...10).map { Double($0) * 0.1 * gib }
        let secondPod: [Double] = (1...10).map { Double($0) * 0.13 * gib }
        let memory = firstPod + secondPod
        let result = OpenClawSizing.recommend(memorySamples: memory, cpuSamples: Array(repeating: 0.2, count: 12))
        #expect(result.stats?.sampleCount == 20)
        #expect(result.stats?.memoryMaxBytes == 1.3 * gib)
        // Sorted, index ceil(19) − 1 = 18 is the 19th smallest: 1.17 GiB (9 × 0.13).
        #expect(result.stats?.memoryP95Bytes == Double(9) * 0.13 * gib)
        #expect(result.profile == OpenClawSizingProfile.steadySmall)
        #expect(result.note == nil)
    }

    @Test func recommendQueriesTheWindowAndDecides() async throws {
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let memoryQuery = OpenClawSizing.memoryQuery(team: "labs", app: "openclaw")
        let cpuQuery = OpenClawSizing.cpuQuery(team: "labs", app: "openclaw")
        let stub = StubMetrics(answers: [
            memoryQuery: [series(Array(repeating: 1.0 * gib, count: 19) + [1.4 * gib, 1.5 * gib])],
            cpuQuery: [series(Array(repeating: 0.3, count: 21))],
        ])
        let sizing = OpenClawSizing(metrics: stub, now: { now })
        let result = try await sizing.recommend(team: "labs", app: "openclaw", lookbackHours: 48)
        #expect(result.profile == .steadyMedium)
        #expect(result.lookbackHours == 48)
        #expect(result.policy == "deploy with startup, then explicitly trim after at least 24h of stable runtime")
        #expect(
            result.stats
                == OpenClawSizingStats(
                    memoryMaxBytes: 1.5 * gib, memoryP95Bytes: 1.4 * gib, cpuMaxCores: 0.3, cpuP95Cores: 0.3, sampleCount: 21))
        let calls = stub.calls.withLock { $0 }.sorted { $0.query < $1.query }
        #expect(
            calls
                == [
                    .init(query: memoryQuery, start: now.addingTimeInterval(-48 * 3600), end: now, step: 900),
                    .init(query: cpuQuery, start: now.addingTimeInterval(-48 * 3600), end: now, step: 900),
                ].sorted { $0.query < $1.query })
    }

    @Test func answerJSONHasThePlatformsShape() throws {
        let result = OpenClawSizing.recommend(memorySamples: [3 * gib], cpuSamples: [0.5])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(result)) as? [String: Any])
        #expect(Set(json.keys) == ["profile", "stats", "lookbackHours", "policy"])
        #expect(json["profile"] as? String == "startup")
        #expect(json["lookbackHours"] as? Int == 24)
        let stats = try #require(json["stats"] as? [String: Any])
        #expect(Set(stats.keys) == ["memoryMaxBytes", "memoryP95Bytes", "cpuMaxCores", "cpuP95Cores", "sampleCount"])
        #expect(stats["sampleCount"] as? Int == 1)
        #expect(OpenClawSizingProfile.allCases.map(\.rawValue) == ["startup", "steady-medium", "steady-small"])
    }

    @Test func noMetricsBackendRecommendsStartupWithANote() async throws {
        let result = try await OpenClawSizing(metrics: nil).recommend(team: "labs", app: "openclaw")
        #expect(result.profile == .startup)
        #expect(result.stats == nil)
        #expect(result.lookbackHours == 24)
        #expect(result.note?.contains("no metrics backend configured") == true)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        #expect(json?["note"] is String)
        #expect(json?["stats"] == nil)
    }

    @Test func noSamplesRecommendStartupWithANote() async throws {
        let empty = try await OpenClawSizing(metrics: StubMetrics(answers: [:])).recommend(team: "labs", app: "openclaw")
        #expect(empty.profile == .startup)
        #expect(empty.note == "no memory or CPU samples in the lookback window: recommending startup")
        #expect(empty.stats?.sampleCount == 0)
        // Memory without CPU (e.g. cAdvisor CPU not scraped) is not enough to trim either.
        let partial = OpenClawSizing.recommend(memorySamples: [0.2 * gib], cpuSamples: [])
        #expect(partial.profile == .startup)
        #expect(partial.note == "no CPU samples in the lookback window: recommending startup")
        #expect(partial.stats?.sampleCount == 1)
    }

    @Test func invalidInputIsRefusedBeforeQuerying() async throws {
        let stub = StubMetrics(answers: [:])
        let sizing = OpenClawSizing(metrics: stub)
        for hours in [0, -1, 721] {
            await #expect(throws: OpenClawSizingError.invalidLookback(hours)) {
                try await sizing.recommend(team: "labs", app: "openclaw", lookbackHours: hours)
            }
        }
        _ = try await sizing.recommend(team: "labs", app: "openclaw", lookbackHours: 720)
        _ = try await sizing.recommend(team: "labs", app: "openclaw", lookbackHours: 1)
        for (team, app) in [("Labs", "openclaw"), ("labs", "open\"claw"), ("labs", "a.*"), ("", "x"), ("-labs", "x")] {
            await #expect(throws: OpenClawSizingError.self) { try await sizing.recommend(team: team, app: app) }
        }
        #expect(stub.calls.withLock { $0.count } == 4)
        #expect("\(OpenClawSizingError.invalidLookback(0))" == "lookback_hours must be between 1 and 720, got 0")
    }

    @Test func metricsFailuresAreErrorsNotRecommendations() async throws {
        let failure = PrometheusQueryError.queryFailed(errorType: "bad_data", error: "parse error")
        let sizing = OpenClawSizing(metrics: StubMetrics(answers: [:], failure: failure))
        let error = await #expect(throws: OpenClawSizingError.metrics(failure)) {
            try await sizing.recommend(team: "labs", app: "openclaw")
        }
        #expect("\(error!)" == "cannot size the service: metrics query failed (bad_data): parse error")
    }
}

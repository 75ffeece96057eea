import Foundation
import Testing

@testable import TalonMCTL

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sizing against a real VictoriaMetrics (`scripts/victoria-metrics.sh start DIR PORT` prints the URL
/// to export as `TALON_TEST_VM_URL`). 24 h of synthetic cAdvisor series are imported for three
/// teams whose shapes must give the three profiles, with stats checked against the shapes.
///
/// Each shape is piecewise constant: a baseline, a 6 h plateau (14–20 h ago) and a 30 min spike
/// (7.5–8 h ago), one sample a minute. At a 15 min step that is ~97 points per query; the spike
/// covers at most 3 of them (2 raw memory points, ≤ 3 CPU points counting the two whose 5 min rate
/// window straddles an edge), so the 5th highest point, nearest-rank p95 of 97, lies on the plateau.
/// Hence the expectations: max = spike, p95 = plateau, exactly. Memory values are whole bytes and
/// counter increments whole core-seconds, which VictoriaMetrics stores exactly, so memory must match
/// to the byte and CPU (a quotient of exact integers) to 1e-9 cores.
@Suite struct VictoriaMetricsSizingTests {
    private static let baseURL = ProcessInfo.processInfo.environment["TALON_TEST_VM_URL"]
    private static let mib = 1024.0 * 1024

    /// One team's shape: memory in MiB and CPU in cores, for baseline, plateau and spike.
    struct Shape {
        var team: String
        var memoryMiB: (baseline: Double, plateau: Double, spike: Double)
        var cores: (baseline: Double, plateau: Double, spike: Double)
        /// When set, the pod is replaced this many hours ago (a restart: two series to pool).
        var restartHoursAgo: Double?
        var expected: OpenClawSizingProfile
    }

    private static func level<T>(_ hoursAgo: Double, _ levels: (baseline: T, plateau: T, spike: T)) -> T {
        if hoursAgo >= 7.5 && hoursAgo < 8 { return levels.spike }
        if hoursAgo >= 14 && hoursAgo < 20 { return levels.plateau }
        return levels.baseline
    }

    /// Prometheus text exposition with millisecond timestamps, one sample a minute for 25 h up to
    /// `now`, plus series the queries must not pick up (other container, other pod, other namespace).
    private static func exposition(_ shapes: [Shape], now: Date, noiseNamespace: String) -> String {
        var lines: [String] = []
        let end = Int(now.timeIntervalSince1970)
        func add(
            namespace: String, pod: String, container: String, memory: (Double) -> Double, cores: (Double) -> Double, from: Int, to: Int
        ) {
            var counter = 0.0
            var time = from
            while time <= to {
                let hoursAgo = Double(end - time) / 3600
                // The counter grows at the rate of the minute that ends at this sample.
                counter += (cores(hoursAgo + 0.5 / 60) * 60).rounded()
                let labels = #"{namespace="\#(namespace)",pod="\#(pod)",container="\#(container)"}"#
                lines.append("container_memory_working_set_bytes\(labels) \(Int(memory(hoursAgo))) \(time * 1000)")
                lines.append("container_cpu_usage_seconds_total\(labels) \(Int(counter)) \(time * 1000)")
                time += 60
            }
        }
        let start = end - 25 * 3600
        for shape in shapes {
            let memory = { (hours: Double) in level(hours, shape.memoryMiB) * mib }
            let cores = { (hours: Double) in level(hours, shape.cores) }
            if let restart = shape.restartHoursAgo {
                let switchTime = end - Int(restart * 3600)
                add(
                    namespace: shape.team, pod: "openclaw-base-service-7d9f-a", container: "base-service", memory: memory, cores: cores,
                    from: start, to: switchTime - 60)
                add(
                    namespace: shape.team, pod: "openclaw-base-service-7d9f-b", container: "base-service", memory: memory, cores: cores,
                    from: switchTime, to: end)
            } else {
                add(
                    namespace: shape.team, pod: "openclaw-base-service-5c4b-x", container: "base-service", memory: memory, cores: cores,
                    from: start, to: end)
            }
            // Same pod, another container; another workload of the team: both far above every threshold.
            add(
                namespace: shape.team, pod: "openclaw-base-service-5c4b-x", container: "s3-sync", memory: { _ in 10 * 1024 * mib },
                cores: { _ in 4 }, from: start, to: end)
            add(
                namespace: shape.team, pod: "openclaw-worker-0", container: "base-service", memory: { _ in 10 * 1024 * mib },
                cores: { _ in 4 }, from: start, to: end)
        }
        add(
            namespace: noiseNamespace, pod: "openclaw-base-service-0", container: "base-service", memory: { _ in 10 * 1024 * mib },
            cores: { _ in 4 }, from: start, to: end)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func request(_ method: String, _ url: String, body: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body { request.httpBody = Data(body.utf8) }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test(.enabled(if: baseURL != nil, "set TALON_TEST_VM_URL (scripts/victoria-metrics.sh start DIR PORT)"))
    func threeShapesGiveTheThreeProfiles() async throws {
        let baseURL = try #require(Self.baseURL).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        // Fresh namespaces each run, so a reused VictoriaMetrics storage does not mix runs.
        let run = String(UUID().uuidString.lowercased().prefix(8))
        let shapes = [
            Shape(team: "vm-\(run)-big", memoryMiB: (1024, 1536, 2560), cores: (0.25, 0.5, 1.5), expected: .startup),
            Shape(team: "vm-\(run)-mid", memoryMiB: (800, 1434, 2048), cores: (0.25, 0.5, 1), restartHoursAgo: 11, expected: .steadyMedium),
            Shape(team: "vm-\(run)-small", memoryMiB: (400, 700, 1229), cores: (0.1, 0.25, 0.6), expected: .steadySmall),
        ]
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let text = Self.exposition(shapes, now: now, noiseNamespace: "vm-\(run)-noise")
        #expect(try await Self.request("POST", baseURL + "/api/v1/import/prometheus", body: text) == 204)
        #expect(try await Self.request("GET", baseURL + "/internal/force_flush") == 200)

        // Imported rows become searchable shortly after the flush: wait until every query sees the
        // whole day (≥ 96 of the ~97 points), or fail at the deadline.
        let client = PrometheusRangeClient(baseURL: baseURL)
        let deadline = ContinuousClock.now + .seconds(60)
        var ready = false
        while !ready {
            var counts: [Int] = []
            for shape in shapes {
                for query in [
                    OpenClawSizing.memoryQuery(team: shape.team, app: "openclaw"),
                    OpenClawSizing.cpuQuery(team: shape.team, app: "openclaw"),
                ] {
                    let series = try await client.queryRange(
                        query: query, start: now.addingTimeInterval(-24 * 3600), end: now, stepSeconds: 900)
                    counts.append(OpenClawSizing.pool(series).count)
                }
            }
            ready = counts.allSatisfy { $0 >= 96 }
            if !ready {
                try #require(ContinuousClock.now < deadline, "imported samples not searchable within 60 s (points per query: \(counts))")
                try await Task.sleep(for: .milliseconds(200))
            }
        }

        let sizing = OpenClawSizing(metrics: client, now: { now })
        for shape in shapes {
            let result = try await sizing.recommend(team: shape.team, app: "openclaw")
            let stats = try #require(result.stats)
            let label = Comment(rawValue: "\(shape.team): \(stats)")
            #expect(result.profile == shape.expected, label)
            #expect(result.note == nil)
            #expect(result.lookbackHours == 24)
            #expect(stats.memoryMaxBytes == shape.memoryMiB.spike * Self.mib, label)
            #expect(stats.memoryP95Bytes == shape.memoryMiB.plateau * Self.mib, label)
            let cpuMaxError = abs(stats.cpuMaxCores - shape.cores.spike)
            let cpuP95Error = abs(stats.cpuP95Cores - shape.cores.plateau)
            #expect(cpuMaxError < 1e-9, label)
            #expect(cpuP95Error < 1e-9, label)
            // One point per 15 min over 24 h, both ends included; the restarted pod's old series
            // lingers for a point or two after it stops, and pooling counts those too.
            let expectedCount = shape.restartHoursAgo == nil ? 96...97 : 97...100
            #expect(expectedCount.contains(stats.sampleCount), label)
        }
    }
}

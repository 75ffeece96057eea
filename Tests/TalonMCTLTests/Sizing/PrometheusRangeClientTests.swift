import Foundation
import TalonTestSupport
import Testing

@testable import TalonMCTL

/// The metrics client against a scripted Prometheus API: the request it sends, the answers it
/// parses, and every failure it must report instead of returning data.
@Suite struct PrometheusRangeClientTests {
    private let start = Date(timeIntervalSince1970: 1_760_000_000)
    private var end: Date { start.addingTimeInterval(24 * 3600) }
    private let query = #"sum(rate(container_cpu_usage_seconds_total{namespace="labs",pod=~"openclaw-base-service-.*"}[5m])) + 0"#

    private func withAPI(timeout: Double = 5, _ body: (FakePrometheusAPI, PrometheusRangeClient) async throws -> Void) async throws {
        let api = try await FakePrometheusAPI.start()
        let client = PrometheusRangeClient(baseURL: api.baseURL + "/", timeoutSeconds: timeout)
        do {
            try await body(api, client)
        } catch {
            await api.stop()
            throw error
        }
        await api.stop()
    }

    @Test func sendsAnEncodedRangeQueryAndParsesTheMatrix() async throws {
        try await withAPI { api, client in
            api.enqueue(
                .init(
                    body: #"""
                        {"status":"success","data":{"resultType":"matrix","result":[
                          {"metric":{"pod":"openclaw-base-service-a"},"values":[[1760000000,"1.5"],[1760000900.5,"NaN"],[1760001800,"2e9"]]},
                          {"metric":{"pod":"openclaw-base-service-b"},"values":[[1760000000,"+Inf"],[1760000900,"-Inf"],[1760001800,"0"]]},
                          {"metric":{},"values":[]}
                        ]}}
                        """#))
            let result = try await client.queryRange(query: query, start: start, end: end, stepSeconds: 900)
            #expect(
                result == [
                    PrometheusRangeSeries(
                        labels: ["pod": "openclaw-base-service-a"],
                        samples: [.init(timestamp: 1_760_000_000, value: 1.5), .init(timestamp: 1_760_001_800, value: 2e9)]),
                    PrometheusRangeSeries(labels: ["pod": "openclaw-base-service-b"], samples: [.init(timestamp: 1_760_001_800, value: 0)]),
                    PrometheusRangeSeries(labels: [:], samples: []),
                ])
            let request = try #require(api.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/api/v1/query_range")
            #expect(request.query["query"] == query)
            #expect(request.query["start"] == "1760000000.000")
            #expect(request.query["end"] == "1760086400.000")
            #expect(request.query["step"] == "900")
        }
    }

    @Test func urlEncodingKeepsPromQLIntact() {
        let client = PrometheusRangeClient(baseURL: "http://vmselect:8481/select/0/prometheus/")
        let url = client.rangeURL(query: #"a{b=~"c.*"} + 1"#, start: start, end: end, stepSeconds: 900)
        #expect(
            url
                == "http://vmselect:8481/select/0/prometheus/api/v1/query_range?query=a%7Bb%3D~%22c.%2A%22%7D%20%2B%201&start=1760000000.000&end=1760086400.000&step=900"
        )
    }

    @Test func prometheusErrorsAreReported() async throws {
        try await withAPI { api, client in
            api.enqueue(
                .init(status: 422, body: #"{"status":"error","errorType":"execution","error":"cannot parse query"}"#),
                .init(status: 200, body: #"{"status":"error","errorType":"timeout","error":"query timed out"}"#))
            await #expect(throws: PrometheusQueryError.queryFailed(errorType: "execution", error: "cannot parse query")) {
                try await client.queryRange(query: "x", start: start, end: end, stepSeconds: 900)
            }
            await #expect(throws: PrometheusQueryError.queryFailed(errorType: "timeout", error: "query timed out")) {
                try await client.queryRange(query: "x", start: start, end: end, stepSeconds: 900)
            }
        }
    }

    @Test func badAnswersAreErrors() async throws {
        try await withAPI { api, client in
            let endpoint = api.baseURL + "/api/v1/query_range"
            api.enqueue(
                .init(status: 502, body: "Bad Gateway"),
                .init(status: 200, body: "<html>login</html>"),
                .init(status: 200, body: #"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
                .init(
                    status: 200, body: #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}"#
                ),
                .init(status: 200, body: #"{"status":"success"}"#))
            let cases: [PrometheusQueryError] = [
                .httpStatus(url: endpoint, status: 502, detail: "Bad Gateway"),
                .badResponse(url: endpoint, detail: "the body is not Prometheus API JSON"),
                .badResponse(url: endpoint, detail: #"resultType "vector", expected "matrix""#),
                .badResponse(url: endpoint, detail: #"sample value "abc" is not a number"#),
                .badResponse(url: endpoint, detail: #"status "success" without data"#),
            ]
            for expected in cases {
                await #expect(throws: expected) { try await client.queryRange(query: "x", start: start, end: end, stepSeconds: 900) }
            }
        }
    }

    @Test func slowAndDeadServersAreUnreachable() async throws {
        let api = try await FakePrometheusAPI.start()
        let client = PrometheusRangeClient(baseURL: api.baseURL, timeoutSeconds: 0.3)
        api.enqueue(.init(body: FakePrometheusAPI.emptyMatrix, stallSeconds: 3))
        let slow = await #expect(throws: PrometheusQueryError.self) {
            try await client.queryRange(query: "x", start: start, end: end, stepSeconds: 900)
        }
        #expect("\(slow!)".contains("no answer within 0.3 s"))
        let baseURL = api.baseURL
        await api.stop()
        let dead = await #expect(throws: PrometheusQueryError.self) {
            try await PrometheusRangeClient(baseURL: baseURL, timeoutSeconds: 2).queryRange(
                query: "x", start: start, end: end, stepSeconds: 900)
        }
        guard case .unreachable = dead else {
            Issue.record("expected unreachable, got \(String(describing: dead))")
            return
        }
    }

    @Test func sizingSurfacesClientErrors() async throws {
        try await withAPI { api, client in
            api.enqueue(.init(status: 503, body: "unavailable"), .init(status: 503, body: "unavailable"))
            let sizing = OpenClawSizing(metrics: client)
            let error = await #expect(throws: OpenClawSizingError.self) { try await sizing.recommend(team: "labs", app: "openclaw") }
            #expect("\(error!)".contains("answered HTTP 503"))
        }
    }

    @Test func fromEnvironment() throws {
        #expect(try PrometheusRangeClient.fromEnvironment([:]) == nil)
        #expect(try PrometheusRangeClient.fromEnvironment(["VICTORIAMETRICS_URL": ""]) == nil)
        #expect(throws: PrometheusQueryError.self) { try PrometheusRangeClient.fromEnvironment(["VICTORIAMETRICS_URL": "victoria:8428"]) }
        let client = try #require(try PrometheusRangeClient.fromEnvironment(["VICTORIAMETRICS_URL": "http://vm:8428/"]))
        #expect(client.baseURL == "http://vm:8428")
        #expect(client.timeoutSeconds == 10)
    }
}

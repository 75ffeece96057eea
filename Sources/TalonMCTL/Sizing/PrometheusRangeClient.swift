import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One series of a range query: its labels and its finite samples (NaN and ±Inf are dropped).
public struct PrometheusRangeSeries: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        /// Unix seconds.
        public var timestamp: Double
        public var value: Double
        public init(timestamp: Double, value: Double) {
            self.timestamp = timestamp
            self.value = value
        }
    }
    public var labels: [String: String]
    public var samples: [Sample]
    public init(labels: [String: String], samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// Anything that answers PromQL range queries (the HTTP client, or a stub in tests).
public protocol PrometheusRangeQuerying: Sendable {
    func queryRange(query: String, start: Date, end: Date, stepSeconds: Int) async throws -> [PrometheusRangeSeries]
}

/// Why a metrics query gave no usable answer. The sizing tool reports these instead of guessing.
public enum PrometheusQueryError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case invalidConfiguration(String)
    case unreachable(url: String, detail: String)
    case httpStatus(url: String, status: Int, detail: String)
    /// `{"status":"error","errorType":…,"error":…}` from the server.
    case queryFailed(errorType: String, error: String)
    case badResponse(url: String, detail: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let detail): return "metrics backend misconfigured: \(detail)"
        case .unreachable(let url, let detail): return "metrics backend \(url) is unreachable: \(detail)"
        case .httpStatus(let url, let status, let detail):
            return "metrics backend \(url) answered HTTP \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .queryFailed(let errorType, let error): return "metrics query failed (\(errorType)): \(error)"
        case .badResponse(let url, let detail): return "unexpected answer from metrics backend \(url): \(detail)"
        }
    }

    public var errorDescription: String? { description }
}

/// The Prometheus HTTP API's `query_range` (VictoriaMetrics speaks it) at a base URL such as
/// `http://victoriametrics:8428` or a vmselect prefix `http://vmselect:8481/select/0/prometheus`.
public struct PrometheusRangeClient: PrometheusRangeQuerying, CustomStringConvertible {
    public let baseURL: String
    public let timeoutSeconds: Double
    private let httpClient: HTTPClient

    public var description: String { "PrometheusRangeClient(\(baseURL))" }

    /// `httpClient` nil → the shared process-lifetime client (nothing to shut down).
    public init(baseURL: String, timeoutSeconds: Double = 10, httpClient: HTTPClient? = nil) {
        self.baseURL = MCTLHTTP.trimmedBase(baseURL)
        self.timeoutSeconds = timeoutSeconds
        self.httpClient = httpClient ?? MCTLHTTP.shared
    }

    /// `VICTORIAMETRICS_URL` unset or empty → nil (no metrics backend); set but not http(s) → error.
    public static func fromEnvironment(_ environment: [String: String], httpClient: HTTPClient? = nil) throws -> PrometheusRangeClient? {
        guard let text = environment["VICTORIAMETRICS_URL"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else {
            throw PrometheusQueryError.invalidConfiguration(
                "VICTORIAMETRICS_URL must be an http(s) URL such as http://victoriametrics:8428")
        }
        return PrometheusRangeClient(baseURL: text, httpClient: httpClient)
    }

    /// The URL of one range query, PromQL percent-encoded (timestamps in Unix seconds).
    func rangeURL(query: String, start: Date, end: Date, stepSeconds: Int) -> String {
        let fields = [
            ("query", query), ("start", Self.seconds(start)), ("end", Self.seconds(end)), ("step", String(stepSeconds)),
        ]
        let encoded = fields.map { "\($0.0)=\(MCTLHTTP.encodeQueryComponent($0.1))" }.joined(separator: "&")
        return "\(baseURL)/api/v1/query_range?\(encoded)"
    }

    public func queryRange(query: String, start: Date, end: Date, stepSeconds: Int) async throws -> [PrometheusRangeSeries] {
        guard stepSeconds > 0, end >= start else {
            throw PrometheusQueryError.invalidConfiguration("a range query needs step > 0 and end ≥ start")
        }
        let endpoint = "\(baseURL)/api/v1/query_range"
        var request = HTTPClientRequest(url: rangeURL(query: query, start: start, end: end, stepSeconds: stepSeconds))
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let answer: MCTLHTTP.Answer
        do {
            answer = try await MCTLHTTP.send(request, client: httpClient, timeoutSeconds: timeoutSeconds)
        } catch MCTLHTTP.Failure.timedOut(let seconds) {
            throw PrometheusQueryError.unreachable(url: endpoint, detail: "no answer within \(seconds) s")
        } catch MCTLHTTP.Failure.transport(let detail) {
            throw PrometheusQueryError.unreachable(url: endpoint, detail: detail)
        }
        return try Self.parse(answer, endpoint: endpoint)
    }

    /// Prometheus answers errors as JSON with 400, 422, 503 too: its `error` text is the useful part.
    static func parse(_ answer: MCTLHTTP.Answer, endpoint: String) throws -> [PrometheusRangeSeries] {
        let envelope = try? JSONDecoder().decode(PrometheusEnvelope.self, from: answer.body)
        if let envelope, envelope.status == "error" {
            throw PrometheusQueryError.queryFailed(
                errorType: envelope.errorType ?? "unknown", error: String((envelope.error ?? "no error text").prefix(500)))
        }
        guard answer.status == 200 else {
            let text = String(decoding: answer.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PrometheusQueryError.httpStatus(url: endpoint, status: answer.status, detail: text)
        }
        guard let envelope else { throw PrometheusQueryError.badResponse(url: endpoint, detail: "the body is not Prometheus API JSON") }
        guard envelope.status == "success", let data = envelope.data else {
            throw PrometheusQueryError.badResponse(url: endpoint, detail: "status \"\(envelope.status)\" without data")
        }
        guard data.resultType == "matrix" else {
            throw PrometheusQueryError.badResponse(url: endpoint, detail: "resultType \"\(data.resultType)\", expected \"matrix\"")
        }
        return try data.result.map { series in
            var samples: [PrometheusRangeSeries.Sample] = []
            samples.reserveCapacity(series.values?.count ?? 0)
            for pair in series.values ?? [] {
                guard let value = Double(pair.value) ?? Self.specialValue(pair.value) else {
                    throw PrometheusQueryError.badResponse(
                        url: endpoint, detail: "sample value \"\(pair.value.prefix(40))\" is not a number")
                }
                if value.isFinite { samples.append(.init(timestamp: pair.timestamp, value: value)) }
            }
            return PrometheusRangeSeries(labels: series.metric ?? [:], samples: samples)
        }
    }

    /// Prometheus writes `NaN`, `+Inf` and `-Inf`; accept any spelling Double(_:) does not.
    private static func specialValue(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        default: return nil
        }
    }

    private static func seconds(_ date: Date) -> String {
        String(format: "%.3f", date.timeIntervalSince1970)
    }
}

private struct PrometheusEnvelope: Decodable {
    struct DataPart: Decodable {
        var resultType: String
        var result: [SeriesPart]
    }
    struct SeriesPart: Decodable {
        var metric: [String: String]?
        var values: [SamplePair]?
    }
    var status: String
    var data: DataPart?
    var errorType: String?
    var error: String?
}

/// `[1700000000.123, "42"]`: a timestamp number and a value string.
private struct SamplePair: Decodable {
    var timestamp: Double
    var value: String

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        timestamp = try container.decode(Double.self)
        value = try container.decode(String.self)
    }
}

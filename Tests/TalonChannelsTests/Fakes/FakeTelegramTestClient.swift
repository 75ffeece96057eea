import Foundation
import TalonCore
import TalonTestSupport

/// Plays the bot's HTTP client against the fake, over real loopback HTTP.
struct FakeTelegramTestClient {
    struct Answer {
        var status: Int
        var json: JSONValue
        var headers: [String: String]
        var result: JSONValue? { json["result"] }
        var description: String? { json["description"]?.stringValue }
    }

    let fake: FakeTelegram
    var probe: HTTPProbe { HTTPProbe(port: fake.port) }

    /// POSTs `params` as a JSON body to `/bot<token>/<method>`.
    func call(_ method: String, _ params: JSONValue = [:], token: String? = nil, timeout: Double = 15) async throws -> Answer {
        let response = try await probe.request(
            "POST", "/bot\(token ?? fake.token)/\(method)", headers: ["Content-Type": "application/json"],
            body: Data(params.serialized().utf8), timeout: timeout)
        return try answer(response)
    }

    /// POSTs an `application/x-www-form-urlencoded` body as written.
    func form(_ method: String, _ body: String) async throws -> Answer {
        let response = try await probe.request(
            "POST", "/bot\(fake.token)/\(method)", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(body.utf8))
        return try answer(response)
    }

    /// GETs `/bot<token>/<method>?<query>`.
    func get(_ method: String, query: String = "") async throws -> Answer {
        try answer(try await probe.get("/bot\(fake.token)/\(method)" + (query.isEmpty ? "" : "?" + query)))
    }

    /// POSTs a multipart body built from `fields`.
    func multipart(_ method: String, _ fields: [FakeMultipart.Part]) async throws -> Answer {
        let boundary = "----talon-test-\(UUID().uuidString)"
        let response = try await probe.request(
            "POST", "/bot\(fake.token)/\(method)", headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
            body: FakeMultipart.encode(boundary: boundary, parts: fields))
        return try answer(response)
    }

    private func answer(_ response: HTTPProbe.Response) throws -> Answer {
        guard let json = JSONValue.parse(response.body) else { throw ProbeError("not JSON: \(response.text)") }
        return Answer(status: response.status, json: json, headers: response.headers)
    }
}

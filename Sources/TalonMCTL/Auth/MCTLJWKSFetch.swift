import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetching a JWKS document over HTTP with the module's shared client (no redirects: the key source must be the
/// configured URL), bounded in time (10 s end to end) and size (512 KiB).
enum MCTLJWKSFetch {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static let maxBodyBytes = 512 * 1024
    static let timeoutSeconds: Int64 = 10

    static func fetch(_ url: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        let answer: MCTLHTTP.Answer
        do {
            answer = try await MCTLHTTP.send(
                request, client: MCTLHTTP.shared, timeoutSeconds: Double(timeoutSeconds), maxBodyBytes: maxBodyBytes)
        } catch MCTLHTTP.Failure.timedOut {
            throw Failed(description: "no JWKS answer within \(timeoutSeconds) s")
        }
        guard answer.status == 200 else { throw Failed(description: "JWKS answered \(answer.status)") }
        return Array(answer.body)
    }
}

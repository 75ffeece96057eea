import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetching a JWKS document over HTTP. One process-lifetime client (never shut down, like
/// `HTTPClient.shared`) that refuses redirects (the key source must be the configured URL) and is
/// bounded in time (10 s end to end) and size (512 KiB).
enum MCTLJWKSFetch {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static let maxBodyBytes = 512 * 1024
    static let timeoutSeconds: Int64 = 10

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    static func fetch(_ url: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        let prepared = request
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                let response = try await client.execute(prepared, timeout: .seconds(timeoutSeconds))
                guard response.status.code == 200 else { throw Failed(description: "JWKS answered \(response.status.code)") }
                let buffer = try await response.body.collect(upTo: maxBodyBytes)
                return Array(buffer.readableBytesView)
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeoutSeconds))
                throw Failed(description: "no JWKS answer within \(timeoutSeconds) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

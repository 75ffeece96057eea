import Foundation
import Logging
import TalonCore
import TalonTestSupport

@testable import TalonMCTL

/// A fake mctl-api, a private state dir and an `MCTLConnect` logging into memory, plus the browser's
/// part of the round trip (following the authorize redirect without following it any further).
struct MCTLConnectHarness {
    static let redirectUri = "http://127.0.0.1:18789/overview?mctl_oauth=1"

    let api: FakeMCTLAPI
    let dir: TempDir
    let logs: LockedBox<[String]>
    let connect: MCTLConnect

    var stateDir: String { dir.path }
    var store: MCTLCredentialStore { MCTLCredentialStore(stateDir: dir.path) }

    static func start(login: String = "octocat", accessTokenTTL: Duration = .seconds(3600)) async throws -> MCTLConnectHarness {
        let api = try await FakeMCTLAPI.start(login: login, accessTokenTTL: accessTokenTTL)
        let dir = try TempDir("talon-mctl-oauth")
        let logs = LockedBox<[String]>([])
        let connect = MCTLConnect(stateDir: dir.path, apiBase: api.baseURL, logger: CapturingLogHandler.logger(logs), timeoutSeconds: 10)
        return MCTLConnectHarness(api: api, dir: dir, logs: logs, connect: connect)
    }

    /// A second client on the same state dir (another writer, e.g. a second gateway process).
    func secondClient() -> MCTLConnect {
        MCTLConnect(stateDir: dir.path, apiBase: api.baseURL, logger: CapturingLogHandler.logger(logs), timeoutSeconds: 10)
    }

    func stop() async { await api.stop() }

    /// What the browser does with `authorizeUrl`: one GET, and the `Location` of the 302 parsed.
    func authorize(_ authorizeUrl: String) async throws -> [String: String] {
        guard let url = URL(string: authorizeUrl), url.host != nil else { throw ProbeError("not a URL: \(authorizeUrl)") }
        let response = try await HTTPProbe(port: url.port ?? 80).get(url.path + "?" + (url.query ?? ""))
        guard response.status == 302, let location = response.header("location") else {
            throw ProbeError("authorize answered \(response.status): \(response.text)")
        }
        return Self.query(of: location)
    }

    /// start → authorize → complete: a connected client.
    @discardableResult
    func connectFully() async throws -> MCTLConnectStatus {
        let started = try await connect.start(redirectUri: Self.redirectUri)
        let answer = try await authorize(started.authorizeUrl)
        guard let code = answer["code"], let state = answer["state"] else { throw ProbeError("no code in redirect: \(answer)") }
        return try await connect.complete(code: code, state: state)
    }

    static func query(of url: String) -> [String: String] {
        var fields: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }

    static func keys(_ value: JSONValue) -> Set<String> {
        Set(value.objectValue?.keys.map { $0 } ?? [])
    }

    /// Parsed JSON of a file in the state dir.
    func json(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw ProbeError("missing \(path)") }
        return try JSON5.parse(String(decoding: data, as: UTF8.self))
    }

    var logText: String { logs.withLock { $0.joined(separator: "\n") } }
}

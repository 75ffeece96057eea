import Foundation
import Logging
import TalonCore
import TalonTestSupport

@testable import TalonMCTL

/// `talon mctl serve` in-process on a free loopback port, over a throw-away GitOps repo with two tenants:
/// `labs` (owner alice, developer bob, room for OpenClaw) and `tiny` (owner alice, below the startup floor).
final class MCTLServeHarness: Sendable {
    static let jwtSecret = "harness-jwt-secret-0123456789abcdef"
    static let roomy = GitOpsFixture.TenantSpec(name: "labs", members: [.init("alice", "owner"), .init("bob", "developer")])
    static let tiny = GitOpsFixture.TenantSpec(
        name: "tiny", members: [.init("alice", "owner")],
        quotas: ["requests.cpu": "250m", "requests.memory": "512Mi", "limits.cpu": "1", "limits.memory": "2Gi"], allowInternetEgress: false)

    let repo: GitOpsFixture
    let stateDir: URL
    let port: Int
    let probe: HTTPProbe
    private let task: Task<Void, any Error>

    private init(repo: GitOpsFixture, stateDir: URL, port: Int, task: Task<Void, any Error>) {
        self.repo = repo
        self.stateDir = stateDir
        self.port = port
        self.probe = HTTPProbe(port: port)
        self.task = task
    }

    /// Starts the server; `environment` adds to (or overrides) the JWT secret, e.g. `VAULT_ADDR`, `VICTORIAMETRICS_URL`.
    static func start(
        tenants: [GitOpsFixture.TenantSpec] = [roomy, tiny], services: [String: String] = [:], environment extra: [String: String] = [:]
    ) async throws -> MCTLServeHarness {
        let repo = try GitOpsFixture.create(tenants: tenants, services: services)
        let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-mctl-\(UUID().uuidString)")
        var environment = ["MCTL_JWT_SECRET": jwtSecret]
        environment.merge(extra) { _, new in new }
        let options = MCTLServeOptions(
            gitopsRepo: repo.root.path, host: "127.0.0.1", port: 0, stateDir: stateDir.path, gitAuthor: "Talon Bot <bot@talon.test>")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.mctl")
        logger.logLevel = .critical
        let task = Task {
            defer { continuation.finish() }
            try await MCTLServe.run(options, environment: environment, logger: logger, handleSignals: false) { port in
                continuation.yield(port)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let error = await task.result
            repo.remove()
            throw GitOpsFixtureError("mctl serve did not start: \(error)")
        }
        return MCTLServeHarness(repo: repo, stateDir: stateDir, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        repo.remove()
        try? FileManager.default.removeItem(at: stateDir)
    }

    /// An HS256 MCTL token for `login` in `groups`, valid for an hour.
    static func token(_ login: String, groups: [String] = ["developers"], secret: String = jwtSecret) -> String {
        let now = Int(Date().timeIntervalSince1970)
        return TestJWT.hs256(
            claims: ["iss": "https://api.mctl.ai", "sub": login, "groups": groups, "iat": now, "exp": now + 3600], secret: secret)
    }

    /// A JSON request as `login` (nil: no Authorization header); the parsed body (`[:]` when it is not an object).
    func call(
        _ method: String, _ path: String, as login: String?, groups: [String] = ["developers"], json: [String: Any]? = nil
    ) async throws -> (status: Int, body: [String: Any], response: HTTPProbe.Response) {
        var headers: [String: String] = [:]
        if let login { headers["Authorization"] = "Bearer " + Self.token(login, groups: groups) }
        var body: Data?
        if let json {
            body = try JSONSerialization.data(withJSONObject: json)
            headers["Content-Type"] = "application/json"
        }
        let response = try await probe.request(method, path, headers: headers, body: body)
        let parsed = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return (response.status, parsed, response)
    }
}

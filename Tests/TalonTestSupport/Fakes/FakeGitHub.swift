import Foundation
import Hummingbird
import Synchronization
import TalonCore

/// A loopback GitHub REST API (the endpoints the PR tools use) over in-memory repositories, with
/// bearer-token auth, request inspection and scripted rate limits.
public final class FakeGitHub: Sendable {
    public let port: Int
    public let token: String
    private let state: FakeGitHubState
    private let task: Task<Void, Never>

    /// Use as `GITHUB_API_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, token: String, state: FakeGitHubState, task: Task<Void, Never>) {
        self.port = port
        self.token = token
        self.state = state
        self.task = task
    }

    public static func start(token: String = "ghp_fake_" + UUID().uuidString.lowercased()) async throws -> FakeGitHub {
        let state = FakeGitHubState(token: token)
        let router = Router()
        // The port is known only after binding; handlers read it for the URLs they render.
        let portBox = PortBox()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            state.handle(try await FakeServerBoot.record(request), baseURL: "http://127.0.0.1:\(portBox.port)")
        }
        router.get("**", use: handler)
        router.post("**", use: handler)
        router.put("**", use: handler)
        router.patch("**", use: handler)
        router.delete("**", use: handler)
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-github")
        portBox.set(port)
        return FakeGitHub(port: port, token: token, state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    // MARK: - Setup

    /// A repository with one commit on `defaultBranch` holding `files` (path → text).
    public func addRepo(_ fullName: String, defaultBranch: String = "main", files: [String: String] = [:]) {
        var repo = FakeGitHubRepo(fullName: fullName, defaultBranch: defaultBranch)
        let commit = FakeGitHubRepo.newCommitSha()
        repo.commits[commit] = files
        repo.branches[defaultBranch] = commit
        state.state.withLock { $0.repos[fullName.lowercased()] = repo }
    }

    /// The next `count` requests answer 403 with `x-ratelimit-remaining: 0` and a reset time.
    public func rateLimitNext(_ count: Int = 1, resetInSeconds: Int = 600) {
        let reset = Int(Date().timeIntervalSince1970) + resetInSeconds
        let headers = ["x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "\(reset)"]
        let answer = (403, headers, "API rate limit exceeded for user.")
        state.state.withLock { $0.scripted += Array(repeating: answer, count: count) }
    }

    /// The next `count` requests answer 403 with `Retry-After` (a secondary rate limit).
    public func retryAfterNext(_ count: Int = 1, seconds: Int) {
        let answer = (403, ["retry-after": "\(seconds)"], "You have exceeded a secondary rate limit.")
        state.state.withLock { $0.scripted += Array(repeating: answer, count: count) }
    }

    // MARK: - Inspection

    public func file(_ repo: String, branch: String, path: String) -> String? {
        state.state.withLock { $0.repos[repo.lowercased()]?.files(at: branch)?[path] }
    }

    public func branchHead(_ repo: String, branch: String) -> String? {
        state.state.withLock { $0.repos[repo.lowercased()]?.branches[branch] }
    }

    public func branches(_ repo: String) -> [String] {
        state.state.withLock { ($0.repos[repo.lowercased()]?.branches.keys).map { $0.sorted() } ?? [] }
    }

    public func pulls(_ repo: String) -> [FakePull] {
        state.state.withLock { $0.repos[repo.lowercased()]?.pulls ?? [] }
    }

    /// Every request, in order.
    public func requests() -> [FakeRequest] {
        state.state.withLock { $0.requests }
    }
}

private final class PortBox: Sendable {
    private let value = Mutex(0)
    var port: Int { value.withLock { $0 } }
    func set(_ port: Int) { value.withLock { $0 = port } }
}

import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TalonCore

/// A pull request on the fake GitHub.
public struct FakePull: Sendable, Hashable {
    public var number: Int
    public var title: String
    public var body: String
    public var head: String
    public var base: String
    public var draft: Bool
    public var state: String
}

/// In-memory repositories: branches point at commits, a commit is a full snapshot of the files.
struct FakeGitHubRepo {
    var fullName: String
    var defaultBranch: String
    var branches: [String: String] = [:]
    var commits: [String: [String: String]] = [:]
    var pulls: [FakePull] = []

    static func blobSha(_ content: String) -> String {
        String(HMACSHA256.hex(HMACSHA256.sha256(Array("blob \(content.utf8.count)\0\(content)".utf8))).prefix(40))
    }

    static func newCommitSha() -> String {
        String(HMACSHA256.hex(HMACSHA256.sha256(Array(UUID().uuidString.utf8))).prefix(40))
    }

    /// Files at a branch name or a commit SHA.
    func files(at ref: String) -> [String: String]? {
        if let head = branches[ref] { return commits[head] }
        return commits[ref]
    }

    func pullJSON(_ pull: FakePull, baseURL: String) -> JSONValue {
        let owner = String(fullName.split(separator: "/").first ?? "")
        return [
            "number": .number(Double(pull.number)), "title": .string(pull.title), "body": .string(pull.body),
            "state": .string(pull.state), "draft": .bool(pull.draft),
            "html_url": .string("https://github.com/\(fullName)/pull/\(pull.number)"),
            "url": .string("\(baseURL)/repos/\(fullName)/pulls/\(pull.number)"),
            "head": [
                "ref": .string(pull.head), "sha": .string(branches[pull.head] ?? ""), "label": .string("\(owner):\(pull.head)"),
            ],
            "base": ["ref": .string(pull.base), "sha": .string(branches[pull.base] ?? "")],
        ]
    }
}

final class FakeGitHubState: Sendable {
    struct State {
        var token: String
        var repos: [String: FakeGitHubRepo] = [:]
        var requests: [FakeRequest] = []
        /// Scripted answers consumed by the next requests: (status, headers, message).
        var scripted: [(Int, [String: String], String)] = []
    }

    let state: Mutex<State>

    init(token: String) {
        state = Mutex(State(token: token))
    }

    static func message(_ status: Int, _ message: String, headers: [String: String] = [:]) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        return FakeServerBoot.json(
            .init(code: status), ["message": .string(message), "documentation_url": "https://docs.github.com/rest"], headers: fields)
    }

    func handle(_ request: FakeRequest, baseURL: String) -> Response {
        state.withLock { state in
            state.requests.append(request)
            let auth = request.header("authorization") ?? ""
            guard auth == "Bearer \(state.token)" || auth == "token \(state.token)" else { return Self.message(401, "Bad credentials") }
            if !state.scripted.isEmpty {
                let (status, headers, message) = state.scripted.removeFirst()
                return Self.message(status, message, headers: headers)
            }
            let parts = request.path.split(separator: "/").map(String.init)
            guard parts.count >= 3, parts[0] == "repos", var repo = state.repos[(parts[1] + "/" + parts[2]).lowercased()] else {
                return Self.message(404, "Not Found")
            }
            let answer = FakeGitHubRoutes(request: request, rest: Array(parts.dropFirst(3)), baseURL: baseURL).answer(&repo)
            state.repos[repo.fullName.lowercased()] = repo
            return answer
        }
    }
}

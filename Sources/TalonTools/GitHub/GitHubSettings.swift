import Foundation

/// What the GitHub tools may do, from the environment: `GITHUB_TOKEN`, `GITHUB_API_URL` (GitHub
/// Enterprise, tests; default https://api.github.com) and `OPENCLAW_GITHUB_ALLOWED_REPOS` (comma list
/// of `owner/name`, case-insensitive). No allowlist means no repository: the safe default.
public struct GitHubSettings: Sendable {
    public var token: String?
    public var apiBaseURL: String
    /// Lowercased `owner/name` entries.
    public var allowedRepos: Set<String>
    public var timeoutSeconds: Double

    public init(token: String?, apiBaseURL: String = "https://api.github.com", allowedRepos: [String], timeoutSeconds: Double = 30) {
        self.token = token.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        var base = apiBaseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base.isEmpty ? "https://api.github.com" : base
        self.allowedRepos = Set(allowedRepos.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        self.timeoutSeconds = max(1, timeoutSeconds)
    }

    public init(environment: [String: String]) {
        self.init(
            token: environment["GITHUB_TOKEN"], apiBaseURL: environment["GITHUB_API_URL"] ?? "https://api.github.com",
            allowedRepos: (environment["OPENCLAW_GITHUB_ALLOWED_REPOS"] ?? "").split(separator: ",").map(String.init))
    }

    /// Checks a `repo` argument before any HTTP call; returns it as given (trimmed).
    func checkedRepo(_ value: String?) throws(GitHubError) -> String {
        guard let repo = value?.trimmingCharacters(in: .whitespaces), !repo.isEmpty else {
            throw GitHubError("'repo' (owner/name) is required")
        }
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.allSatisfy(allowed.contains) }) else {
            throw GitHubError("'repo' must look like owner/name, got \"\(repo)\"")
        }
        guard !allowedRepos.isEmpty else {
            throw GitHubError(
                "OPENCLAW_GITHUB_ALLOWED_REPOS is not set, so GitHub access is refused for every repository "
                    + "(an operator must list the allowed owner/name repositories)")
        }
        guard allowedRepos.contains(repo.lowercased()) else {
            throw GitHubError(
                "repository \(repo) is not in OPENCLAW_GITHUB_ALLOWED_REPOS (\(allowedRepos.sorted().joined(separator: ", "))); refused")
        }
        guard token != nil else {
            throw GitHubError("GITHUB_TOKEN is not set on this gateway: the GitHub tools cannot be used (report needs_human instead)")
        }
        return repo
    }
}

/// A refusal or failure of a GitHub tool, shown to the model as an error result.
struct GitHubError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

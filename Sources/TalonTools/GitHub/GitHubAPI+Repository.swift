import Foundation
import TalonCore

/// The repository operations the tools are made of.
extension GitHubAPI {
    /// `GET /repos/{repo}` → `default_branch`.
    func defaultBranch(_ repo: String) async throws -> String {
        let answer = try await call(.GET, Self.repoPath(repo))
        guard let branch = answer.json["default_branch"]?.stringValue, !branch.isEmpty else {
            throw GitHubError("GitHub did not report a default branch for \(repo)")
        }
        return branch
    }

    /// `GET /repos/{repo}/git/ref/heads/{branch}` → head commit SHA, nil when the branch does not exist.
    func branchHead(_ repo: String, _ branch: String) async throws -> String? {
        let answer = try await call(.GET, Self.repoPath(repo) + "/git/ref/heads/" + Self.encodePath(branch), accept: [200, 404])
        guard answer.status == 200 else { return nil }
        // A prefix match answers with a list: that is not this branch.
        guard let sha = answer.json["object"]?["sha"]?.stringValue else { return nil }
        return sha
    }

    /// `POST /repos/{repo}/git/refs` for `refs/heads/{branch}` at `sha`. A concurrent creation (422
    /// "Reference already exists") is fine: the branch is there.
    func createBranch(_ repo: String, _ branch: String, at sha: String) async throws {
        let answer = try await call(
            .POST, Self.repoPath(repo) + "/git/refs", body: ["ref": .string("refs/heads/" + branch), "sha": .string(sha)],
            accept: [201, 422])
        if answer.status == 422, !(answer.json["message"]?.stringValue ?? "").lowercased().contains("already exists") {
            throw GitHubError("GitHub refused to create branch \(branch): \(answer.json["message"]?.stringValue ?? "HTTP 422")")
        }
    }

    struct FileContent: Sendable {
        var sha: String
        var text: String?
        var size: Int
    }

    /// `GET /repos/{repo}/contents/{path}?ref=` → the file (text nil when not UTF-8), nil when absent.
    func file(_ repo: String, _ path: String, ref: String?) async throws -> FileContent? {
        var url = Self.repoPath(repo) + "/contents/" + Self.encodePath(path)
        if let ref { url += "?ref=" + Self.encodeQuery(ref) }
        let answer = try await call(.GET, url, accept: [200, 404])
        guard answer.status == 200 else { return nil }
        guard answer.json["type"]?.stringValue == "file", let sha = answer.json["sha"]?.stringValue else {
            throw GitHubError("\(path) in \(repo) is not a file (a directory or submodule?)")
        }
        let encoded = answer.json["content"]?.stringValue ?? ""
        let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
        let text = data.flatMap { String(data: $0, encoding: .utf8) }
        return FileContent(sha: sha, text: text, size: answer.json["size"]?.intValue ?? data?.count ?? 0)
    }

    /// The open pull request whose head is `owner:branch` (and base `base`, when given).
    func openPull(_ repo: String, branch: String, base: String?) async throws -> JSONValue? {
        let owner = String(repo.split(separator: "/").first ?? "")
        var url = Self.repoPath(repo) + "/pulls?state=open&head=" + Self.encodeQuery(owner + ":" + branch)
        if let base { url += "&base=" + Self.encodeQuery(base) }
        let answer = try await call(.GET, url)
        return answer.json.arrayValue?.first
    }

    /// The fields the model needs from a pull request object.
    static func pullSummary(_ pull: JSONValue, repo: String) -> [String: JSONValue] {
        var summary: [String: JSONValue] = ["repo": .string(repo)]
        summary["pr_number"] = pull["number"] ?? .null
        summary["pr_url"] = pull["html_url"] ?? .null
        summary["commit_sha"] = pull["head"]?["sha"] ?? .null
        summary["branch"] = pull["head"]?["ref"] ?? .null
        summary["base"] = pull["base"]?["ref"] ?? .null
        summary["state"] = pull["state"] ?? .null
        summary["draft"] = pull["draft"] ?? .bool(false)
        summary["title"] = pull["title"] ?? .null
        return summary
    }
}

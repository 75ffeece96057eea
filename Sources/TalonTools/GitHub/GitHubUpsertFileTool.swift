import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonModels

/// `github_upsert_file {repo, branch, path, content, commitMessage, base?}`: commits one file to a
/// work branch, creating the branch from `base` (default: the repository's default branch) first.
/// Writing straight to the base or default branch is refused: changes go through a pull request.
public struct GitHubUpsertFileTool: AgentTool {
    let api: GitHubAPI

    public init(settings: GitHubSettings, logger: Logger) {
        api = GitHubAPI(settings: settings, logger: logger)
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "github_upsert_file",
            description: """
                Create or replace one file on a work branch of an allowed GitHub repository (one commit). The branch is created \
                from base (default: the repository's default branch) when missing. content is the complete new file text.
                """,
            parameters: [
                "type": "object",
                "properties": [
                    "repo": ["type": "string", "description": "owner/name"],
                    "branch": ["type": "string", "description": "Work branch, e.g. openclaw/ticket-<id>."],
                    "path": ["type": "string", "description": "File path inside the repository."],
                    "content": ["type": "string", "description": "The complete new file content."],
                    "commitMessage": ["type": "string", "description": "Commit message."],
                    "base": ["type": "string", "description": "Branch to start from (default: the default branch)."],
                ],
                "required": ["repo", "branch", "path", "content", "commitMessage"],
            ])
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        try await api.runTool {
            let args = GitHubArguments(arguments)
            let repo = try api.settings.checkedRepo(args.string("repo"))
            let branch = try args.branch("branch")!
            let path = try args.path("path")
            let content = try args.content("content")
            let message = try args.required("commitMessage")
            let defaultBranch = try await api.defaultBranch(repo)
            let base = try args.branch("base", required: false) ?? defaultBranch
            guard branch != base, branch != defaultBranch else {
                throw GitHubError("refusing to commit to \(branch) directly: use a work branch and open a pull request")
            }
            var createdBranch = false
            var head = try await api.branchHead(repo, branch)
            if head == nil {
                guard let baseSha = try await api.branchHead(repo, base) else {
                    throw GitHubError("base branch \(base) does not exist in \(repo)")
                }
                try await api.createBranch(repo, branch, at: baseSha)
                createdBranch = true
                head = baseSha
            }
            let existing = try await api.file(repo, path, ref: branch)
            var result: [String: JSONValue] = [
                "repo": .string(repo), "branch": .string(branch), "path": .string(path), "base": .string(base),
                "created_branch": .bool(createdBranch), "updated_existing_file": .bool(existing != nil),
            ]
            if let existing, existing.text == content {
                // Nothing to commit (a repeated call): report the branch as it is.
                result["unchanged"] = true
                result["content_sha"] = .string(existing.sha)
                result["commit_sha"] = head.map(JSONValue.string) ?? .null
                return .object(result)
            }
            var body: [String: JSONValue] = [
                "message": .string(message), "content": .string(Data(content.utf8).base64EncodedString()), "branch": .string(branch),
            ]
            if let existing { body["sha"] = .string(existing.sha) }
            let answer = try await api.call(.PUT, GitHubAPI.repoPath(repo) + "/contents/" + GitHubAPI.encodePath(path), body: .object(body))
            result["unchanged"] = false
            result["content_sha"] = answer.json["content"]?["sha"] ?? .null
            result["commit_sha"] = answer.json["commit"]?["sha"] ?? .null
            return .object(result)
        }
    }
}

import Logging
import TalonAgent
import TalonCore
import TalonModels

/// `github_open_pull_request {repo, branch, title, body, base?, draft?}`: reuses the open PR from
/// `branch` when there is one (so a repeated call does not open a second), else opens one.
public struct GitHubOpenPullRequestTool: AgentTool {
    let api: GitHubAPI

    public init(settings: GitHubSettings, logger: Logger) {
        api = GitHubAPI(settings: settings, logger: logger)
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "github_open_pull_request",
            description: """
                Open a pull request from a work branch of an allowed GitHub repository, or return the one already open for that \
                branch. Returns pr_number, pr_url and commit_sha (the head commit).
                """,
            parameters: [
                "type": "object",
                "properties": [
                    "repo": ["type": "string", "description": "owner/name"],
                    "branch": ["type": "string", "description": "Head branch with the change."],
                    "title": ["type": "string", "description": "Pull request title."],
                    "body": ["type": "string", "description": "Pull request description."],
                    "base": ["type": "string", "description": "Target branch (default: the default branch)."],
                    "draft": ["type": "boolean", "description": "Open as a draft."],
                ],
                "required": ["repo", "branch", "title", "body"],
            ])
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        try await api.runTool {
            let args = GitHubArguments(arguments)
            let repo = try api.settings.checkedRepo(args.string("repo"))
            let branch = try args.branch("branch")!
            let title = try args.required("title")
            let body = args.json["body"]?.stringValue ?? ""
            let givenBase = try args.branch("base", required: false)
            if let pull = try await api.openPull(repo, branch: branch, base: givenBase) {
                var summary = GitHubAPI.pullSummary(pull, repo: repo)
                summary["reused"] = true
                return .object(summary)
            }
            let base: String
            if let givenBase { base = givenBase } else { base = try await api.defaultBranch(repo) }
            let request: JSONValue = [
                "title": .string(title), "head": .string(branch), "base": .string(base), "body": .string(body),
                "draft": .bool(args.bool("draft") ?? false),
            ]
            let answer = try await api.call(.POST, GitHubAPI.repoPath(repo) + "/pulls", body: request)
            var summary = GitHubAPI.pullSummary(answer.json, repo: repo)
            summary["reused"] = false
            return .object(summary)
        }
    }
}

import Logging
import TalonAgent
import TalonCore
import TalonModels

/// `github_find_open_pull_request {repo, branch, base?}`: the open PR from `branch`, if any.
public struct GitHubFindPullRequestTool: AgentTool {
    let api: GitHubAPI

    public init(settings: GitHubSettings, logger: Logger) {
        api = GitHubAPI(settings: settings, logger: logger)
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "github_find_open_pull_request",
            description: "Find the open pull request whose head is the given branch of an allowed GitHub repository.",
            parameters: [
                "type": "object",
                "properties": [
                    "repo": ["type": "string", "description": "owner/name"],
                    "branch": ["type": "string", "description": "Head branch of the pull request."],
                    "base": ["type": "string", "description": "Optional base branch filter."],
                ],
                "required": ["repo", "branch"],
            ])
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        try await api.runTool {
            let args = GitHubArguments(arguments)
            let repo = try api.settings.checkedRepo(args.string("repo"))
            let branch = try args.branch("branch")!
            let base = try args.branch("base", required: false)
            guard let pull = try await api.openPull(repo, branch: branch, base: base) else {
                return ["found": false, "repo": .string(repo), "branch": .string(branch)]
            }
            var summary = GitHubAPI.pullSummary(pull, repo: repo)
            summary["found"] = true
            return .object(summary)
        }
    }
}

/// `github_get_file {repo, path, ref?}`: a text file's content and blob SHA.
public struct GitHubGetFileTool: AgentTool {
    let api: GitHubAPI
    /// Characters of content returned to the model.
    static let maxChars = 200_000

    public init(settings: GitHubSettings, logger: Logger) {
        api = GitHubAPI(settings: settings, logger: logger)
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "github_get_file",
            description:
                "Read a text file from an allowed GitHub repository (default branch unless ref is given). Returns content and sha.",
            parameters: [
                "type": "object",
                "properties": [
                    "repo": ["type": "string", "description": "owner/name"],
                    "path": ["type": "string", "description": "File path inside the repository."],
                    "ref": ["type": "string", "description": "Optional branch, tag or commit SHA."],
                ],
                "required": ["repo", "path"],
            ])
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        try await api.runTool {
            let args = GitHubArguments(arguments)
            let repo = try api.settings.checkedRepo(args.string("repo"))
            let path = try args.path("path")
            let ref = args.string("ref")
            guard let file = try await api.file(repo, path, ref: ref) else {
                throw GitHubError("\(path) does not exist in \(repo)" + (ref.map { " at \($0)" } ?? ""))
            }
            guard var text = file.text else { throw GitHubError("\(path) in \(repo) is not UTF-8 text (\(file.size) bytes)") }
            var result: [String: JSONValue] = [
                "repo": .string(repo), "path": .string(path), "sha": .string(file.sha), "size": .number(Double(file.size)),
            ]
            if let ref { result["ref"] = .string(ref) }
            if text.count > Self.maxChars {
                text = String(text.prefix(Self.maxChars))
                result["truncated"] = true
            }
            result["content"] = .string(text)
            return .object(result)
        }
    }
}

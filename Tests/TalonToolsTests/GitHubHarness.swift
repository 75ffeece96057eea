import Foundation
import TalonAgent
import TalonCore
import TalonTestSupport
import TalonTools
import Testing

/// The GitHub tools pointed at a loopback fake GitHub holding `mctlhq/mctl-gitops`.
struct GitHubHarness {
    static let repo = "mctlhq/mctl-gitops"
    static let valuesPath = "platform-gitops/services/admins/api/values.yaml"
    static let valuesText = "replicas: 2\nresources:\n  limits:\n    memory: 256Mi\n"

    let fake: FakeGitHub
    let environment: [String: String]
    let context = ToolContext(
        runId: "run-1", sessionKey: "agent:main:hook:mctl-agent:T-1", sessionId: "s", agentId: "main", workspace: "/tmp")

    static func make(environment overrides: [String: String?] = [:]) async throws -> GitHubHarness {
        let fake = try await FakeGitHub.start()
        fake.addRepo(repo, defaultBranch: "main", files: [valuesPath: valuesText, "README.md": "# gitops\n"])
        var environment = [
            "GITHUB_TOKEN": fake.token, "GITHUB_API_URL": fake.baseURL + "/",
            "OPENCLAW_GITHUB_ALLOWED_REPOS": "MctlHQ/mctl-gitops, other/repo",
        ]
        for (key, value) in overrides { environment[key] = value }
        return GitHubHarness(fake: fake, environment: environment)
    }

    var settings: GitHubSettings { GitHubSettings(environment: environment) }

    /// Runs a tool by name and checks the token never shows up in what the model sees.
    func call(_ name: String, _ arguments: JSONValue) async throws -> ToolOutput {
        let tools: [any AgentTool] = [
            GitHubFindPullRequestTool(settings: settings, logger: IncidentHarness.quietLogger),
            GitHubGetFileTool(settings: settings, logger: IncidentHarness.quietLogger),
            GitHubUpsertFileTool(settings: settings, logger: IncidentHarness.quietLogger),
            GitHubOpenPullRequestTool(settings: settings, logger: IncidentHarness.quietLogger),
        ]
        let tool = try #require(tools.first { $0.spec.name == name })
        let output = try await tool.invoke(arguments: arguments, context: context)
        #expect(!output.text.contains(fake.token), "GitHub token leaked into a tool result")
        return output
    }

    func upsert(_ content: String, branch: String = "openclaw/ticket-T-1", base: String? = nil) async throws -> ToolOutput {
        var arguments: [String: JSONValue] = [
            "repo": .string(Self.repo), "branch": .string(branch), "path": .string(Self.valuesPath), "content": .string(content),
            "commitMessage": "fix(api): raise memory limit",
        ]
        if let base { arguments["base"] = .string(base) }
        return try await call("github_upsert_file", .object(arguments))
    }

    func openPull(branch: String = "openclaw/ticket-T-1") async throws -> ToolOutput {
        try await call(
            "github_open_pull_request",
            ["repo": .string(Self.repo), "branch": .string(branch), "title": "fix(api): raise memory limit", "body": "Ticket T-1"])
    }

    func requests(_ method: String, _ pathSuffix: String) -> [FakeRequest] {
        fake.requests().filter { $0.method == method && $0.path.hasSuffix(pathSuffix) }
    }
}

import Logging
import TalonAgent
import TalonCore
import TalonStore

/// The tools Talon ships with. Pass `all(config:store:environment:logger:)` to `AgentRuntime(tools:)`;
/// `tools.allow` / `tools.deny` decide which ones the model sees.
public enum BuiltinTools {
    /// Every built-in: the general tools, `mctl_agent_external` (incident ledger in `store`, callback
    /// limits from `hooks`) and the GitHub PR tools (`GITHUB_TOKEN`, `GITHUB_API_URL`,
    /// `OPENCLAW_GITHUB_ALLOWED_REPOS` from `environment`; listed even without a token, they then refuse).
    public static func all(config: TalonConfig, store: any Store, environment: [String: String], logger: Logger) -> [any AgentTool] {
        let github = GitHubSettings(environment: environment)
        return all(config: config, logger: logger) + [
            MCTLAgentExternalTool(
                ledger: IncidentLedger(store: store), settings: MCTLCallbackSettings(hooks: config.hooks), logger: logger),
            GitHubFindPullRequestTool(settings: github, logger: logger),
            GitHubGetFileTool(settings: github, logger: logger),
            GitHubUpsertFileTool(settings: github, logger: logger),
            GitHubOpenPullRequestTool(settings: github, logger: logger),
        ]
    }

    /// Only the tools that need neither the store nor the environment (kept for callers and tests
    /// that run without the incident integration).
    public static func all(config: TalonConfig, logger: Logger) -> [any AgentTool] {
        [
            SessionStatusTool(),
            SkillReadTool(),
            WebFetchTool(settings: WebFetchSettings(tools: config.tools), logger: logger),
        ]
    }
}

import Logging
import TalonAgent
import TalonCore

/// The tools Talon ships with. Pass `all(config:logger:)` to `AgentRuntime(tools:)`;
/// `tools.allow` / `tools.deny` decide which ones the model sees.
public enum BuiltinTools {
    public static func all(config: TalonConfig, logger: Logger) -> [any AgentTool] {
        [
            SessionStatusTool(),
            SkillReadTool(),
            WebFetchTool(settings: WebFetchSettings(tools: config.tools), logger: logger),
        ]
    }
}

/// Where Talon keeps its state and finds its config, with upstream's precedence:
/// state dir `--state-dir` → `OPENCLAW_STATE_DIR` → `~/.openclaw`;
/// config `--config` → `OPENCLAW_CONFIG_PATH` → `<stateDir>/openclaw.json`.
public struct StatePaths: Sendable, Equatable {
    public var stateDir: String
    public var configPath: String

    public init(stateDir: String, configPath: String) {
        self.stateDir = stateDir
        self.configPath = configPath
    }

    public static func resolve(stateDirFlag: String?, configFlag: String?, environment: [String: String]) -> StatePaths {
        func clean(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            return FileSystem.absolute(FileSystem.expandTilde(value, environment: environment))
        }
        let stateDir =
            clean(stateDirFlag) ?? clean(environment["OPENCLAW_STATE_DIR"])
            ?? FileSystem.homeDirectory(environment: environment) + "/.openclaw"
        let configPath = clean(configFlag) ?? clean(environment["OPENCLAW_CONFIG_PATH"]) ?? stateDir + "/openclaw.json"
        return StatePaths(stateDir: stateDir, configPath: configPath)
    }
}

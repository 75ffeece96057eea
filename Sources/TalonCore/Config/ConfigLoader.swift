/// A config as loaded, with what the loader noticed along the way.
public struct LoadedConfig: Sendable {
    public var path: String
    /// false: there was no file and the defaults were used.
    public var fileExists: Bool
    public var config: TalonConfig
    /// Non-fatal notes, e.g. `browser: section ignored by Talon`.
    public var warnings: [String]
    /// The document after `$include` and `${VAR}` substitution, before defaults.
    public var raw: JSONValue

    public init(path: String, fileExists: Bool, config: TalonConfig, warnings: [String], raw: JSONValue) {
        self.path = path
        self.fileExists = fileExists
        self.config = config
        self.warnings = warnings
        self.raw = raw
    }
}

/// Reads `openclaw.json`: JSON5 → `$include` → `env.vars` → `${VAR}` → strict validation → typed values.
public enum ConfigLoader {
    /// Upper bound for the root file; a config this large is a mistake, not a config.
    static let maxFileBytes = 16 * 1024 * 1024

    /// A missing file gives the defaults (`fileExists` false). An unreadable file, bad JSON5, a bad include,
    /// a missing environment variable or invalid values throw a `ConfigError` listing every problem.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> LoadedConfig {
        let absolute = ConfigFiles.absolute(path)
        guard ConfigFiles.exists(absolute) else {
            return LoadedConfig(path: path, fileExists: false, config: .defaults, warnings: [], raw: .object([:]))
        }
        switch ConfigFiles.readText(absolute, maxBytes: maxFileBytes) {
        case .success(let text):
            return try parse(text: text, path: path, environment: environment)
        case .failure(let error):
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", message: "cannot read config file: \(error)")])
        }
    }

    /// Same as `load`, from text; `path` names the file, and its directory is the root for `$include`.
    public static func parse(text: String, path: String, environment: [String: String]) throws(ConfigError) -> LoadedConfig {
        func fail(_ issues: [ConfigIssue]) -> ConfigError {
            ConfigError(file: path, issues: issues.sorted { ($0.path, $0.message) < ($1.path, $1.message) })
        }
        let document: JSONValue
        do {
            document = try JSON5.parse(text)
        } catch {
            throw fail([ConfigIssue(path: "", message: error.description)])
        }
        guard document.objectValue != nil else {
            throw fail([ConfigIssue(path: "", message: "expected an object at the top level, got \(document.typeName)")])
        }

        let absolute = ConfigFiles.absolute(path)
        var includes = IncludeResolver(rootFile: absolute)
        let included = includes.resolve(document, rootFile: absolute)
        guard includes.issues.isEmpty else { throw fail(includes.issues) }

        var issues: [ConfigIssue] = []
        let effectiveEnvironment = EnvSubstitution.effectiveEnvironment(environment, config: included)
        let raw = EnvSubstitution.substitute(included, environment: effectiveEnvironment, issues: &issues)

        let (schemaIssues, warnings) = ConfigValidation.validate(raw)
        issues += schemaIssues
        var context = ConfigDecodeContext(environment: effectiveEnvironment)
        let config = TalonConfig.decode(raw, context: &context)
        issues += context.issues
        guard issues.isEmpty else { throw fail(issues) }
        return LoadedConfig(
            path: path, fileExists: true, config: config, warnings: (warnings + context.warnings).sorted(), raw: raw)
    }
}

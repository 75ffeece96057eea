/// State shared while turning a validated raw config into typed values: the environment (for SecretRefs)
/// and the issues and warnings found by cross-field checks.
struct ConfigDecodeContext {
    var environment: [String: String]
    var issues: [ConfigIssue] = []
    var warnings: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    mutating func report(_ path: ConfigPath, _ message: String, hint: String? = nil) {
        issues.append(ConfigIssue(path: path.text, message: message, hint: hint))
    }

    /// A credential given as a string or as a SecretRef. Env refs resolve here; file/exec/store refs are
    /// not supported by Talon yet and are left unset with a warning, so the rest of the config still loads.
    mutating func secret(_ value: JSONValue?, at path: ConfigPath) -> String? {
        switch value {
        case .string(let text):
            return text.isEmpty ? nil : text
        case .object(let reference):
            guard let source = reference["source"]?.stringValue, let id = reference["id"]?.stringValue else { return nil }
            guard source == "env" else {
                warnings.append("\(path): SecretRef source \"\(source)\" is not supported by Talon; value left unset")
                return nil
            }
            guard let resolved = environment[id], !resolved.isEmpty else {
                report(path, "missing environment variable \(id)")
                return nil
            }
            return resolved
        default:
            return nil
        }
    }

    /// A non-empty string member, trimmed.
    func string(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmingSpaces, !text.isEmpty else { return nil }
        return text
    }
}

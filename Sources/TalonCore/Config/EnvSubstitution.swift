/// `${VAR}` substitution in string values (never keys), as upstream's `env-substitution.ts`:
/// only `[A-Z_][A-Z0-9_]*` names are recognised (so `${foo}` stays literal), `$${VAR}` is an escape
/// for a literal `${VAR}`, and an unset or empty variable is an error at that value's JSON path.
enum EnvSubstitution {
    static func substitute(_ value: JSONValue, environment: [String: String], issues: inout [ConfigIssue]) -> JSONValue {
        substitute(value, path: .root, environment: environment, issues: &issues)
    }

    private static func substitute(
        _ value: JSONValue, path: ConfigPath, environment: [String: String], issues: inout [ConfigIssue]
    ) -> JSONValue {
        switch value {
        case .string(let text):
            var missing: [String] = []
            let result = substitute(in: text, environment: environment, missing: &missing)
            for name in missing {
                issues.append(ConfigIssue(path: path.text, message: "missing environment variable \(name)"))
            }
            return .string(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for (offset, element) in elements.enumerated() {
                result.append(substitute(element, path: path.index(offset), environment: environment, issues: &issues))
            }
            return .array(result)
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                result[key] = substitute(member, path: path.key(key), environment: environment, issues: &issues)
            }
            return .object(result)
        default:
            return value
        }
    }

    /// Substitutes one string; names of unset variables go to `missing` (once each) and stay literal.
    static func substitute(in text: String, environment: [String: String], missing: inout [String]) -> String {
        guard text.contains("$") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$" else {
                output.append(scalar)
                index += 1
                continue
            }
            // `$${NAME}` → literal `${NAME}`.
            if index + 2 < scalars.count, scalars[index + 1] == "$", scalars[index + 2] == "{",
                let (name, end) = reference(in: scalars, openBrace: index + 2)
            {
                output.append(contentsOf: "${\(name)}".unicodeScalars)
                index = end + 1
                continue
            }
            if index + 1 < scalars.count, scalars[index + 1] == "{", let (name, end) = reference(in: scalars, openBrace: index + 1) {
                if let replacement = environment[name], !replacement.isEmpty {
                    output.append(contentsOf: replacement.unicodeScalars)
                } else {
                    if !missing.contains(name) { missing.append(name) }
                    output.append(contentsOf: "${\(name)}".unicodeScalars)
                }
                index = end + 1
                continue
            }
            output.append(scalar)
            index += 1
        }
        return String(output)
    }

    /// The variable name between `{` at `openBrace` and the next `}`, if it is a valid uppercase name.
    private static func reference(in scalars: [Unicode.Scalar], openBrace: Int) -> (String, Int)? {
        guard let close = scalars[(openBrace + 1)...].firstIndex(of: "}") else { return nil }
        let name = String(String.UnicodeScalarView(scalars[(openBrace + 1)..<close]))
        return isVariableName(name) ? (name, close) : nil
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Variables a config supplies for itself: `env.vars.NAME` and upstream's shorthand `env.NAME`
    /// (string members other than `shellEnv` / `vars`). They fill gaps only; the process environment wins.
    static func effectiveEnvironment(_ environment: [String: String], config: JSONValue) -> [String: String] {
        guard let env = config["env"]?.objectValue else { return environment }
        var supplied: [String: String] = [:]
        for (key, value) in env["vars"]?.objectValue ?? [:] {
            if let text = value.stringValue, !text.isEmpty { supplied[key] = text }
        }
        for (key, value) in env where key != "vars" && key != "shellEnv" {
            if let text = value.stringValue, !text.trimmingSpaces.isEmpty { supplied[key] = text }
        }
        var result = environment
        for (key, value) in supplied where (result[key] ?? "").isEmpty {
            result[key] = value
        }
        return result
    }
}

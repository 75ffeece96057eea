import Foundation
import Yams

/// Applies a resource profile to a base-service `values.yaml`, the equivalent of the platform's
/// yq `config_patch` (§2.6). Edits the YAML node tree so every other key survives (comments do not:
/// Yams drops them on re-serialization).
enum ServiceValuesPatch {
    /// The patched text, or nil when the file already carries exactly this profile (no commit).
    static func apply(_ profile: ResourceProfile, toValuesYAML text: String, file: String = "values.yaml") throws(GitOpsYAMLError)
        -> String?
    {
        var root = try GitOpsYAML.parseDocument(text, file: file)
        guard root.mapping != nil else {
            throw GitOpsYAMLError(file: file, reason: "top level is not a mapping")
        }
        var changed = false
        let settings: [([String], String)] = [
            (["resources", "requests", "cpu"], profile.requests.cpu),
            (["resources", "requests", "memory"], profile.requests.memory),
            (["resources", "limits", "cpu"], profile.limits.cpu),
            (["resources", "limits", "memory"], profile.limits.memory),
        ]
        for (path, value) in settings where GitOpsYAML.value(in: root, at: path)?.scalar?.string != value {
            root = GitOpsYAML.setting(GitOpsYAML.string(value), at: path[...], in: root)
            changed = true
        }
        if let nodeOptions = profile.nodeOptions {
            let (env, envChanged) = try settingNodeOptions(nodeOptions, in: GitOpsYAML.value(in: root, at: ["env"]), file: file)
            if envChanged {
                root = GitOpsYAML.setting(env, at: ["env"], in: root)
                changed = true
            }
        }
        guard changed else { return nil }
        do {
            return try GitOpsYAML.render(root)
        } catch {
            throw GitOpsYAMLError(file: file, reason: "cannot serialize: \(error)")
        }
    }

    /// `env` is a map in the base-service chart; a Kubernetes-style `[{name, value}]` list is
    /// tolerated too, so hand-edited files are not clobbered.
    private static func settingNodeOptions(_ value: String, in env: Node?, file: String) throws(GitOpsYAMLError) -> (Node, Bool) {
        if var list = env?.sequence {
            for (index, item) in list.enumerated() where item.mapping?["name"]?.scalar?.string == "NODE_OPTIONS" {
                if item.mapping?["value"]?.scalar?.string == value { return (.sequence(list), false) }
                list[index] = GitOpsYAML.setting(GitOpsYAML.string(value), at: ["value"], in: item)
                return (.sequence(list), true)
            }
            list.append(GitOpsYAML.map([("name", GitOpsYAML.string("NODE_OPTIONS")), ("value", GitOpsYAML.string(value))]))
            return (.sequence(list), true)
        }
        var env = env
        if let text = env?.scalar?.string, ["", "~", "null"].contains(text) { env = nil }
        if let existing = env, existing.mapping == nil {
            throw GitOpsYAMLError(file: file, reason: "`env` is neither a map nor a list")
        }
        if let env, env.mapping?["NODE_OPTIONS"]?.scalar?.string == value { return (env, false) }
        return (GitOpsYAML.setting(GitOpsYAML.string(value), at: ["NODE_OPTIONS"], in: env), true)
    }
}

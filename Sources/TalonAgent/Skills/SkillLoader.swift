import Foundation
import Logging
import TalonCore
import Yams

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small POSIX helpers for skill files (symlink resolution keeps reads inside skill dirs).
public enum SkillFiles {
    /// Larger `SKILL.md` files are ignored: they are untrusted and go into prompts.
    public static let maxSkillFileBytes = 256 * 1024

    static func canExecute(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// The canonical absolute path (symlinks resolved), nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` (already canonical) is `directory` or inside it.
    public static func isInside(_ path: String, directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// Reads a UTF-8 file of at most `maxBytes`; nil when missing, unreadable or too large.
    public static func readText(_ path: String, maxBytes: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxBytes + 1), data.count <= maxBytes else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Loads `SKILL.md` files from `<dir>/*/SKILL.md`; earlier roots win on name clashes.
enum SkillLoader {
    static let maxSkillsPerRoot = 200

    static func load(roots: [String], environment: [String: String], logger: Logger) -> [Skill] {
        var byName: [String: Skill] = [:]
        var order: [String] = []
        for root in roots {
            guard FileSystem.isDirectory(root), let children = try? FileManager.default.contentsOfDirectory(atPath: root) else { continue }
            for child in children.sorted().prefix(maxSkillsPerRoot) where !child.hasPrefix(".") {
                guard let skill = loadSkill(dir: root + "/" + child, logger: logger) else { continue }
                let key = skill.name.lowercased()
                guard byName[key] == nil else { continue }
                if let reason = skill.ineligibility(environment: environment) {
                    logger.debug("skill left out", metadata: ["skill": "\(skill.name)", "reason": "\(reason)"])
                    // An ineligible skill still shadows lower-precedence ones of the same name.
                    byName[key] = skill
                    continue
                }
                byName[key] = skill
                order.append(key)
            }
        }
        return order.compactMap { byName[$0] }
    }

    static func loadSkill(dir: String, logger: Logger) -> Skill? {
        guard let baseDir = SkillFiles.realPath(dir), FileSystem.isDirectory(baseDir) else { return nil }
        let file = baseDir + "/SKILL.md"
        guard let real = SkillFiles.realPath(file), SkillFiles.isInside(real, directory: baseDir),
            let text = SkillFiles.readText(real, maxBytes: SkillFiles.maxSkillFileBytes)
        else { return nil }
        guard let frontMatter = SkillFrontMatter.parse(text) else {
            logger.debug("skill without valid front matter", metadata: ["path": "\(file)"])
            return nil
        }
        let name = frontMatter["name"]?.stringValue?.trimmedText ?? ""
        let description = frontMatter["description"]?.stringValue?.trimmedText ?? ""
        guard !name.isEmpty, !description.isEmpty else {
            logger.debug("skill without name or description", metadata: ["path": "\(file)"])
            return nil
        }
        let requires = SkillFrontMatter.requires(frontMatter)
        return Skill(
            name: name, description: description, baseDir: baseDir, path: real, requiredBins: requires.bins, requiredEnv: requires.env)
    }
}

/// YAML front matter (`---` … `---`) of a `SKILL.md`, as JSON.
enum SkillFrontMatter {
    static func parse(_ text: String) -> JSONValue? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.first?.trimmedText == "---" else { return nil }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { $0.trimmedText == "---" }) else { return nil }
        let yaml = lines[..<end].joined(separator: "\n")
        guard let loaded = try? Yams.load(yaml: yaml) else { return nil }
        let value = json(loaded)
        return value.objectValue != nil ? value : nil
    }

    /// The body after the front matter.
    static func body(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmedText == "---", let end = lines.dropFirst().firstIndex(where: { $0.trimmedText == "---" }) else {
            return text
        }
        return lines[(end + 1)...].joined(separator: "\n")
    }

    /// `metadata.openclaw.requires` (legacy `metadata.clawdbot`); metadata may be a map or a JSON5 string.
    static func requires(_ frontMatter: JSONValue) -> (bins: [String], env: [String]) {
        var metadata = frontMatter["metadata"]
        if let text = metadata?.stringValue { metadata = JSONText.parse(text) }
        let gate = metadata?["openclaw"] ?? metadata?["clawdbot"]
        func list(_ value: JSONValue?) -> [String] {
            if let single = value?.stringValue { return [single] }
            return (value?.arrayValue ?? []).compactMap(\.stringValue)
        }
        return (list(gate?["requires"]?["bins"]), list(gate?["requires"]?["env"]))
    }

    static func json(_ value: Any?) -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(Double(number))
        case let number as Double: return .number(number)
        case let map as [String: Any]: return .object(map.mapValues { json($0) })
        case let map as [AnyHashable: Any]:
            return .object(Dictionary(map.map { ("\($0.key)", json($0.value)) }, uniquingKeysWith: { a, _ in a }))
        case let list as [Any]: return .array(list.map { json($0) })
        case let date as Date: return .string(date.description)
        default: return .null
        }
    }
}

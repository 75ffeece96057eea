import TalonCore

/// A skill: a directory with a `SKILL.md` (YAML front matter + instructions) the model reads on demand.
public struct Skill: Sendable, Hashable {
    public var name: String
    public var description: String
    /// The skill directory (absolute, symlinks resolved); `{baseDir}` in the body becomes this.
    public var baseDir: String
    /// `<baseDir>/SKILL.md`.
    public var path: String
    /// `metadata.openclaw.requires.bins`: every one must be on PATH.
    public var requiredBins: [String]
    /// `metadata.openclaw.requires.env`: every one must be set and non-empty.
    public var requiredEnv: [String]

    public init(name: String, description: String, baseDir: String, path: String, requiredBins: [String] = [], requiredEnv: [String] = []) {
        self.name = name
        self.description = description
        self.baseDir = baseDir
        self.path = path
        self.requiredBins = requiredBins
        self.requiredEnv = requiredEnv
    }

    /// Why the skill cannot be used here, or nil when it can.
    public func ineligibility(environment: [String: String]) -> String? {
        for variable in requiredEnv where (environment[variable] ?? "").isEmpty {
            return "environment variable \(variable) is not set"
        }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for bin in requiredBins where !path.contains(where: { FileSystem.isExecutable("\($0)/\(bin)") }) {
            return "\(bin) is not on PATH"
        }
        return nil
    }
}

extension FileSystem {
    static func isExecutable(_ path: String) -> Bool {
        !isDirectory(path) && SkillFiles.canExecute(path)
    }
}

/// The prompt block listing skills (names and descriptions only: bodies are read with `skill_read`).
enum SkillPrompt {
    static func block(_ skills: [Skill]) -> String? {
        guard !skills.isEmpty else { return nil }
        var lines = ["<available_skills>"]
        for skill in skills {
            lines.append("<skill name=\"\(escape(skill.name))\">\(escape(skill.description))</skill>")
        }
        lines.append("</available_skills>")
        return lines.joined(separator: "\n")
    }

    /// One line of escaped text: line breaks (including CRLF) become spaces.
    static func escape(_ text: String) -> String {
        HTMLEscape.escape(String(text.map { $0.isNewline ? " " : $0 }))
    }
}

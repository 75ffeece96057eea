import Foundation
import TalonAgent
import TalonCore
import TalonModels

/// `skill_read`: returns a skill's `SKILL.md` (or another file inside the skill directory) with
/// `{baseDir}` replaced by the skill directory. Names and paths are untrusted: only the run's
/// eligible skills are readable, and resolved paths (symlinks followed) must stay inside the skill dir.
public struct SkillReadTool: AgentTool {
    public static let maxBytes = 256 * 1024

    public init() {}

    public let spec = ToolSpec(
        name: "skill_read",
        description: "Read the instructions (SKILL.md) of an available skill by name. Optionally read another file of that skill.",
        parameters: [
            "type": "object",
            "properties": [
                "name": ["type": "string", "description": "The skill name from <available_skills>."],
                "file": ["type": "string", "description": "Optional path relative to the skill directory (default SKILL.md)."],
            ],
            "required": ["name"],
        ])

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        guard let name = arguments["name"]?.stringValue, !name.isEmpty else {
            return ToolOutput(text: "error: 'name' (string) is required", isError: true)
        }
        guard let skill = context.skills.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            let names = context.skills.map(\.name).joined(separator: ", ")
            return ToolOutput(text: "error: no skill named '\(name)'" + (names.isEmpty ? "" : "; available: \(names)"), isError: true)
        }
        let relative = arguments["file"]?.stringValue ?? "SKILL.md"
        guard !relative.hasPrefix("/"), !relative.contains("\0"), let path = SkillFiles.realPath(skill.baseDir + "/" + relative),
            let base = SkillFiles.realPath(skill.baseDir), SkillFiles.isInside(path, directory: base), path != base
        else {
            return ToolOutput(text: "error: '\(relative)' is not a file inside the skill '\(skill.name)'", isError: true)
        }
        guard let text = SkillFiles.readText(path, maxBytes: Self.maxBytes) else {
            return ToolOutput(text: "error: cannot read '\(relative)' of skill '\(skill.name)' (missing or over 256 KB)", isError: true)
        }
        return ToolOutput(text: text.replacingOccurrences(of: "{baseDir}", with: skill.baseDir))
    }
}

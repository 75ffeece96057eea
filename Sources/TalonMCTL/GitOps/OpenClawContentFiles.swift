import Foundation

/// Tenant-managed OpenClaw content under `platform-gitops/services/<team>/openclaw/`: skills
/// (`skills/<name>.md`) and identity files (`identity/<FILE>`), rendered into ConfigMaps by the
/// platform's `openclaw-skills` ApplicationSet. Validation errors here become HTTP 400s.
enum OpenClawContentFiles {
    /// kebab-case, 2–64 characters, as the platform's API.
    static var skillNamePattern: Regex<Substring> { /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/ }
    static let maxContentBytes = 102_400
    static let identityFiles = ["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "TOOLS.md"]

    static func baseDirectory(team: String) -> String { "platform-gitops/services/\(team)/openclaw" }
    static func skillsDirectory(team: String) -> String { "\(baseDirectory(team: team))/skills" }
    static func identityDirectory(team: String) -> String { "\(baseDirectory(team: team))/identity" }

    static func validateSkillName(_ name: String) throws(OpenClawContentError) {
        guard name.wholeMatch(of: skillNamePattern) != nil else {
            throw .invalidSkillName(name)
        }
    }

    static func validateIdentityFile(_ file: String) throws(OpenClawContentError) {
        guard identityFiles.contains(file) else { throw .invalidIdentityFile(file) }
    }

    static func validateContent(_ content: String) throws(OpenClawContentError) {
        let size = content.utf8.count
        guard size > 0 else { throw .emptyContent }
        guard size <= maxContentBytes else { throw .contentTooLarge(bytes: size) }
    }

    static func skillPath(team: String, name: String) throws(OpenClawContentError) -> String {
        try validateSkillName(name)
        return "\(skillsDirectory(team: team))/\(name).md"
    }

    static func identityPath(team: String, file: String) throws(OpenClawContentError) -> String {
        try validateIdentityFile(file)
        return "\(identityDirectory(team: team))/\(file)"
    }

    // MARK: - Changes (one commit each)

    static func saveSkill(team: String, name: String, content: String) throws(OpenClawContentError) -> (
        message: String, change: GitOpsChange
    ) {
        try validateContent(content)
        return (
            OpenClawCommitMessages.saveSkill(team: team, name: name), .write(path: try skillPath(team: team, name: name), content: content)
        )
    }

    static func deleteSkill(team: String, name: String) throws(OpenClawContentError) -> (message: String, change: GitOpsChange) {
        (OpenClawCommitMessages.deleteSkill(team: team, name: name), .delete(path: try skillPath(team: team, name: name)))
    }

    static func saveIdentity(team: String, file: String, content: String) throws(OpenClawContentError) -> (
        message: String, change: GitOpsChange
    ) {
        try validateContent(content)
        return (
            OpenClawCommitMessages.saveIdentity(team: team, file: file),
            .write(path: try identityPath(team: team, file: file), content: content)
        )
    }

    static func deleteIdentity(team: String, file: String) throws(OpenClawContentError) -> (message: String, change: GitOpsChange) {
        (OpenClawCommitMessages.deleteIdentity(team: team, file: file), .delete(path: try identityPath(team: team, file: file)))
    }

    // MARK: - Reading

    /// Skill names (without `.md`) that exist, sorted; files with other names are ignored.
    static func listSkills(in repo: GitOpsRepo, team: String) async throws -> [String] {
        try await repo.list(skillsDirectory(team: team))
            .filter { $0.hasSuffix(".md") }
            .map { String($0.dropLast(3)) }
            .filter { $0.wholeMatch(of: skillNamePattern) != nil }
    }

    /// The skill's content, or nil when it does not exist (→ 404).
    static func readSkill(in repo: GitOpsRepo, team: String, name: String) async throws -> String? {
        try await repo.read(try skillPath(team: team, name: name))
    }

    /// Identity files that exist, in the canonical order.
    static func listIdentity(in repo: GitOpsRepo, team: String) async throws -> [String] {
        let present = Set(try await repo.list(identityDirectory(team: team)))
        return identityFiles.filter(present.contains)
    }

    static func readIdentity(in repo: GitOpsRepo, team: String, file: String) async throws -> String? {
        try await repo.read(try identityPath(team: team, file: file))
    }
}

enum OpenClawContentError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSkillName(String)
    case invalidIdentityFile(String)
    case emptyContent
    case contentTooLarge(bytes: Int)

    var description: String {
        switch self {
        case .invalidSkillName(let name):
            "invalid skill name \"\(name)\": use 2-64 lowercase letters, digits and '-', starting and ending with a letter or digit"
        case .invalidIdentityFile(let file):
            "invalid identity file \"\(file)\": must be one of \(OpenClawContentFiles.identityFiles.joined(separator: ", "))"
        case .emptyContent: "content must not be empty"
        case .contentTooLarge(let bytes): "content is \(bytes) bytes; the limit is \(OpenClawContentFiles.maxContentBytes) bytes (100 KB)"
        }
    }
}

import Foundation
import TalonCore

/// Skills and identity files under `platform-gitops/services/<team>/openclaw/`, owner only, one commit per change.
extension OpenClawPlatform {
    /// Which kind of content a tool works on.
    enum ContentKind {
        case skill, identity

        var argument: String { self == .skill ? "skill_name" : "file_name" }
        var nameKey: String { self == .skill ? "skillName" : "fileName" }
        var listKey: String { self == .skill ? "skills" : "files" }
        var noun: String { self == .skill ? "skill" : "identity file" }
    }

    /// Team, owner check and the team's openclaw service, shared by every content tool.
    private func contentScope(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> String {
        let team = try PlatformArguments.name(arguments, "team_name", required: true) ?? ""
        let tenant = try await tenant(team)
        try requireOwner(caller, of: tenant)
        try await requireService(team: team, service: OpenClawDeployParams.defaultComponent)
        return team
    }

    /// The validated file name; aliases (`name`, `file`) are accepted for clients that guess.
    private func contentName(_ kind: ContentKind, _ arguments: [String: JSONValue]) throws(PlatformFailure) -> String {
        let raw = [kind.argument, "name", kind == .skill ? "skill" : "file"].lazy.compactMap { arguments[$0]?.stringValue }.first
        guard let name = raw?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw .badRequest("\(kind.argument) is required")
        }
        do {
            switch kind {
            case .skill: try OpenClawContentFiles.validateSkillName(name)
            case .identity: try OpenClawContentFiles.validateIdentityFile(name)
            }
        } catch {
            throw .badRequest("\(error)")
        }
        return name
    }

    private func contentPath(_ kind: ContentKind, team: String, name: String) throws -> String {
        do {
            return kind == .skill
                ? try OpenClawContentFiles.skillPath(team: team, name: name) : try OpenClawContentFiles.identityPath(team: team, file: name)
        } catch {
            throw PlatformFailure.badRequest("\(error)")
        }
    }

    func listContent(_ kind: ContentKind, _ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try await contentScope(arguments, caller: caller)
        let names: [String]
        switch kind {
        case .skill: names = try await OpenClawContentFiles.listSkills(in: repo, team: team)
        case .identity: names = try await OpenClawContentFiles.listIdentity(in: repo, team: team)
        }
        return .ok(["teamName": .string(team), kind.listKey: .array(names.map { .string($0) }), "count": .number(Double(names.count))])
    }

    func readContent(_ kind: ContentKind, _ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try await contentScope(arguments, caller: caller)
        let name = try contentName(kind, arguments)
        guard let content = try await repo.read(try contentPath(kind, team: team, name: name)) else {
            throw PlatformFailure.notFound("\(kind.noun) \(name) not found")
        }
        return .ok(["teamName": .string(team), kind.nameKey: .string(name), "content": .string(content)])
    }

    func saveContent(_ kind: ContentKind, _ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try await contentScope(arguments, caller: caller)
        let name = try contentName(kind, arguments)
        guard let content = arguments["content"]?.stringValue else { throw PlatformFailure.badRequest("content is required") }
        do {
            try OpenClawContentFiles.validateContent(content)
        } catch {
            throw PlatformFailure.badRequest("\(error)")
        }
        let message =
            kind == .skill
            ? OpenClawCommitMessages.saveSkill(team: team, name: name) : OpenClawCommitMessages.saveIdentity(team: team, file: name)
        let sha = try await commit(message, [.write(path: try contentPath(kind, team: team, name: name), content: content)])
        return .ok([
            "teamName": .string(team), kind.nameKey: .string(name), "saved": true, "changed": .bool(sha != nil),
            "commit": sha.map { .string($0) } ?? .null,
        ])
    }

    func deleteContent(_ kind: ContentKind, _ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try await contentScope(arguments, caller: caller)
        let name = try contentName(kind, arguments)
        let path = try contentPath(kind, team: team, name: name)
        guard try await repo.exists(path) else { throw PlatformFailure.notFound("\(kind.noun) \(name) not found") }
        let message =
            kind == .skill
            ? OpenClawCommitMessages.deleteSkill(team: team, name: name) : OpenClawCommitMessages.deleteIdentity(team: team, file: name)
        let sha = try await commit(message, [.delete(path: path)])
        return .ok(["teamName": .string(team), kind.nameKey: .string(name), "deleted": true, "commit": sha.map { .string($0) } ?? .null])
    }

    func listSkills(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await listContent(.skill, arguments, caller: caller)
    }
    func readSkill(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await readContent(.skill, arguments, caller: caller)
    }
    func saveSkill(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await saveContent(.skill, arguments, caller: caller)
    }
    func deleteSkill(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await deleteContent(.skill, arguments, caller: caller)
    }
    func listIdentity(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await listContent(.identity, arguments, caller: caller)
    }
    func readIdentity(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await readContent(.identity, arguments, caller: caller)
    }
    func saveIdentity(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await saveContent(.identity, arguments, caller: caller)
    }
    func deleteIdentity(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        try await deleteContent(.identity, arguments, caller: caller)
    }
}

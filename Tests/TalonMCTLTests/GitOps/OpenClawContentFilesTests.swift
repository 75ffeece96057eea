import Foundation
import Testing

@testable import TalonMCTL

@Suite struct OpenClawContentFilesTests {
    @Test(arguments: ["ab", "my-skill", "a1", "x" + String(repeating: "y", count: 62) + "z"])
    func acceptsValidSkillNames(name: String) throws {
        try OpenClawContentFiles.validateSkillName(name)
    }

    @Test(arguments: ["a", "-ab", "ab-", "Ab", "a_b", "a.b", "../x", "a/b", "", String(repeating: "a", count: 65)])
    func rejectsInvalidSkillNames(name: String) {
        #expect(throws: OpenClawContentError.invalidSkillName(name)) { try OpenClawContentFiles.validateSkillName(name) }
    }

    @Test func contentLimitAndIdentityNames() throws {
        try OpenClawContentFiles.validateContent(String(repeating: "a", count: 102_400))
        #expect(throws: OpenClawContentError.contentTooLarge(bytes: 102_401)) {
            try OpenClawContentFiles.validateContent(String(repeating: "a", count: 102_401))
        }
        #expect(throws: OpenClawContentError.emptyContent) { try OpenClawContentFiles.validateContent("") }
        for file in ["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "TOOLS.md"] {
            try OpenClawContentFiles.validateIdentityFile(file)
        }
        for file in ["agents.md", "README.md", "../SOUL.md", "SOUL"] {
            #expect(throws: OpenClawContentError.invalidIdentityFile(file)) { try OpenClawContentFiles.validateIdentityFile(file) }
        }
        #expect("\(OpenClawContentError.contentTooLarge(bytes: 200_000))".contains("102400"))
    }

    @Test func saveListReadDeleteRoundTrip() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo()
        defer { GitOpsTestSupport.remove(url) }
        let save = try OpenClawContentFiles.saveSkill(team: "labs", name: "deploy-helper", content: "# Deploy\n")
        #expect(save.change.path == "platform-gitops/services/labs/openclaw/skills/deploy-helper.md")
        #expect(try await repo.commit(message: save.message, changes: [save.change]) != nil)
        #expect(try await repo.lastCommit()?.message == "feat: save openclaw skill deploy-helper for labs")
        #expect(try await OpenClawContentFiles.listSkills(in: repo, team: "labs") == ["deploy-helper"])
        #expect(try await OpenClawContentFiles.readSkill(in: repo, team: "labs", name: "deploy-helper") == "# Deploy\n")
        #expect(try await OpenClawContentFiles.readSkill(in: repo, team: "labs", name: "missing") == nil)
        // Saving identical content is a no-op.
        #expect(try await repo.commit(message: save.message, changes: [save.change]) == nil)

        let identity = try OpenClawContentFiles.saveIdentity(team: "labs", file: "SOUL.md", content: "calm\n")
        #expect(identity.change.path == "platform-gitops/services/labs/openclaw/identity/SOUL.md")
        _ = try await repo.commit(message: identity.message, changes: [identity.change])
        #expect(try await OpenClawContentFiles.listIdentity(in: repo, team: "labs") == ["SOUL.md"])
        #expect(try await OpenClawContentFiles.readIdentity(in: repo, team: "labs", file: "SOUL.md") == "calm\n")

        let delete = try OpenClawContentFiles.deleteSkill(team: "labs", name: "deploy-helper")
        #expect(try await repo.commit(message: delete.message, changes: [delete.change]) != nil)
        #expect(try await repo.lastCommit()?.message == "chore: delete openclaw skill deploy-helper for labs")
        #expect(try await OpenClawContentFiles.listSkills(in: repo, team: "labs") == [])
        let deleteIdentity = try OpenClawContentFiles.deleteIdentity(team: "labs", file: "SOUL.md")
        #expect(deleteIdentity.message == "chore: delete openclaw identity SOUL.md for labs")
        #expect(throws: OpenClawContentError.self) { try OpenClawContentFiles.saveSkill(team: "labs", name: "Bad", content: "x") }
    }
}

import Foundation
import TalonAgent
import TalonCore
import TalonModels
import TalonTestSupport
import TalonTools
import Testing

@Suite("Skills and the system prompt")
struct SkillTests {
    static func writeSkill(_ root: String, dir: String, frontMatter: String, body: String = "Body of the skill.") throws {
        try FileManager.default.createDirectory(atPath: "\(root)/\(dir)", withIntermediateDirectories: true)
        try "---\n\(frontMatter)\n---\n\(body)\n".write(toFile: "\(root)/\(dir)/SKILL.md", atomically: false, encoding: .utf8)
    }

    /// Workspace skills: alpha (eligible), needs-bin (missing bin), needs-env (env unset), shared (wins over the state dir's).
    static func makeSkills(_ harness: Harness) throws {
        let workspaceSkills = harness.dir.path + "/workspace/skills"
        let stateSkills = harness.dir.path + "/skills"
        try writeSkill(
            workspaceSkills, dir: "alpha", frontMatter: "name: alpha\ndescription: Does <alpha> things", body: "Run {baseDir}/run.sh")
        try writeSkill(
            workspaceSkills, dir: "needs-bin",
            frontMatter: "name: needs-bin\ndescription: x\nmetadata:\n  openclaw:\n    requires:\n      bins: [definitely-not-a-binary-xyz]"
        )
        try writeSkill(
            workspaceSkills, dir: "needs-env",
            frontMatter: "name: needs-env\ndescription: y\nmetadata: '{openclaw: {requires: {env: [\"TALON_TEST_UNSET_VAR\"]}}}'")
        try writeSkill(
            workspaceSkills, dir: "has-env",
            frontMatter: "name: has-env\ndescription: z\nmetadata: '{openclaw: {requires: {env: [\"TALON_TEST_SET\"], bins: [\"sh\"]}}}'")
        try writeSkill(workspaceSkills, dir: "shared", frontMatter: "name: shared\ndescription: from workspace")
        try writeSkill(stateSkills, dir: "shared", frontMatter: "name: shared\ndescription: from state dir")
        try writeSkill(stateSkills, dir: "beta", frontMatter: "name: beta\ndescription: Managed beta")
        try writeSkill(stateSkills, dir: "broken", frontMatter: "description: no name")
        try "secret".write(toFile: harness.dir.path + "/secret.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: "\(workspaceSkills)/alpha/link.md", withDestinationPath: harness.dir.path + "/secret.txt")
    }

    @Test func loadsEligibleSkillsWithPrecedenceAndListsThemInThePrompt() async throws {
        let harness = try await Harness.make(environment: ["PATH": "/usr/bin:/bin", "TALON_TEST_SET": "1"]) { _, _ in
            ScriptedProvider.text("ok")
        }
        try Self.makeSkills(harness)
        let skills = harness.runtime.skills(agentId: "main", sessionKey: "main")
        #expect(skills.map(\.name) == ["alpha", "has-env", "shared", "beta"])
        #expect(skills.first { $0.name == "shared" }?.description == "from workspace")
        _ = await harness.runtime.run(harness.request("x"))
        let system = harness.provider.requests.last?.system ?? ""
        #expect(system.contains("<available_skills>"))
        #expect(system.contains("<skill name=\"alpha\">Does &lt;alpha&gt; things</skill>"))
        #expect(!system.contains("needs-bin"))
        #expect(!system.contains("needs-env"))
        #expect(system.contains("personal assistant running in Talon"))

        harness.runtime.setSkillFilter(["beta"], forKeyOrPrefix: "hook:incident:*")
        #expect(harness.runtime.skills(agentId: "main", sessionKey: "hook:incident:42").map(\.name) == ["beta"])
        #expect(harness.runtime.skills(agentId: "main", sessionKey: "main").count == 4)
        harness.runtime.setSkillFilter(nil, forKeyOrPrefix: "hook:incident:*")
        #expect(harness.runtime.skills(agentId: "main", sessionKey: "hook:incident:42").count == 4)
    }

    @Test func skillReadSubstitutesBaseDirAndRefusesEscapes() async throws {
        let harness = try await Harness.make { _, _ in ScriptedProvider.text("ok") }
        try Self.makeSkills(harness)
        let skills = harness.runtime.skills(agentId: "main", sessionKey: "main")
        let context = ToolContext(
            runId: "r", sessionKey: "agent:main:main", sessionId: "s", agentId: "main", workspace: "/w", skills: skills)
        let tool = SkillReadTool()
        let alpha = try #require(skills.first { $0.name == "alpha" })
        let read = try await tool.invoke(arguments: ["name": "ALPHA"], context: context)
        #expect(!read.isError)
        #expect(read.text.contains("Run \(alpha.baseDir)/run.sh"))
        for arguments: JSONValue in [
            ["name": "alpha", "file": "../shared/SKILL.md"], ["name": "alpha", "file": "../../secret.txt"],
            ["name": "alpha", "file": "/etc/passwd"],
            ["name": "alpha", "file": "link.md"], ["name": "../alpha"], ["name": "needs-bin"], [:],
        ] {
            let output = try await tool.invoke(arguments: arguments, context: context)
            #expect(output.isError, "expected a refusal for \(arguments.serialized())")
            #expect(!output.text.contains("secret") || output.text.contains("error"))
        }
    }

    @Test func bootstrapFilesAreTruncated() async throws {
        let raw: JSONValue = ["agents": ["defaults": ["bootstrapMaxChars": 50, "bootstrapTotalMaxChars": 80]]]
        let harness = try await Harness.make(config: Harness.config(raw: raw)) { _, _ in ScriptedProvider.text("ok") }
        let workspace = harness.runtime.workspace(agentId: "main")
        #expect(workspace == harness.dir.path + "/workspace")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        try (String(repeating: "a", count: 40) + "ZZZ" + String(repeating: "b", count: 100)).write(
            toFile: workspace + "/AGENTS.md", atomically: false, encoding: .utf8)
        try (String(repeating: "s", count: 45) + "YYY").write(toFile: workspace + "/SOUL.md", atomically: false, encoding: .utf8)
        try "user facts".write(toFile: workspace + "/USER.md", atomically: false, encoding: .utf8)
        _ = await harness.runtime.run(RunRequest(sessionKey: "main", message: "x", extraSystemPrompt: "EXTRA-PROMPT", channel: "test"))
        let system = harness.provider.requests.last?.system ?? ""
        #expect(system.contains("## AGENTS.md\n" + String(repeating: "a", count: 40) + "ZZZ"))
        #expect(!system.contains("bbbbbbbbbb"))
        #expect(system.contains("truncated"))
        // 50 chars of AGENTS.md leave 30 for SOUL.md; USER.md is over the total.
        #expect(system.contains("## SOUL.md\n" + String(repeating: "s", count: 30) + "\n"))
        #expect(!system.contains("user facts"))
        #expect(system.contains("EXTRA-PROMPT"))
    }
}

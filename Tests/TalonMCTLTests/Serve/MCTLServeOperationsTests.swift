import Foundation
import TalonTestSupport
import Testing

@testable import TalonMCTL

/// Profiles, sizing without a metrics backend, skills and identity, over REST; MCP's tool list over raw JSON-RPC.
@Suite("mctl serve: profiles, sizing, skills, identity, MCP", .serialized)
struct MCTLServeOperationsTests {
    static let existingValues = """
        image:
          repository: ghcr.io/mctlhq/mctl-openclaw
          tag: "2026.11.1"
        port: 18789
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
          limits:
            cpu: "2"
            memory: 4Gi
        env:
          NODE_OPTIONS: --max-old-space-size=3072
          LOG_LEVEL: info
        """

    static func start() async throws -> MCTLServeHarness {
        try await MCTLServeHarness.start(services: ["labs/openclaw": existingValues])
    }

    @Test("apply profile: one commit patching requests, limits and NODE_OPTIONS; idempotent; owner only; 404 and 400")
    func applyProfile() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let path = "/api/v1/openclaw/labs/openclaw/resource-profile"
        let developer = try await harness.call("POST", path, as: "bob", json: ["profile": "steady-small"])
        #expect(developer.status == 403)
        let unknown = try await harness.call("POST", path, as: "alice", json: ["profile": "huge"])
        #expect(unknown.status == 400)
        let noService = try await harness.call(
            "POST", "/api/v1/openclaw/labs/nope/resource-profile", as: "alice", json: ["profile": "startup"])
        #expect(noService.status == 404)

        let applied = try await harness.call("POST", path, as: "alice", json: ["profile": "steady-medium"])
        #expect(applied.status == 200, "\(applied.body)")
        #expect(applied.body["changed"] as? Bool == true)
        #expect(try harness.repo.commitCount() == 2)
        let values = try #require(harness.repo.read("platform-gitops/services/labs/openclaw/values.yaml"))
        #expect(values.contains("350m"))
        #expect(values.contains("1500m"))
        #expect(values.contains("3Gi"))
        #expect(values.contains("--max-old-space-size=2048"))
        #expect(values.contains("LOG_LEVEL"), "unrelated keys survive")
        #expect(try harness.repo.lastCommit().author == "Talon Bot <bot@talon.test>")

        let again = try await harness.call("POST", path, as: "alice", json: ["profile": "steady-medium"])
        #expect(again.status == 200)
        #expect(again.body["changed"] as? Bool == false)
        #expect(try harness.repo.commitCount() == 2, "no commit when nothing changes")
    }

    @Test("sizing without a metrics backend: startup plus a note and zero stats; members may read; unknown service 404; bad lookback 400")
    func sizingFallback() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let sizing = try await harness.call("GET", "/api/v1/openclaw/labs/openclaw/sizing?lookback_hours=12", as: "bob")
        #expect(sizing.status == 200, "\(sizing.body)")
        #expect(sizing.body["profile"] as? String == "startup")
        #expect(sizing.body["note"] is String)
        #expect(sizing.body["profileSpec"] is [String: Any])
        let stats = try #require(sizing.body["stats"] as? [String: Any], "stats keep their shape without data")
        #expect(stats["sampleCount"] as? Int == 0)
        #expect(stats["memoryMaxBytes"] as? Int == 0)
        #expect(sizing.body["lookbackHours"] as? Int == 12)
        #expect((sizing.body["policy"] as? String)?.contains("24h") == true)
        #expect(try await harness.call("GET", "/api/v1/openclaw/labs/nope/sizing", as: "alice").status == 404)
        #expect(try await harness.call("GET", "/api/v1/openclaw/labs/openclaw/sizing?lookback_hours=abc", as: "alice").status == 400)
        #expect(try await harness.call("GET", "/api/v1/openclaw/labs/openclaw/sizing", as: "mallory").status == 403)
        #expect(try await harness.call("GET", "/api/v1/openclaw/ghost/openclaw/sizing", as: "alice").status == 404)
    }

    @Test("skills and identity: save, list, read, delete, one commit each; validation; owner only")
    func skillsAndIdentity() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let skills = "/api/v1/openclaw/labs/skills"
        let saved = try await harness.call("POST", skills, as: "alice", json: ["skill_name": "k8s-triage", "content": "# Triage\n"])
        #expect(saved.status == 200, "\(saved.body)")
        #expect(harness.repo.read("platform-gitops/services/labs/openclaw/skills/k8s-triage.md") == "# Triage\n")
        #expect(try harness.repo.commitCount() == 2)
        let listed = try await harness.call("GET", skills, as: "alice")
        #expect((listed.body["skills"] as? [Any]).map { "\($0)" }?.contains("k8s-triage") == true)
        let read = try await harness.call("GET", "\(skills)/k8s-triage", as: "alice")
        #expect(read.body["content"] as? String == "# Triage\n")
        #expect(try await harness.call("GET", skills, as: "bob").status == 403)
        #expect(try await harness.call("POST", skills, as: "alice", json: ["skill_name": "Bad_Name", "content": "x"]).status == 400)
        let big = String(repeating: "x", count: 100 * 1024 + 1)
        #expect(try await harness.call("POST", skills, as: "alice", json: ["skill_name": "big-one", "content": big]).status == 400)
        #expect(try await harness.call("DELETE", "\(skills)/k8s-triage", as: "alice").status == 200)
        #expect(try await harness.call("GET", "\(skills)/k8s-triage", as: "alice").status == 404)
        #expect(try await harness.call("DELETE", "\(skills)/k8s-triage", as: "alice").status == 404)
        #expect(try harness.repo.commitCount() == 3)

        let identity = "/api/v1/openclaw/labs/identity"
        #expect(try await harness.call("POST", identity, as: "alice", json: ["file_name": "SOUL.md", "content": "Calm.\n"]).status == 200)
        #expect(harness.repo.read("platform-gitops/services/labs/openclaw/identity/SOUL.md") == "Calm.\n")
        #expect(try await harness.call("GET", "\(identity)/SOUL.md", as: "alice").body["content"] as? String == "Calm.\n")
        #expect(try await harness.call("POST", identity, as: "alice", json: ["file_name": "EVIL.md", "content": "x"]).status == 400)
        #expect(try await harness.call("DELETE", "\(identity)/SOUL.md", as: "alice").status == 200)
        #expect(try harness.repo.commitCount() == 5)
        #expect(try await harness.call("GET", "/api/v1/openclaw/tiny/skills", as: "alice").status == 404, "tiny has no openclaw service")
    }

    @Test("MCP: initialize, tools/list with all three hints explicit, a tool call's failure is an isError result")
    func mcpOverHTTP() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let headers = [
            "Authorization": "Bearer " + MCTLServeHarness.token("bob"), "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        ]
        func rpc(_ id: Int, _ method: String, _ params: [String: Any]) async throws -> [String: Any] {
            let body = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "method": method, "params": params])
            let response = try await harness.probe.request("POST", "/mcp", headers: headers, body: body)
            #expect(response.status == 200, "\(method): \(response.text)")
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        }
        let initialized = try await rpc(
            0, "initialize", ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "test", "version": "1"]])
        #expect((initialized["result"] as? [String: Any])?["serverInfo"] != nil)
        let listed = try await rpc(1, "tools/list", [:])
        let tools = try #require((listed["result"] as? [String: Any])?["tools"] as? [[String: Any]])
        #expect(tools.count == 12)
        for tool in tools {
            let hints = try #require(tool["annotations"] as? [String: Any], "\(tool["name"] ?? "")")
            #expect(hints["readOnlyHint"] is Bool && hints["destructiveHint"] is Bool && hints["idempotentHint"] is Bool)
        }
        let delete = try #require(tools.first { $0["name"] as? String == "mctl_delete_openclaw_skill" }?["annotations"] as? [String: Any])
        #expect(delete["destructiveHint"] as? Bool == true)
        let called = try await rpc(2, "tools/call", ["name": "mctl_deploy_openclaw", "arguments": ["team_name": "labs"]])
        let result = try #require(called["result"] as? [String: Any])
        #expect(result["isError"] as? Bool == true)
        let text = try #require((result["content"] as? [[String: Any]])?.first?["text"] as? String)
        #expect(text.contains("owner role is required for this OpenClaw action"))
    }
}

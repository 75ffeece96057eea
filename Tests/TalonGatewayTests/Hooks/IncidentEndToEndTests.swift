import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("mctl-agent incident end to end: delivery → claim → fix PR → result")
struct IncidentEndToEndTests {
    static let repo = "mctlhq/mctl-gitops"
    static let valuesPath = "platform-gitops/services/labs/api/values.yaml"

    struct World {
        let mctl: FakeMctlAgent
        let github: FakeGitHub
        let agent: AgentGateway

        func stop() async {
            await agent.stop()
            await mctl.stop()
            await github.stop()
        }

        func deliver(_ eventId: String, type: String) async throws -> HTTPProbe.Response {
            let body = mctl.eventPayload(eventId, eventType: type, team: "labs", summary: "api OOMKilled")
            var headers = mctl.signedHeaders(body: body, secret: HookGateway.secret, eventId: eventId, eventType: type)
            headers["Authorization"] = "Bearer \(HookGateway.hookToken)"
            return try await HookGateway.post(agent.gateway, "/hooks/mctl-agent", body: body, headers: headers)
        }
    }

    static func world() async throws -> World {
        let mctl = try await FakeMctlAgent.start()
        let github = try await FakeGitHub.start()
        github.addRepo(repo, files: [valuesPath: "resources:\n  limits:\n    memory: 256Mi\n"])
        let agent = try await HookGateway.start(environment: [
            "GITHUB_TOKEN": github.token, "GITHUB_API_URL": github.baseURL, "OPENCLAW_GITHUB_ALLOWED_REPOS": repo,
        ])
        return World(mctl: mctl, github: github, agent: agent)
    }

    static func call(_ name: String, _ arguments: JSONValue) -> MockScenario {
        .toolCall(name: name, arguments: arguments.serialized())
    }

    @Test("claim, read the values file, commit the fix on openclaw/ticket-<id>, open the PR, report pr_created with artifacts")
    func happyPath() async throws {
        let world = try await Self.world()
        defer { Task { await world.stop() } }
        let (mctl, github, agent) = (world.mctl, world.github, world.agent)
        let eventId = "evt_e2e_1"
        mctl.addEvent(eventId, ticketId: "t-100")
        let branch = "openclaw/ticket-t-100"
        agent.mock.enqueue(
            Self.call(
                "mctl_agent_external",
                [
                    "action": "claim", "claimUrl": .string(mctl.claimURL(eventId)), "resultUrl": .string(mctl.resultURL(eventId)),
                    "callbackAuthValue": .string(mctl.callbackAuth(eventId).value), "agentId": "openclaw-labs", "eventId": .string(eventId),
                ]),
            Self.call("github_get_file", ["repo": .string(Self.repo), "path": .string(Self.valuesPath)]),
            Self.call(
                "github_upsert_file",
                [
                    "repo": .string(Self.repo), "branch": .string(branch), "path": .string(Self.valuesPath),
                    "content": "resources:\n  limits:\n    memory: 512Mi\n", "commitMessage": "fix(api): raise the memory limit to 512Mi",
                ]),
            Self.call(
                "github_open_pull_request",
                [
                    "repo": .string(Self.repo), "branch": .string(branch), "title": "fix(api): raise the memory limit",
                    "body": "Ticket t-100",
                ]))
        agent.mock.enqueue(dynamic: { request in
            // The model copies the PR artifacts from the open-PR tool result, as a real model would.
            let pr = (try? JSON5.parse(request.toolResults.last?.content ?? "")) ?? .object([:])
            return Self.call(
                "mctl_agent_external",
                [
                    "action": "result", "agentId": "openclaw-labs", "eventId": .string(eventId), "status": "pr_created",
                    "summary": "Raised the api memory limit to 512Mi", "prUrl": pr["pr_url"] ?? .null,
                    "prNumber": .string(pr["pr_number"].map { $0.stringValue ?? $0.serialized() } ?? ""), "prRepo": .string(Self.repo),
                    "prBranch": .string(branch), "prCommitSha": pr["commit_sha"] ?? .null,
                ])
        })
        agent.mock.enqueue(.text("Opened the fix PR and reported it."))

        let response = try await world.deliver(eventId, type: "ticket.escalated")
        #expect(response.status == 200)
        try await Wait.until(timeout: .seconds(30), "result callback") { !mctl.results(eventId).isEmpty }
        try await Wait.until(timeout: .seconds(10), "run finished") { agent.mock.requests().count == 6 }

        let claims = mctl.claims(eventId)
        #expect(claims.count == 1)
        #expect(claims.first?["agent_id"]?.stringValue == "openclaw-labs")
        #expect(claims.first?["event_id"]?.stringValue == eventId)
        let results = mctl.results(eventId)
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result["status"]?.stringValue == "pr_created")
        #expect(result["lease_id"]?.stringValue == mctl.leaseId(eventId))
        let artifacts = result["artifacts"]
        #expect(artifacts?["pr_number"]?.stringValue == "1")
        #expect(artifacts?["pr_url"]?.stringValue?.isEmpty == false)
        #expect(artifacts?["repo"]?.stringValue == Self.repo)
        #expect(artifacts?["branch"]?.stringValue == branch)
        #expect(artifacts?["commit_sha"]?.stringValue?.isEmpty == false)
        #expect(github.pulls(Self.repo).count == 1)
        #expect(github.file(Self.repo, branch: branch, path: Self.valuesPath)?.contains("512Mi") == true)
        #expect(github.file(Self.repo, branch: "main", path: Self.valuesPath)?.contains("256Mi") == true)

        let view = try await agent.gateway.http.get("/api/incidents", headers: ["Authorization": "Bearer \(AgentGateway.token)"])
        let incident = try JSON5.parse(view.text)["incidents"]?[0]
        #expect(incident?["result"]?["status"]?.stringValue == "pr_created")
        #expect(incident?["claim"]?["leaseId"]?.stringValue == mctl.leaseId(eventId))
        #expect(!agent.gateway.process.stdout.contains(mctl.callbackAuth(eventId).value))
        #expect(!agent.gateway.process.stdout.contains(github.token))
    }

    @Test("ticket.created is never claimed: the tool refuses without calling mctl-agent")
    func createdIsNotClaimed() async throws {
        let world = try await Self.world()
        defer { Task { await world.stop() } }
        let eventId = "evt_e2e_created"
        world.mctl.addEvent(eventId, ticketId: "t-101")
        world.agent.mock.enqueue(
            Self.call(
                "mctl_agent_external",
                ["action": "claim", "agentId": "openclaw-labs", "eventId": .string(eventId), "callbackAuthValue": "x"]),
            .text("not claimable"))
        #expect(try await world.deliver(eventId, type: "ticket.created").status == 200)
        try await Wait.until(timeout: .seconds(15), "run finished") { world.agent.mock.requests().count == 2 }
        #expect(world.mctl.claims(eventId).isEmpty)
        let refusal = world.agent.mock.requests().last?.toolResults.last?.content ?? ""
        #expect(refusal.contains("ticket.created"))
    }

    @Test("a claim answered 409 stops the incident: no GitHub call, no result")
    func conflictStops() async throws {
        let world = try await Self.world()
        defer { Task { await world.stop() } }
        let eventId = "evt_e2e_conflict"
        world.mctl.addEvent(eventId, ticketId: "t-102")
        // Another agent holds the claim already.
        let auth = world.mctl.callbackAuth(eventId)
        let held = try await HTTPProbe(port: world.mctl.port).request(
            "POST", String(world.mctl.claimURL(eventId).dropFirst(world.mctl.baseURL.count)),
            headers: [auth.header: auth.value, "Content-Type": "application/json"],
            body: Data(#"{"agent_id":"openclaw-labs","event_id":"\#(eventId)"}"#.utf8))
        #expect(held.status == 200)
        world.agent.mock.enqueue(
            Self.call("mctl_agent_external", ["action": "claim", "agentId": "openclaw-labs", "eventId": .string(eventId)]),
            .text("already claimed, stopping"))
        #expect(try await world.deliver(eventId, type: "ticket.escalated").status == 200)
        try await Wait.until(timeout: .seconds(15), "run finished") { world.agent.mock.requests().count == 2 }
        #expect(world.agent.mock.requests().last?.toolResults.last?.content.contains("409") == true)
        #expect(world.github.requests().isEmpty)
        #expect(world.mctl.results(eventId).isEmpty)
    }
}

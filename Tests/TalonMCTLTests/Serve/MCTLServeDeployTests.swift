import Foundation
import TalonTestSupport
import Testing

@testable import TalonMCTL

/// The onboarding story over the REST API of a real `talon mctl serve` on a throw-away GitOps repo.
@Suite("mctl serve: onboarding", .serialized)
struct MCTLServeDeployTests {
    static let intakeHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
    static let botToken = "123456789:" + String(repeating: "A", count: 30) + "b_c-d"

    func intakeForm(
        _ harness: MCTLServeHarness, token: String = botToken, returnTo: String = "https://labs-openclaw.mctl.ai/", signature: String? = nil
    ) -> Data {
        var fields = [("team", "labs"), ("service", "openclaw"), ("returnTo", returnTo), ("telegram_bot_token", token)]
        if let signature { fields.append(("sig", signature)) }
        let encoded =
            fields
            .map { "\($0.0)=\(MCTLHTTP.encodeQueryComponent($0.1))" }.joined(separator: "&")
        return Data(encoded.utf8)
    }

    func postIntake(_ harness: MCTLServeHarness, origin: String?, as login: String = "alice", form: Data) async throws -> HTTPProbe.Response
    {
        var headers = Self.intakeHeaders
        headers["Authorization"] = "Bearer " + MCTLServeHarness.token(login)
        if let origin { headers["Origin"] = origin }
        return try await harness.probe.request("POST", "/openclaw/intake", headers: headers, body: form)
    }

    @Test("probes answer without a token; /mcp and the REST API refuse a missing or bad bearer with 401")
    func authentication() async throws {
        let harness = try await MCTLServeHarness.start()
        defer { Task { await harness.stop() } }
        #expect(try await harness.probe.get("/healthz").status == 200)
        #expect(try await harness.probe.get("/readyz").status == 200)
        let anonymous = try await harness.call("POST", "/api/v1/openclaw/deploy/start", as: nil, json: ["team_name": "labs"])
        #expect(anonymous.status == 401)
        #expect(anonymous.response.header("www-authenticate")?.hasPrefix("Bearer") == true)
        let mcp = try await harness.probe.request(
            "POST", "/mcp", headers: ["Content-Type": "application/json", "Accept": "application/json"], body: Data("{}".utf8))
        #expect(mcp.status == 401)
        let forged = try await harness.probe.request(
            "GET", "/api/v1/openclaw/labs/skills",
            headers: ["Authorization": "Bearer " + MCTLServeHarness.token("alice", secret: "some-other-secret-0123456789")])
        #expect(forged.status == 401)
        #expect(forged.text.contains("bad_signature"))
    }

    @Test("deploy start: owner check (403), quota floor (409 with requirements), unknown tenant (404), the result fields")
    func deployStart() async throws {
        let harness = try await MCTLServeHarness.start()
        defer { Task { await harness.stop() } }
        let start = "/api/v1/openclaw/deploy/start"
        let developer = try await harness.call("POST", start, as: "bob", json: ["team_name": "labs"])
        #expect(developer.status == 403)
        #expect(developer.body["error"] as? String == "owner role is required for this OpenClaw action")
        let stranger = try await harness.call("POST", start, as: "mallory", json: ["team_name": "labs"])
        #expect(stranger.status == 403)

        let tiny = try await harness.call("POST", start, as: "alice", json: ["team_name": "tiny"])
        #expect(tiny.status == 409)
        #expect(tiny.body["requiredProfile"] as? String == "startup")
        let requirements = try #require(tiny.body["quotaRequirements"] as? [[String: String]])
        #expect(
            Set(requirements.compactMap { $0["field"] }) == [
                "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "networking.allowInternetEgress",
            ])
        #expect(requirements.first { $0["field"] == "limits.memory" }?["required"] == "4Gi")
        #expect(requirements.first { $0["field"] == "limits.memory" }?["actual"] == "2Gi")

        let missing = try await harness.call("POST", start, as: "alice", json: ["team_name": "ghost"])
        #expect(missing.status == 404)
        #expect(missing.body["error"] as? String == "tenant not found")
        let badIDs = try await harness.call("POST", start, as: "alice", json: ["team_name": "labs", "telegram_owner_ids": "12,abc"])
        #expect(badIDs.status == 400)

        let admin = try await harness.call("POST", start, as: "root", groups: ["admins"], json: ["team_name": "labs"])
        #expect(admin.status == 200)
        let ok = try await harness.call(
            "POST", start, as: "alice", json: ["team_name": "labs", "telegram_owner_ids": "111, 222,111", "default_model": "openai/gpt-5"])
        #expect(ok.status == 200)
        #expect(ok.body["teamName"] as? String == "labs")
        #expect(ok.body["componentName"] as? String == "openclaw")
        #expect(ok.body["telegramOwnerIDs"] as? [String] == ["111", "222"])
        #expect(ok.body["defaultModel"] as? String == "openai/gpt-5")
        #expect(ok.body["dashboardURL"] as? String == "https://labs-openclaw.mctl.ai/")
        #expect(ok.body["startupProfile"] as? String == "startup")
        #expect(ok.body["nextStep"] is String)
        #expect(ok.body["quotaFloor"] != nil)
        let intake = try #require(ok.body["botTokenIntakeURL"] as? String)
        #expect(intake.hasPrefix("http://127.0.0.1:\(harness.port)/openclaw/intake?team=labs&service=openclaw&returnTo=https%3A%2F%2F"))
        #expect(try harness.repo.commitCount() == 1, "start commits nothing")
    }

    @Test("intake (CSRF, token shape, safe redirect) then resume: one commit with the database and the service, 409 on repeat")
    func intakeAndResume() async throws {
        let harness = try await MCTLServeHarness.start()
        defer { Task { await harness.stop() } }
        let resumeBody: [String: Any] = ["team_name": "labs", "telegram_owner_ids": "111,222"]
        let early = try await harness.call("POST", "/api/v1/openclaw/deploy/resume", as: "alice", json: resumeBody)
        #expect(early.status == 409)
        #expect((early.body["botTokenIntakeURL"] as? String)?.contains("/openclaw/intake?") == true)

        let page = try await harness.probe.get(
            "/openclaw/intake?team=labs&service=openclaw&returnTo=https%3A%2F%2Flabs-openclaw.mctl.ai%2F",
            headers: ["Authorization": "Bearer " + MCTLServeHarness.token("alice")])
        #expect(page.status == 200)
        #expect(page.text.contains("name=\"telegram_bot_token\""))
        let forDeveloper = try await harness.probe.get(
            "/openclaw/intake?team=labs&service=openclaw", headers: ["Authorization": "Bearer " + MCTLServeHarness.token("bob")])
        #expect(forDeveloper.status == 403)

        let origin = "http://127.0.0.1:\(harness.port)"
        let crossSite = try await postIntake(harness, origin: "https://evil.example", form: intakeForm(harness))
        #expect(crossSite.status == 403)
        #expect(!crossSite.text.contains(Self.botToken))
        let noOrigin = try await postIntake(harness, origin: nil, form: intakeForm(harness))
        #expect(noOrigin.status == 403, "no Origin, Referer or Sec-Fetch-Site is refused")
        let badShape = try await postIntake(harness, origin: origin, form: intakeForm(harness, token: "12345:short"))
        #expect(badShape.status == 400)
        #expect(!badShape.text.contains("12345:short"))
        let asDeveloper = try await postIntake(harness, origin: origin, as: "bob", form: intakeForm(harness))
        #expect(asDeveloper.status == 403)
        let elsewhere = try await postIntake(harness, origin: origin, form: intakeForm(harness, returnTo: "https://evil.example/"))
        #expect(elsewhere.status == 200, "an untrusted returnTo is not followed")
        #expect(elsewhere.header("location") == nil)
        let saved = try await postIntake(harness, origin: origin, form: intakeForm(harness))
        #expect(saved.status == 302)
        #expect(saved.header("location") == "https://labs-openclaw.mctl.ai/?telegram_saved=1")

        let secrets = try FileSecrets(stateDirectory: harness.stateDir, environment: [:])
        #expect(try await secrets.read(path: "teams/labs/openclaw/telegram")?["telegram-bot-token"] == Self.botToken)

        let resumed = try await harness.call("POST", "/api/v1/openclaw/deploy/resume", as: "alice", json: resumeBody)
        #expect(resumed.status == 202, "\(resumed.body)")
        for key in ["workflow", "databaseWorkflow", "dashboardURL", "message", "nextSteps"] {
            #expect(resumed.body[key] != nil, "resume result lacks \(key)")
        }
        #expect(try harness.repo.commitCount() == 2)
        let commit = try harness.repo.lastCommit()
        #expect(commit.author == "Talon Bot <bot@talon.test>")
        #expect(commit.subject.hasPrefix("feat: onboard labs/openclaw"))
        #expect(commit.files.contains("platform-gitops/services/labs/openclaw/values.yaml"))
        #expect(commit.files.contains("platform-gitops/services/labs/openclaw/catalog-info.yaml"))
        #expect(commit.files.contains { $0.hasSuffix("databases.yaml") })
        #expect(commit.files.contains { $0.hasSuffix("secrets.yaml") })
        #expect(commit.files.contains { $0.hasSuffix("cluster.yaml") })
        #expect(try harness.repo.isClean())

        let database = try #require(try await secrets.read(path: "teams/labs/openclaw/database"))
        let password = try #require(database["password"])
        #expect(password.count == 32)
        #expect(database["username"] == "labs-openclaw")
        let history = try harness.repo.git(["log", "-p"])
        #expect(!history.contains(password), "the database password is not in git")
        #expect(!history.contains(Self.botToken), "the bot token is not in git")
        let values = try #require(harness.repo.read("platform-gitops/services/labs/openclaw/values.yaml"))
        #expect(values.contains("18789"))
        #expect(values.contains("Recreate"))

        let again = try await harness.call("POST", "/api/v1/openclaw/deploy/start", as: "alice", json: ["team_name": "labs"])
        #expect(again.status == 409)
        #expect((again.body["error"] as? String)?.contains("already exists") == true)
        let resumeAgain = try await harness.call("POST", "/api/v1/openclaw/deploy/resume", as: "alice", json: resumeBody)
        #expect(resumeAgain.status == 409)
        #expect(try harness.repo.commitCount() == 2)
    }

    @Test("a custom host: the intake link is signed, the signed returnTo is followed, a changed one is not")
    func customHostIntake() async throws {
        let harness = try await MCTLServeHarness.start()
        defer { Task { await harness.stop() } }
        let started = try await harness.call(
            "POST", "/api/v1/openclaw/deploy/start", as: "alice", json: ["team_name": "labs", "host": "bot.example.org"])
        #expect(started.status == 200, "\(started.body)")
        #expect(started.body["dashboardURL"] as? String == "https://bot.example.org/")
        let link = try #require(started.body["botTokenIntakeURL"] as? String)
        let query = try #require(URLComponents(string: link)?.queryItems)
        #expect(query.first { $0.name == "returnTo" }?.value == "https://bot.example.org/")
        let signature = try #require(query.first { $0.name == "sig" }?.value)

        let page = try await harness.probe.get(
            String(link.dropFirst("http://127.0.0.1:\(harness.port)".count)),
            headers: ["Authorization": "Bearer " + MCTLServeHarness.token("alice")])
        #expect(page.status == 200)
        #expect(page.text.contains("name=\"sig\" value=\"\(signature)\""), "the form carries the signature")

        let origin = "http://127.0.0.1:\(harness.port)"
        let forged = try await postIntake(
            harness, origin: origin, form: intakeForm(harness, returnTo: "https://evil.example/", signature: signature))
        #expect(forged.status == 200, "a signature for another returnTo does not open a redirect")
        #expect(forged.header("location") == nil)
        let unsigned = try await postIntake(harness, origin: origin, form: intakeForm(harness, returnTo: "https://bot.example.org/"))
        #expect(unsigned.header("location") == nil, "an unsigned custom host is not followed")
        let signed = try await postIntake(
            harness, origin: origin, form: intakeForm(harness, returnTo: "https://bot.example.org/", signature: signature))
        #expect(signed.status == 302)
        #expect(signed.header("location") == "https://bot.example.org/?telegram_saved=1")

        let standard = try await harness.call("POST", "/api/v1/openclaw/deploy/start", as: "alice", json: ["team_name": "labs"])
        #expect((standard.body["botTokenIntakeURL"] as? String)?.contains("sig=") == false, "the tenant's own host needs no signature")
    }
}

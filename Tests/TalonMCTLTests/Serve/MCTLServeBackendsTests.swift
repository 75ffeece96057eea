import Foundation
import TalonTestSupport
import Testing

@testable import TalonMCTL

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `talon mctl serve` against its outside backends: Vault KV v2 (a faithful fake) for the bot token and the database
/// password, and a real VictoriaMetrics for the sizing recommendation.
@Suite("mctl serve: Vault and VictoriaMetrics backends", .serialized)
struct MCTLServeBackendsTests {
    static let vmURL = ProcessInfo.processInfo.environment["TALON_TEST_VM_URL"]

    @Test("Vault: the intake writes the token, resume reads it and stores the database password; an outage is a clear 502")
    func vault() async throws {
        let vault = try await FakeVault.start()
        defer { Task { await vault.stop() } }
        let harness = try await MCTLServeHarness.start(environment: ["VAULT_ADDR": vault.address, "VAULT_TOKEN": vault.token])
        defer { Task { await harness.stop() } }
        let origin = "http://127.0.0.1:\(harness.port)"
        let deploy = MCTLServeDeployTests()

        vault.failNext(1, status: 503)
        let outage = try await deploy.postIntake(harness, origin: origin, form: deploy.intakeForm(harness))
        #expect(outage.status == 502)
        #expect(!outage.text.contains(MCTLServeDeployTests.botToken))
        #expect(vault.secret(path: "teams/labs/openclaw/telegram") == nil)

        let saved = try await deploy.postIntake(harness, origin: origin, form: deploy.intakeForm(harness))
        #expect(saved.status == 302)
        #expect(vault.secret(path: "teams/labs/openclaw/telegram")?["telegram-bot-token"] == MCTLServeDeployTests.botToken)
        #expect(vault.requests.contains { $0.header("x-vault-token") == vault.token })

        vault.failNext(1, status: 500)
        let failed = try await harness.call("POST", "/api/v1/openclaw/deploy/resume", as: "alice", json: ["team_name": "labs"])
        #expect(failed.status == 502, "\(failed.body)")
        #expect(try harness.repo.commitCount() == 1, "nothing committed when the secrets backend fails")

        let resumed = try await harness.call("POST", "/api/v1/openclaw/deploy/resume", as: "alice", json: ["team_name": "labs"])
        #expect(resumed.status == 202, "\(resumed.body)")
        let database = try #require(vault.secret(path: "teams/labs/openclaw/database"))
        #expect(database["password"]?.count == 32)
        #expect(database["host"] == "shared-pg-rw.platform-db.svc.cluster.local")
        #expect(try harness.repo.commitCount() == 2)
    }

    @Test(
        "VictoriaMetrics: a day of samples gives the recommendation with its stats over REST",
        .enabled(if: vmURL != nil, "set TALON_TEST_VM_URL (scripts/victoria-metrics.sh start DIR PORT)"))
    func sizingFromVictoriaMetrics() async throws {
        let base = try #require(Self.vmURL).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let team = "sz-" + String(UUID().uuidString.lowercased().prefix(8))
        let now = Int(Date().timeIntervalSince1970)
        // Memory 900 MiB with half an hour at 1.5 GiB (two of ~97 points: the max, not the p95), CPU 0.3 cores → steady-small.
        var lines: [String] = []
        var counter = 0.0
        for minute in stride(from: 25 * 60, through: 0, by: -1) {
            let stamp = (now - minute * 60) * 1000
            let memory = minute >= 120 && minute < 150 ? 1.5 * 1024 * 1024 * 1024 : 900.0 * 1024 * 1024
            counter += 0.3 * 60
            let labels = "namespace=\"\(team)\",pod=\"openclaw-base-service-7d9f-abcde\",container=\"base-service\""
            lines.append("container_memory_working_set_bytes{\(labels)} \(Int(memory)) \(stamp)")
            lines.append("container_cpu_usage_seconds_total{\(labels)} \(counter) \(stamp)")
        }
        var importRequest = URLRequest(url: URL(string: base + "/api/v1/import/prometheus")!)
        importRequest.httpMethod = "POST"
        importRequest.httpBody = Data((lines.joined(separator: "\n") + "\n").utf8)
        let (_, imported) = try await URLSession.shared.data(for: importRequest)
        #expect((imported as? HTTPURLResponse)?.statusCode == 204)
        _ = try await URLSession.shared.data(from: URL(string: base + "/internal/force_flush")!)

        let tenant = GitOpsFixture.TenantSpec(name: team, members: [.init("alice", "owner")])
        let harness = try await MCTLServeHarness.start(
            tenants: [tenant], services: ["\(team)/openclaw": MCTLServeOperationsTests.existingValues],
            environment: ["VICTORIAMETRICS_URL": base])
        defer { Task { await harness.stop() } }
        var body: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let answer = try await harness.call("GET", "/api/v1/openclaw/\(team)/openclaw/sizing", as: "alice")
            #expect(answer.status == 200, "\(answer.body)")
            body = answer.body
            if let stats = body["stats"] as? [String: Any], (stats["sampleCount"] as? Int ?? 0) >= 96 { break }
            try #require(ContinuousClock.now < deadline, "samples not searchable within 60 s: \(body)")
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(body["profile"] as? String == "steady-small", "\(body)")
        #expect(abs(((body["stats"] as? [String: Any])?["memoryP95Bytes"] as? Double ?? 0) - 900 * 1024 * 1024) < 1)
        let stats = try #require(body["stats"] as? [String: Any])
        #expect(abs((stats["memoryMaxBytes"] as? Double ?? 0) - 1.5 * 1024 * 1024 * 1024) < 1)
        #expect(abs((stats["cpuMaxCores"] as? Double ?? 0) - 0.3) < 0.01)
        #expect((body["profileSpec"] as? [String: Any])?["name"] as? String == body["profile"] as? String)
        #expect(body["lookbackHours"] as? Int == 24)
    }
}

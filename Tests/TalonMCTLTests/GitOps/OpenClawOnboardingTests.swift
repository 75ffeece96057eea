import Foundation
import Testing
import Yams

@testable import TalonMCTL

@Suite struct OpenClawOnboardingTests {
    static let input = OpenClawOnboardingInput(
        team: "labs", service: "openclaw", host: "labs-openclaw.mctl.ai", defaultModel: "openai-codex/gpt-5.4",
        ownerIDs: ["123456789", "42"], imageTag: "2026.3.25")

    static let existingCluster = """
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: shared-pg
          namespace: platform-db
        spec:
          instances: 2
          storage:
            size: 20Gi
          postgresql:
            pg_hba:
              - host all postgres 10.42.0.0/16 scram-sha-256
              - host ovk-api ovk-api all scram-sha-256
              - host all all 0.0.0.0/0 reject
              - host all all ::/0 reject
          managed:
            roles:
              # Team app roles
              - name: ovk-api
                login: true
                connectionLimit: 10
                ensure: present
                passwordSecret:
                  name: ovk-api-db-creds
        """

    @Test func clusterPatchInsertsBeforeRejectAndIsIdempotent() throws {
        let database = Self.input.database
        let patched = try #require(try database.patchedCluster(Self.existingCluster))
        let object = try #require(try Yams.load(yaml: patched) as? [String: Any])
        let spec = try #require(object["spec"] as? [String: Any])
        let hba = (spec["postgresql"] as? [String: Any])?["pg_hba"] as? [String]
        #expect(
            hba == [
                "host all postgres 10.42.0.0/16 scram-sha-256", "host ovk-api ovk-api all scram-sha-256",
                "host labs-openclaw labs-openclaw all scram-sha-256", "host all all 0.0.0.0/0 reject", "host all all ::/0 reject",
            ])
        let roles = try #require((spec["managed"] as? [String: Any])?["roles"] as? [[String: Any]])
        #expect(roles.count == 2)
        let role = try #require(roles.last)
        #expect(role["name"] as? String == "labs-openclaw")
        #expect(role["login"] as? Bool == true)
        #expect(role["connectionLimit"] as? Int == 10)
        #expect(role["ensure"] as? String == "present")
        #expect((role["passwordSecret"] as? [String: Any])?["name"] as? String == "labs-openclaw-db-creds")
        #expect(spec["instances"] as? Int == 2)
        #expect(try database.patchedCluster(patched) == nil)
    }

    @Test func clusterPatchAppendsWithoutRejectAndCreatesMissingCluster() throws {
        let database = Self.input.database
        let noReject =
            "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: shared-pg}\nspec:\n  instances: 1\n  postgresql:\n    pg_hba: [local all all peer]\n"
        let patched = try #require(try database.patchedCluster(noReject))
        let hba = GitOpsYAML.value(in: try Yams.compose(yaml: patched), at: ["spec", "postgresql", "pg_hba"])?.sequence?.compactMap {
            $0.scalar?.string
        }
        #expect(hba == ["local all all peer", "host labs-openclaw labs-openclaw all scram-sha-256"])
        let created = try #require(try database.patchedCluster(nil))
        let object = try #require(try Yams.load(yaml: created) as? [String: Any])
        #expect((object["metadata"] as? [String: Any])?["name"] as? String == "shared-pg")
        #expect((object["metadata"] as? [String: Any])?["namespace"] as? String == "platform-db")
        let createdHBA = ((object["spec"] as? [String: Any])?["postgresql"] as? [String: Any])?["pg_hba"] as? [String]
        #expect(createdHBA?.first == "host labs-openclaw labs-openclaw all scram-sha-256")
        #expect(createdHBA?.last == "host all all 0.0.0.0/0 reject")
    }

    @Test func databaseAndSecretDocumentsAppendOnce() throws {
        let database = Self.input.database
        let existing =
            "---\napiVersion: postgresql.cnpg.io/v1\nkind: Database\nmetadata:\n  name: ovk-api-db\nspec: {name: ovk-api, owner: ovk-api, cluster: {name: shared-pg}}\n"
        let appended = try #require(try database.appendedDatabase(existing))
        #expect(appended.hasPrefix(existing))
        let documents = try Array(Yams.load_all(yaml: appended)).compactMap { $0 as? [String: Any] }
        #expect(documents.count == 2)
        let spec = try #require(documents.last?["spec"] as? [String: Any])
        #expect(spec["name"] as? String == "labs-openclaw")
        #expect(spec["owner"] as? String == "labs-openclaw")
        #expect((spec["cluster"] as? [String: Any])?["name"] as? String == "shared-pg")
        #expect(spec["databaseReclaimPolicy"] as? String == "retain")
        #expect(try database.appendedDatabase(appended) == nil)

        let secrets = try #require(try database.appendedSecret(nil))
        let secret = try #require(try Yams.load(yaml: secrets) as? [String: Any])
        #expect(secret["kind"] as? String == "ExternalSecret")
        let secretSpec = try #require(secret["spec"] as? [String: Any])
        #expect(secretSpec["secretStoreRef"] as? [String: String] == ["name": "cnpg-db-creds", "kind": "SecretStore"])
        let template = ((secretSpec["target"] as? [String: Any])?["template"] as? [String: Any])?["data"] as? [String: String]
        #expect(Set(template?.keys.map { $0 } ?? []) == Set(DatabaseManifests.secretKeys))
        let data = try #require(secretSpec["data"] as? [[String: Any]])
        #expect(data.map { ($0["remoteRef"] as? [String: String])?["property"] } == ["host", "port", "database", "username", "password"])
        #expect(data.allSatisfy { ($0["remoteRef"] as? [String: String])?["key"] == "teams/labs/openclaw/database" })
        #expect(try database.appendedSecret(secrets) == nil)
        let vault = DatabaseManifests.vaultSecret(team: "labs", app: "openclaw", password: "pw")
        #expect(
            vault == [
                "host": "shared-pg-rw.platform-db.svc.cluster.local", "port": "5432", "database": "labs-openclaw",
                "username": "labs-openclaw", "password": "pw",
            ])
    }

    @Test func serviceValuesCarryTheContract() throws {
        let text = try OpenClawServiceValues.render(Self.input)
        let values = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(values["image"] as? [String: String] == ["repository": "ghcr.io/mctlhq/mctl-openclaw", "tag": "2026.3.25"])
        #expect((values["service"] as? [String: Any])?["port"] as? Int == 18789)
        #expect(values["strategy"] as? [String: String] == ["type": "Recreate"])
        let envFrom = (values["envFrom"] as? [[String: [String: String]]])?.compactMap { $0["secretRef"]?["name"] }
        #expect(envFrom == ["labs-openclaw-db-creds", "mctl-agent-api-token"])
        #expect((values["env"] as? [String: Any])?["NODE_OPTIONS"] as? String == "--max-old-space-size=3072")
        let requests = (values["resources"] as? [String: [String: String]])?["requests"]
        #expect(requests == ["cpu": "500m", "memory": "1Gi"])
        #expect((values["dbSecret"] as? [String: String])?["vaultPath"] == "teams/labs/openclaw/database")
        let ingress = try #require(values["ingress"] as? [String: Any])
        #expect(ingress["hosts"] as? [String] == ["labs-openclaw.mctl.ai", "labs-openclaw.mctl.me"])
        #expect((ingress["annotations"] as? [String: String])?["cert-manager.io/cluster-issuer"] == "letsencrypt-prod")
        let tls = try #require((ingress["tls"] as? [[String: Any]])?.first)
        #expect(tls["secretName"] as? String == "openclaw-tls")
        #expect(tls["hosts"] as? [String] == ["labs-openclaw.mctl.ai", "labs-openclaw.mctl.me"])
        let forwardAuth = try #require(ingress["forwardAuth"] as? [String: Any])
        #expect(forwardAuth["address"] as? String == "https://app.mctl.ai/api/oidc-provider/forward-auth?tenant=labs&service=openclaw")
        #expect(forwardAuth["authResponseHeaders"] as? [String] == ["X-Forwarded-User", "X-Mctl-Team-Role"])
        let secrets = try #require(values["extraExternalSecrets"] as? [String: [String: Any]])
        let telegram = (secrets["openclaw-telegram-secret"]?["data"] as? [[String: String]])?.first
        #expect(telegram?["remoteKey"] == "secret/data/teams/labs/openclaw/telegram")
        #expect(telegram?["property"] == "telegram-bot-token")
        let agentToken = (secrets["mctl-agent-api-token"]?["data"] as? [[String: String]])?.first
        #expect(agentToken?["remoteKey"] == "secret/data/platform/mctl-agent/tokens")
        #expect(agentToken?["property"] == "api-token")
    }

    @Test func openClawJSONParsesWithOwnersHooksAndMCP() throws {
        let text = try OpenClawServiceValues.render(Self.input)
        let json = try #require(OpenClawServiceValues.openClawJSON(fromValuesYAML: text, service: "openclaw"))
        let config = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let gateway = try #require(config["gateway"] as? [String: Any])
        #expect(gateway["bind"] as? String == "lan")
        #expect(gateway["port"] as? Int == 18789)
        let auth = try #require(gateway["auth"] as? [String: Any])
        #expect(auth["mode"] as? String == "trusted-proxy")
        #expect(auth["trustedProxy"] as? [String: String] == ["userHeader": "X-Forwarded-User", "roleHeader": "X-Mctl-Team-Role"])
        #expect(gateway["trustedProxies"] as? [String] == ["10.42.0.0/16", "10.43.0.0/16", "172.16.0.0/12"])
        #expect(
            (gateway["controlUi"] as? [String: Any])?["allowedOrigins"] as? [String]
                == ["https://labs-openclaw.mctl.ai", "https://labs-openclaw.mctl.me"])
        #expect(((config["agents"] as? [String: Any])?["defaults"] as? [String: Any])?["model"] as? String == "openai-codex/gpt-5.4")
        let telegram = try #require((config["channels"] as? [String: Any])?["telegram"] as? [String: Any])
        #expect(telegram["allowFrom"] as? [String] == ["123456789", "42"])
        #expect(telegram["dmPolicy"] as? String == "pairing")
        #expect(telegram["botToken"] as? String == "__TELEGRAM_TOKEN__")
        #expect(telegram["enabled"] as? Bool == true)
        let hooks = try #require(config["hooks"] as? [String: Any])
        #expect(hooks["path"] as? String == "/hooks")
        #expect(hooks["allowedSessionKeyPrefixes"] as? [String] == ["hook:"])
        let mapping = try #require((hooks["mappings"] as? [[String: Any]])?.first)
        #expect(mapping["sessionKey"] as? String == "hook:mctl-agent:{{payload.ticket.id}}")
        #expect((mapping["match"] as? [String: String])?["path"] == "mctl-agent")
        #expect(
            (mapping["messageTemplate"] as? String)?.contains("idempotencyKey=openclaw:{{payload.ticket.id}}:{{payload.event_id}}") == true)
        let mctl = try #require(((config["mcp"] as? [String: Any])?["servers"] as? [String: Any])?["mctl"] as? [String: Any])
        #expect(mctl["command"] as? String == "node")
        #expect((mctl["env"] as? [String: String])?["MCTL_AUTH_FILE"] == "/home/node/.openclaw/mcp-auth/mctl/credentials.json")
    }

    @Test func inputValidationAndImageSplitting() throws {
        var input = Self.input
        input.image = "registry.local:5000/team/openclaw:v1.2"
        #expect(input.imageRepository == "registry.local:5000/team/openclaw")
        #expect(input.imageTag == "v1.2")
        #expect(OpenClawOnboardingInput.mirrorHost("a.mctl.me") == "a.mctl.ai")
        #expect(OpenClawOnboardingInput.mirrorHost("a.example.com") == nil)
        var bad = Self.input
        bad.ownerIDs = ["12ab"]
        #expect(throws: OpenClawOnboardingError.self) { try OpenClawOnboarding.changes(bad, cluster: nil, databases: nil, secrets: nil) }
        bad = Self.input
        bad.team = "../x"
        #expect(throws: OpenClawOnboardingError.self) { try OpenClawOnboarding.changes(bad, cluster: nil, databases: nil, secrets: nil) }
        #expect(OpenClawOnboarding.commitMessage(Self.input) == "feat: onboard labs/openclaw (2026.3.25)")
    }

    @Test func fullOnboardingCommitValidates() async throws {
        let cnpg = "platform-gitops/infra-components/data/cnpg/shared"
        let (repo, url) = try await GitOpsTestSupport.makeRepo(files: [
            "\(cnpg)/cluster.yaml": Self.existingCluster, "\(cnpg)/databases.yaml": "", "README.md": "x\n",
        ])
        // TALON_GITOPS_KEEP=1 keeps the generated repo for a look (its path is printed).
        let keep = ProcessInfo.processInfo.environment["TALON_GITOPS_KEEP"] != nil
        defer { if keep { print("onboarding repo kept at \(url.path)") } else { GitOpsTestSupport.remove(url) } }
        #expect(try await ServiceValues.exists(in: repo, team: "labs", service: "openclaw") == false)
        let changes = try await OpenClawOnboarding.changes(Self.input, repo: repo)
        #expect(changes.count == 5)
        let sha = try await repo.commit(message: OpenClawOnboarding.commitMessage(Self.input), changes: changes)
        #expect(sha != nil)
        let info = try #require(try await repo.lastCommit())
        #expect(info.message == "feat: onboard labs/openclaw (2026.3.25)")
        #expect(
            info.files == [
                "\(cnpg)/cluster.yaml", "\(cnpg)/databases.yaml", "\(cnpg)/secrets.yaml",
                "platform-gitops/services/labs/openclaw/catalog-info.yaml", "platform-gitops/services/labs/openclaw/values.yaml",
            ])
        #expect(try await ServiceValues.exists(in: repo, team: "labs", service: "openclaw"))
        for file in info.files {
            let text = try #require(try await repo.read(file))
            #expect(throws: Never.self) { _ = try Array(Yams.load_all(yaml: text)) }
        }
        // Re-running leaves the database files alone: only the service files would be rewritten (identically).
        let again = try await OpenClawOnboarding.changes(Self.input, repo: repo)
        #expect(
            again.map(\.path) == [
                "platform-gitops/services/labs/openclaw/values.yaml", "platform-gitops/services/labs/openclaw/catalog-info.yaml",
            ])
        #expect(try await repo.commit(message: "again", changes: again) == nil)
        try await runManifestCheck(info.files.map { url.appendingPathComponent($0).path })
    }

    /// Runs Tests/e2e/k8s_manifests_check.py when python3 has kubernetes-validate; skipped otherwise.
    private func runManifestCheck(_ files: [String]) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/k8s_manifests_check.py")
        let probe = try await ProcessRunnerForTests.run("/usr/bin/env", ["python3", "-c", "import kubernetes_validate, yaml"])
        guard probe.status == 0 else { return }
        let result = try await ProcessRunnerForTests.run("/usr/bin/env", ["python3", script.path] + files)
        #expect(result.status == 0, "k8s_manifests_check.py: \(result.output)")
        #expect(result.output.contains("0 problem(s)"))
    }
}

/// Runs a helper program off the concurrency pool (termination handler + GCD pipe read).
enum ProcessRunnerForTests {
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            let group = DispatchGroup()
            group.enter()
            process.terminationHandler = { _ in group.leave() }
            do { try process.run() } catch {
                continuation.resume(throwing: error)
                return
            }
            try? pipe.fileHandleForWriting.close()
            let box = OutputHolder()
            group.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
            group.notify(queue: .global()) {
                continuation.resume(returning: (process.terminationStatus, String(decoding: box.get(), as: UTF8.self)))
            }
        }
    }

    private final class OutputHolder: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data } }
    }
}

import Foundation
import TalonTestSupport
import Testing

@testable import TalonMCTL

/// The Vault KV v2 client against the fake Vault: the wire format, the answers it maps, and that
/// neither the token nor a secret value ever shows in an error.
@Suite struct VaultKVSecretsTests {
    private func withVault(
        namespace: String? = nil, _ body: (FakeVault, VaultKVSecrets) async throws -> Void
    ) async throws {
        let vault = try await FakeVault.start(namespace: namespace)
        let client = VaultKVSecrets(address: vault.address + "/", token: vault.token, namespace: namespace, timeoutSeconds: 5)
        do {
            try await body(vault, client)
        } catch {
            await vault.stop()
            throw error
        }
        await vault.stop()
    }

    @Test func writeThenReadRoundTrips() async throws {
        try await withVault { vault, client in
            let path = "teams/labs/openclaw/telegram"
            try await client.write(path: path, data: ["telegram-bot-token": "123456:abc-secret"])
            #expect(try await client.read(path: path) == ["telegram-bot-token": "123456:abc-secret"])
            #expect(vault.secret(path: path) == ["telegram-bot-token": "123456:abc-secret"])
            try await client.write(path: path, data: ["telegram-bot-token": "second"])
            #expect(vault.version(path: path) == 2)
            #expect(try await client.read(path: path) == ["telegram-bot-token": "second"])

            let post = try #require(vault.requests.first)
            #expect(post.method == "POST")
            #expect(post.path == "/v1/secret/data/teams/labs/openclaw/telegram")
            #expect(post.header("X-Vault-Token") == vault.token)
            #expect(post.header("Content-Type") == "application/json")
            let body = try JSONSerialization.jsonObject(with: Data(post.bodyText.utf8)) as? [String: Any]
            #expect((body?["data"] as? [String: String]) == ["telegram-bot-token": "123456:abc-secret"])
            #expect(vault.requests.allSatisfy { $0.header("X-Vault-Token") == vault.token })
            #expect(vault.requests.allSatisfy { $0.header("X-Vault-Namespace") == nil })
        }
    }

    @Test func missingSecretReadsAsNil() async throws {
        try await withVault { vault, client in
            let missing = try await client.read(path: "teams/labs/none/telegram")
            #expect(missing == nil)
            #expect(vault.requests.last?.method == "GET")
        }
    }

    @Test func deletedLatestVersionReadsAsNil() async throws {
        try await withVault { vault, client in
            vault.setSecret(path: "teams/a/b/database", data: ["password": "x"])
            vault.deleteLatest(path: "teams/a/b/database")
            let deleted = try await client.read(path: "teams/a/b/database")
            #expect(deleted == nil)
        }
    }

    @Test func nonStringValuesReadAsText() async throws {
        try await withVault { vault, client in
            try vault.setSecret(
                path: "teams/a/b/database",
                json: #"{"host":"pg","port":5432,"ssl":true,"ratio":0.5,"tags":["a","b"],"gone":null}"#)
            let read = try await client.read(path: "teams/a/b/database")
            #expect(read == ["host": "pg", "port": "5432", "ssl": "true", "ratio": "0.5", "tags": #"["a","b"]"#])
        }
    }

    @Test func namespaceHeaderIsSent() async throws {
        try await withVault(namespace: "platform/team") { vault, client in
            try await client.write(path: "p/q", data: ["k": "v"])
            #expect(try await client.read(path: "p/q") == ["k": "v"])
            #expect(vault.requests.allSatisfy { $0.header("X-Vault-Namespace") == "platform/team" })
        }
    }

    @Test func badTokenIsPermissionDeniedWithoutTheToken() async throws {
        let vault = try await FakeVault.start()
        let wrongToken = "hvs.wrong-token-value-1234"
        let client = VaultKVSecrets(address: vault.address, token: wrongToken, timeoutSeconds: 5)
        let error = await #expect(throws: PlatformSecretsError.self) { try await client.read(path: "teams/a/b/telegram") }
        guard case .permissionDenied(_, let path, let messages) = error else {
            Issue.record("expected permissionDenied, got \(String(describing: error))")
            return
        }
        #expect(path == "teams/a/b/telegram")
        #expect(messages == ["permission denied"])
        let text = "\(error!)"
        #expect(text.contains("permission denied"))
        #expect(!text.contains(wrongToken))
        let writeError = await #expect(throws: PlatformSecretsError.self) {
            try await client.write(path: "teams/a/b/telegram", data: ["telegram-bot-token": "the-secret-value"])
        }
        #expect(!"\(writeError!)".contains("the-secret-value"))
        #expect(!"\(writeError!)".contains(wrongToken))
        #expect(vault.requests.allSatisfy { $0.header("X-Vault-Token") == wrongToken })
        await vault.stop()
    }

    @Test func serverErrorsAreReportedWithVaultsMessages() async throws {
        try await withVault { vault, client in
            vault.failNext(1, status: 503)
            let sealed = await #expect(throws: PlatformSecretsError.self) { try await client.read(path: "a/b") }
            #expect(sealed == .backendError(backend: "vault", status: 503, messages: ["Vault is sealed"]))
            #expect("\(sealed!)".contains("503"))
            vault.failNext(1, status: 500)
            let internalError = await #expect(throws: PlatformSecretsError.self) {
                try await client.write(path: "a/b", data: ["k": "secret-value"])
            }
            #expect(internalError == .backendError(backend: "vault", status: 500, messages: ["internal error"]))
            #expect(!"\(internalError!)".contains("secret-value"))
            #expect(!"\(internalError!)".contains(vault.token))
            // Afterwards the server answers normally again.
            let afterwards = try await client.read(path: "a/b")
            #expect(afterwards == nil)
        }
    }

    @Test func unknownMountIsAnErrorNotMissing() async throws {
        let vault = try await FakeVault.start()
        let client = VaultKVSecrets(address: vault.address, token: vault.token, mount: "kv", timeoutSeconds: 5)
        let error = await #expect(throws: PlatformSecretsError.self) { try await client.read(path: "a/b") }
        await vault.stop()
        guard case .backendError(_, 404, let messages) = error else {
            Issue.record("expected a 404 backend error, got \(String(describing: error))")
            return
        }
        #expect(messages.first?.contains("no handler for route") == true)
    }

    @Test func unreachableAndSlowVaultsAreReported() async throws {
        let vault = try await FakeVault.start()
        let slowClient = VaultKVSecrets(address: vault.address, token: vault.token, timeoutSeconds: 0.3)
        vault.stallNext(seconds: 3)
        let slow = await #expect(throws: PlatformSecretsError.self) { try await slowClient.read(path: "a/b") }
        #expect("\(slow!)".contains("no answer within"))
        let address = vault.address
        await vault.stop()
        let deadClient = VaultKVSecrets(address: address, token: "hvs.dead-token", timeoutSeconds: 2)
        let dead = await #expect(throws: PlatformSecretsError.self) { try await deadClient.read(path: "a/b") }
        guard case .unreachable = dead else {
            Issue.record("expected unreachable, got \(String(describing: dead))")
            return
        }
        #expect(!"\(dead!)".contains("hvs.dead-token"))
    }

    @Test func invalidPathsAreRefusedBeforeAnyRequest() async throws {
        try await withVault { vault, client in
            for path in ["", "a//b", "../etc", "a/./b", "/a", "a/"] {
                await #expect(throws: PlatformSecretsError.invalidPath(path)) { try await client.read(path: path) }
            }
            #expect(vault.requests.isEmpty)
            // Characters that mean something in a URL stay inside their segment.
            try await client.write(path: "teams/a b/c?d#e", data: ["k": "v"])
            #expect(vault.requests.last?.path == "/v1/secret/data/teams/a b/c?d#e")
            #expect(try await client.read(path: "teams/a b/c?d#e") == ["k": "v"])
        }
    }

    @Test func fromEnvironment() throws {
        #expect(try VaultKVSecrets.fromEnvironment([:]) == nil)
        #expect(try VaultKVSecrets.fromEnvironment(["VAULT_ADDR": " "]) == nil)
        #expect(throws: PlatformSecretsError.self) { try VaultKVSecrets.fromEnvironment(["VAULT_ADDR": "http://vault:8200"]) }
        #expect(throws: PlatformSecretsError.self) { try VaultKVSecrets.fromEnvironment(["VAULT_ADDR": "vault:8200", "VAULT_TOKEN": "t"]) }
        let client = try #require(
            try VaultKVSecrets.fromEnvironment([
                "VAULT_ADDR": "https://vault.example:8200/", "VAULT_TOKEN": "hvs.env-token", "VAULT_NAMESPACE": "ns1",
                "VAULT_KV_MOUNT": "kv",
            ]))
        #expect(client.address == "https://vault.example:8200")
        #expect(client.mount == "kv")
        #expect(client.namespace == "ns1")
        #expect(client.timeoutSeconds == 10)
        #expect(client.backendName == "vault")
        let defaults = try #require(try VaultKVSecrets.fromEnvironment(["VAULT_ADDR": "http://v:8200", "VAULT_TOKEN": "t"]))
        #expect(defaults.mount == "secret")
        #expect(defaults.namespace == nil)
        // The token stays out of printed and dumped values.
        var dumped = ""
        dump(client, to: &dumped)
        #expect(!dumped.contains("hvs.env-token"))
        #expect(!"\(client)".contains("hvs.env-token"))
        #expect(!String(reflecting: client).contains("hvs.env-token"))
    }

    @Test func errorMessagesAreRedacted() {
        let body = Data(#"{"errors":["bad token hvs.abc in header","other"]}"#.utf8)
        #expect(VaultKVSecrets.errorMessages(body, redacting: "hvs.abc") == ["bad token <redacted> in header", "other"])
        #expect(VaultKVSecrets.errorMessages(Data("not json".utf8), redacting: "x").isEmpty)
    }

    @Test func backendIsChosenFromTheEnvironment() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("talon-secrets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try PlatformSecretsBackend.fromEnvironment(
            ["VAULT_ADDR": "http://v:8200", "VAULT_TOKEN": "t"], stateDirectory: directory)
        #expect(vault.backendName == "vault")
        let file = try PlatformSecretsBackend.fromEnvironment([:], stateDirectory: directory)
        #expect(file.backendName == "file")
    }
}

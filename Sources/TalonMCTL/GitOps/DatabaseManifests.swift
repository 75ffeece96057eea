import Foundation
import Yams

/// The shared CNPG database provisioning of §2.4 (`wft-provision-database.yaml`): a managed role
/// and pg_hba line in `cluster.yaml`, a `Database` CR, and an `ExternalSecret` that turns the
/// secrets-backend entry into `<db>-db-creds`. The password itself never enters git.
struct DatabaseManifests: Sendable {
    var team: String
    var app: String
    /// Directory holding `cluster.yaml`, `databases.yaml`, `secrets.yaml`.
    var cnpgDir: String = "platform-gitops/infra-components/data/cnpg/shared"

    static let clusterName = "shared-pg"
    static let namespace = "platform-db"
    static let host = "shared-pg-rw.platform-db.svc.cluster.local"
    static let port = "5432"
    static let secretStore = "cnpg-db-creds"
    /// The keys the generated Kubernetes Secret carries, in the platform's order.
    static let secretKeys = ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "username", "password"]

    /// `<team>-<app>`: database, role and user name.
    var databaseName: String { "\(team)-\(app)" }
    var credentialsSecretName: String { "\(databaseName)-db-creds" }
    /// Secrets-backend path (KV v2 under mount `secret`) of the credentials.
    var vaultPath: String { Self.vaultPath(team: team, app: app) }
    var clusterPath: String { "\(cnpgDir)/cluster.yaml" }
    var databasesPath: String { "\(cnpgDir)/databases.yaml" }
    var secretsPath: String { "\(cnpgDir)/secrets.yaml" }
    var pgHBALine: String { "host \(databaseName) \(databaseName) all scram-sha-256" }

    static func vaultPath(team: String, app: String) -> String { "teams/\(team)/\(app)/database" }

    /// What the caller writes to the secrets backend at `vaultPath` before committing.
    static func vaultSecret(team: String, app: String, password: String) -> [String: String] {
        let name = "\(team)-\(app)"
        return ["host": host, "port": port, "database": name, "username": name, "password": password]
    }

    /// The changes that provision this database given the current files (nil = missing).
    /// Each file is left out when it already has this database (idempotent).
    func changes(cluster: String?, databases: String?, secrets: String?) throws -> [GitOpsChange] {
        var result: [GitOpsChange] = []
        if let patched = try patchedCluster(cluster) { result.append(.write(path: clusterPath, content: patched)) }
        if let appended = try appendedDatabase(databases) { result.append(.write(path: databasesPath, content: appended)) }
        if let appended = try appendedSecret(secrets) { result.append(.write(path: secretsPath, content: appended)) }
        return result
    }

    // MARK: - cluster.yaml

    /// Adds the managed role and the pg_hba line (before the first `reject` rule); nil if both exist.
    /// A missing file becomes a minimal `Cluster shared-pg` in `platform-db`.
    func patchedCluster(_ text: String?) throws -> String? {
        var root = try text.map { try GitOpsYAML.parseDocument($0, file: clusterPath) } ?? minimalCluster()
        guard root.mapping != nil else { throw GitOpsYAMLError(file: clusterPath, reason: "top level is not a mapping") }
        var changed = text == nil

        var hba = GitOpsYAML.value(in: root, at: ["spec", "postgresql", "pg_hba"])?.sequence ?? Node.Sequence([])
        let normalized = hba.map { ($0.scalar?.string ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        if !normalized.contains(pgHBALine) {
            let rejectIndex = normalized.firstIndex { $0.split(separator: " ").last == "reject" }
            hba.insert(GitOpsYAML.string(pgHBALine), at: rejectIndex ?? hba.count)
            root = GitOpsYAML.setting(.sequence(hba), at: ["spec", "postgresql", "pg_hba"], in: root)
            changed = true
        }

        var roles = GitOpsYAML.value(in: root, at: ["spec", "managed", "roles"])?.sequence ?? Node.Sequence([])
        if !roles.contains(where: { $0.mapping?["name"]?.scalar?.string == databaseName }) {
            roles.append(managedRole)
            root = GitOpsYAML.setting(.sequence(roles), at: ["spec", "managed", "roles"], in: root)
            changed = true
        }
        return changed ? try GitOpsYAML.render(root) : nil
    }

    var managedRole: Node {
        GitOpsYAML.map([
            ("name", GitOpsYAML.string(databaseName)),
            ("login", GitOpsYAML.bool(true)),
            ("connectionLimit", GitOpsYAML.int(10)),
            ("ensure", GitOpsYAML.string("present")),
            ("passwordSecret", GitOpsYAML.map([("name", GitOpsYAML.string(credentialsSecretName))])),
        ])
    }

    /// The smallest valid CNPG cluster (only for a fresh GitOps repo): one instance, reject-all last.
    private func minimalCluster() -> Node {
        GitOpsYAML.map([
            ("apiVersion", GitOpsYAML.string("postgresql.cnpg.io/v1")),
            ("kind", GitOpsYAML.string("Cluster")),
            (
                "metadata",
                GitOpsYAML.map([("name", GitOpsYAML.string(Self.clusterName)), ("namespace", GitOpsYAML.string(Self.namespace))])
            ),
            (
                "spec",
                GitOpsYAML.map([
                    ("instances", GitOpsYAML.int(1)),
                    ("storage", GitOpsYAML.map([("size", GitOpsYAML.string("10Gi"))])),
                    ("postgresql", GitOpsYAML.map([("pg_hba", GitOpsYAML.strings(["host all all 0.0.0.0/0 reject"]))])),
                    ("managed", GitOpsYAML.map([("roles", GitOpsYAML.list([]))])),
                ])
            ),
        ])
    }

    // MARK: - databases.yaml / secrets.yaml

    func appendedDatabase(_ text: String?) throws -> String? {
        if try containsDocument(text, kind: "Database", name: "\(databaseName)-db", file: databasesPath) { return nil }
        return GitOpsYAML.appendDocument(try GitOpsYAML.render(databaseDocument), to: text)
    }

    func appendedSecret(_ text: String?) throws -> String? {
        if try containsDocument(text, kind: "ExternalSecret", name: credentialsSecretName, file: secretsPath) { return nil }
        return GitOpsYAML.appendDocument(try GitOpsYAML.render(externalSecretDocument), to: text)
    }

    var databaseDocument: Node {
        GitOpsYAML.map([
            ("apiVersion", GitOpsYAML.string("postgresql.cnpg.io/v1")),
            ("kind", GitOpsYAML.string("Database")),
            (
                "metadata",
                GitOpsYAML.map([("name", GitOpsYAML.string("\(databaseName)-db")), ("namespace", GitOpsYAML.string(Self.namespace))])
            ),
            (
                "spec",
                GitOpsYAML.map([
                    ("name", GitOpsYAML.string(databaseName)),
                    ("owner", GitOpsYAML.string(databaseName)),
                    ("cluster", GitOpsYAML.map([("name", GitOpsYAML.string(Self.clusterName))])),
                    ("databaseReclaimPolicy", GitOpsYAML.string("retain")),
                ])
            ),
        ])
    }

    var externalSecretDocument: Node {
        let templates: [(String, String)] = [
            ("DATABASE_URL", "postgresql://{{ .username }}:{{ .password }}@{{ .host }}:{{ .port }}/{{ .database }}"),
            ("DB_HOST", "{{ .host }}"), ("DB_PORT", "{{ .port }}"), ("DB_NAME", "{{ .database }}"),
            ("DB_USER", "{{ .username }}"), ("DB_PASSWORD", "{{ .password }}"),
            ("username", "{{ .username }}"), ("password", "{{ .password }}"),
        ]
        let data = ["host", "port", "database", "username", "password"].map { property in
            GitOpsYAML.map([
                ("secretKey", GitOpsYAML.string(property)),
                ("remoteRef", GitOpsYAML.map([("key", GitOpsYAML.string(vaultPath)), ("property", GitOpsYAML.string(property))])),
            ])
        }
        return GitOpsYAML.map([
            ("apiVersion", GitOpsYAML.string("external-secrets.io/v1beta1")),
            ("kind", GitOpsYAML.string("ExternalSecret")),
            (
                "metadata",
                GitOpsYAML.map([("name", GitOpsYAML.string(credentialsSecretName)), ("namespace", GitOpsYAML.string(Self.namespace))])
            ),
            (
                "spec",
                GitOpsYAML.map([
                    ("refreshInterval", GitOpsYAML.string("1h")),
                    (
                        "secretStoreRef",
                        GitOpsYAML.map([("name", GitOpsYAML.string(Self.secretStore)), ("kind", GitOpsYAML.string("SecretStore"))])
                    ),
                    (
                        "target",
                        GitOpsYAML.map([
                            ("name", GitOpsYAML.string(credentialsSecretName)),
                            ("creationPolicy", GitOpsYAML.string("Owner")),
                            (
                                "template",
                                GitOpsYAML.map([
                                    ("type", GitOpsYAML.string("Opaque")),
                                    ("data", GitOpsYAML.map(templates.map { ($0.0, GitOpsYAML.string($0.1)) })),
                                ])
                            ),
                        ])
                    ),
                    ("data", GitOpsYAML.list(data)),
                ])
            ),
        ])
    }

    private func containsDocument(_ text: String?, kind: String, name: String, file: String) throws -> Bool {
        guard let text else { return false }
        return try GitOpsYAML.parseDocuments(text, file: file).contains { document in
            document.mapping?["kind"]?.scalar?.string == kind
                && GitOpsYAML.value(in: document, at: ["metadata", "name"])?.scalar?.string == name
        }
    }
}

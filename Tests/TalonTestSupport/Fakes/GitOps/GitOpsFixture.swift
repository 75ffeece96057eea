import Foundation

/// A throw-away GitOps repository in the platform's layout: tenants under `platform-gitops/tenants/<team>/values.yaml`,
/// one initial commit, so tests can drive `talon mctl serve` against it and read what it committed.
public struct GitOpsFixture: Sendable {
    public let root: URL

    /// A tenant member: GitHub login and role (owner, developer, viewer).
    public struct Member: Sendable {
        public var login: String
        public var role: String
        public init(_ login: String, _ role: String) {
            self.login = login
            self.role = role
        }
    }

    /// A tenant with the given members and quotas (defaults: enough for the OpenClaw startup floor).
    public struct TenantSpec: Sendable {
        public var name: String
        public var members: [Member]
        public var quotas: [String: String]
        public var allowInternetEgress: Bool

        public static let roomyQuotas = [
            "requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4", "limits.memory": "8Gi",
        ]

        public init(name: String, members: [Member], quotas: [String: String] = Self.roomyQuotas, allowInternetEgress: Bool = true) {
            self.name = name
            self.members = members
            self.quotas = quotas
            self.allowInternetEgress = allowInternetEgress
        }

        var yaml: String {
            var lines = ["tenant:", "  name: \(name)", "  members:"]
            for member in members {
                lines += ["    - userId: \(member.login)", "      role: \(member.role)"]
            }
            lines.append("  quotas:")
            for key in quotas.keys.sorted() { lines.append("    \(key): \"\(quotas[key]!)\"") }
            lines += ["  networking:", "    allowInternetEgress: \(allowInternetEgress)", "    allowedEgressCIDRs: []", ""]
            return lines.joined(separator: "\n")
        }
    }

    /// Creates the repository with the tenants and, optionally, existing services (`team/service` → values.yaml text).
    public static func create(tenants: [TenantSpec], services: [String: String] = [:]) throws -> GitOpsFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("talon-gitops-\(UUID().uuidString)")
        let fixture = GitOpsFixture(root: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for tenant in tenants {
            try fixture.write("platform-gitops/tenants/\(tenant.name)/values.yaml", tenant.yaml)
        }
        for (path, values) in services {
            try fixture.write("platform-gitops/services/\(path)/values.yaml", values)
        }
        try fixture.write("README.md", "# platform gitops (test fixture)\n")
        try fixture.git(["init", "-q", "-b", "main"])
        try fixture.git(["add", "-A"])
        try fixture.git(["-c", "user.name=fixture", "-c", "user.email=fixture@localhost", "commit", "-q", "-m", "initial"])
        return fixture
    }

    public func write(_ relativePath: String, _ text: String) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    public func read(_ relativePath: String) -> String? {
        try? String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// Runs git in the repository; returns stdout; throws with stderr on failure. Blocking: call from tests only.
    @discardableResult
    public func git(_ arguments: [String]) throws -> String {
        let result = try E2E.run(["git", "-C", root.path] + arguments, timeout: 30)
        guard result.status == 0 else { throw GitOpsFixtureError("git \(arguments.joined(separator: " ")): \(result.output)") }
        return result.output
    }

    /// Number of commits on HEAD.
    public func commitCount() throws -> Int {
        Int(try git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Subject, author ("Name <email>") and changed files of the last commit.
    public func lastCommit() throws -> (subject: String, author: String, files: [String]) {
        let subject = try git(["log", "-1", "--format=%s"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let author = try git(["log", "-1", "--format=%an <%ae>"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let files = try git(["show", "--name-only", "--format=", "HEAD"]).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        return (subject, author, files)
    }

    /// `git status --porcelain` is empty.
    public func isClean() throws -> Bool { try git(["status", "--porcelain"]).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}

public struct GitOpsFixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

import Foundation

@testable import TalonMCTL

/// Temporary git work trees for GitOps tests; each test gets its own and removes it.
enum GitOpsTestSupport {
    static func makeTempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("talon-gitops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A repo with one initial commit holding `files` (path → content).
    static func makeRepo(files: [String: String] = ["README.md": "gitops\n"]) async throws -> (GitOpsRepo, URL) {
        let url = try makeTempDirectory()
        try await git(["init", "-q", "-b", "main"], in: url)
        for (path, content) in files {
            let fileURL = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: fileURL)
        }
        try await git(["add", "-A"], in: url)
        try await git(["-c", "user.name=seed", "-c", "user.email=seed@example.invalid", "commit", "-q", "-m", "seed"], in: url)
        return (GitOpsRepo(root: url, authorName: "Talon Bot", authorEmail: "bot@talon.test"), url)
    }

    @discardableResult
    static func git(_ arguments: [String], in url: URL) async throws -> String {
        let result = try await GitCommandRunner.run(arguments, in: url)
        guard result.status == 0 else {
            throw GitOpsRepoError.gitFailed(command: arguments.joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result.stdoutText
    }

    static func status(_ url: URL) async throws -> String {
        try await git(["status", "--porcelain", "--untracked-files=all"], in: url)
    }

    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}

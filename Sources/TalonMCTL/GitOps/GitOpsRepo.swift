import Foundation

/// One file-level change inside a GitOps commit; paths are relative to the repository root.
enum GitOpsChange: Sendable, Equatable {
    case write(path: String, content: String)
    case delete(path: String)

    var path: String {
        switch self {
        case .write(let path, _), .delete(let path): path
        }
    }
}

/// Failures of the GitOps layer, worded for API error bodies (git's stderr, never file contents).
enum GitOpsRepoError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAWorkTree(path: String, reason: String)
    case invalidPath(path: String, reason: String)
    case fileSystem(path: String, reason: String)
    case gitFailed(command: String, status: Int32, stderr: String)

    var description: String {
        switch self {
        case .notAWorkTree(let path, let reason): "GitOps repository \(path) is not a git work tree: \(reason)"
        case .invalidPath(let path, let reason): "invalid GitOps path \"\(path)\": \(reason)"
        case .fileSystem(let path, let reason): "GitOps file operation on \(path) failed: \(reason)"
        case .gitFailed(let command, let status, let stderr):
            "git \(command) failed (exit \(status)): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }
}

/// What the last commit looked like; used by tests and for API results.
struct GitOpsCommitInfo: Sendable, Equatable {
    var sha: String
    var message: String
    var authorName: String
    var authorEmail: String
    var committerName: String
    var committerEmail: String
    var files: [String]
}

/// The GitOps work tree on disk. An actor so commits are serialized: each change is exactly one
/// commit, and a failed change leaves the touched paths as they were before it started.
actor GitOpsRepo {
    let root: URL
    let authorName: String
    let authorEmail: String

    init(root: URL, authorName: String = "talon", authorEmail: String = "talon@localhost") {
        self.root = root.standardizedFileURL
        self.authorName = authorName
        self.authorEmail = authorEmail
    }

    /// Fails unless `root` is inside a git work tree (checked once at startup, for `/readyz`).
    func validate() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GitOpsRepoError.notAWorkTree(path: root.path, reason: "no such directory")
        }
        let result = try await GitCommandRunner.run(["rev-parse", "--is-inside-work-tree"], in: root)
        guard result.status == 0, result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "true" else {
            let reason = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitOpsRepoError.notAWorkTree(path: root.path, reason: reason.isEmpty ? "not inside a work tree" : reason)
        }
    }

    /// Rejects paths that could escape the repository or touch git's own files.
    static func checkRelativePath(_ path: String) throws(GitOpsRepoError) {
        guard !path.isEmpty else { throw .invalidPath(path: path, reason: "empty path") }
        guard !path.hasPrefix("/") else { throw .invalidPath(path: path, reason: "absolute paths are not allowed") }
        guard !path.contains("\0"), !path.contains("\\") else {
            throw .invalidPath(path: path, reason: "NUL and backslash are not allowed")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw .invalidPath(path: path, reason: "empty path component")
            case ".", "..": throw .invalidPath(path: path, reason: "`.` and `..` components are not allowed")
            case ".git": throw .invalidPath(path: path, reason: "the .git directory is off limits")
            default: continue
            }
        }
    }

    private func url(_ path: String) throws -> URL {
        try Self.checkRelativePath(path)
        return root.appendingPathComponent(path)
    }

    /// The file's text, or nil when it does not exist.
    func read(_ path: String) throws -> String? {
        let fileURL = try url(path)
        guard let data = FileManager.default.contents(atPath: fileURL.path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func exists(_ path: String) throws -> Bool {
        FileManager.default.fileExists(atPath: try url(path).path)
    }

    /// Sorted entry names (files and directories, no dot-files) of a directory; empty if missing.
    func list(_ directory: String) throws -> [String] {
        let dirURL = try url(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dirURL.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    func headSHA() async throws -> String? {
        let result = try await GitCommandRunner.run(["rev-parse", "--verify", "-q", "HEAD"], in: root)
        guard result.status == 0 else { return nil }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Applies `changes` and commits them as one commit authored (and committed) by the configured
    /// identity. Returns the new sha, or nil when the changes leave every file as it was.
    func commit(message: String, changes: [GitOpsChange]) async throws -> String? {
        // Actors are reentrant across `await`, so commits are chained explicitly: each one starts
        // only after the previous finished (git's index lock would otherwise make them fail).
        let previous = commitQueueTail
        let task = Task {
            await previous?.value
            return try await self.performCommit(message: message, changes: changes)
        }
        commitQueueTail = Task { _ = try? await task.value }
        return try await task.value
    }

    private var commitQueueTail: Task<Void, Never>?

    private func performCommit(message: String, changes: [GitOpsChange]) async throws -> String? {
        guard !changes.isEmpty else { return nil }
        for change in changes { try Self.checkRelativePath(change.path) }
        let paths = Array(Set(changes.map(\.path))).sorted()
        let snapshot = paths.map { ($0, FileManager.default.contents(atPath: root.appendingPathComponent($0).path)) }
        var createdDirectories: [URL] = []
        do {
            for change in changes {
                try apply(change, createdDirectories: &createdDirectories)
            }
            try await stage(paths)
            let changed = try await stagedPaths(among: paths)
            guard !changed.isEmpty else {
                try await unstage(paths)
                restore(snapshot, createdDirectories: createdDirectories)
                return nil
            }
            try await git(
                [
                    "-c", "user.name=\(authorName)", "-c", "user.email=\(authorEmail)", "-c", "commit.gpgsign=false",
                    "commit", "-q", "--no-edit", "-m", message, "--",
                ] + changed
            )
            guard let sha = try await headSHA() else {
                throw GitOpsRepoError.gitFailed(command: "rev-parse", status: 1, stderr: "no HEAD after commit")
            }
            return sha
        } catch {
            try? await unstage(paths)
            restore(snapshot, createdDirectories: createdDirectories)
            throw error
        }
    }

    /// The last commit's identity, message and files (`git diff-tree --root` so the first commit works).
    func lastCommit() async throws -> GitOpsCommitInfo? {
        guard let sha = try await headSHA() else { return nil }
        let log = try await git(["log", "-1", "--format=%an%x00%ae%x00%cn%x00%ce%x00%B", sha])
        let fields = log.stdoutText.split(separator: "\0", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        let files = try await git(["diff-tree", "--root", "--no-commit-id", "--name-only", "-r", "-z", sha])
        guard fields.count == 5 else { return nil }
        return GitOpsCommitInfo(
            sha: sha,
            message: fields[4].trimmingCharacters(in: .whitespacesAndNewlines),
            authorName: fields[0],
            authorEmail: fields[1],
            committerName: fields[2],
            committerEmail: fields[3],
            files: files.stdoutText.split(separator: "\0").map(String.init).sorted()
        )
    }

    // MARK: - Steps

    private func apply(_ change: GitOpsChange, createdDirectories: inout [URL]) throws {
        let fileURL = root.appendingPathComponent(change.path)
        let manager = FileManager.default
        switch change {
        case .write(_, let content):
            var missing: [URL] = []
            var parent = fileURL.deletingLastPathComponent()
            while !manager.fileExists(atPath: parent.path), parent.path.count > root.path.count {
                missing.append(parent)
                parent = parent.deletingLastPathComponent()
            }
            do {
                try manager.createDirectory(at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                createdDirectories.append(contentsOf: missing)
                try Data(content.utf8).write(to: fileURL, options: .atomic)
            } catch {
                throw GitOpsRepoError.fileSystem(path: change.path, reason: error.localizedDescription)
            }
        case .delete:
            guard manager.fileExists(atPath: fileURL.path) else { return }
            do {
                try manager.removeItem(at: fileURL)
            } catch {
                throw GitOpsRepoError.fileSystem(path: change.path, reason: error.localizedDescription)
            }
        }
    }

    /// `git add -A` on only the touched paths that git can see (existing or tracked), so deletions
    /// of tracked files are staged and deletions of never-tracked files are no-ops.
    private func stage(_ paths: [String]) async throws {
        let tracked = try await trackedPaths(among: paths)
        let visible = paths.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) || tracked.contains($0) }
        guard !visible.isEmpty else { return }
        try await git(["add", "-A", "-f", "--"] + visible)
    }

    private func trackedPaths(among paths: [String]) async throws -> Set<String> {
        let result = try await git(["ls-files", "-z", "--"] + paths)
        return Set(result.stdoutText.split(separator: "\0").map(String.init))
    }

    private func stagedPaths(among paths: [String]) async throws -> [String] {
        let arguments = ["-c", "core.quotePath=false", "diff", "--cached", "--name-only", "--relative", "-z", "--"] + paths
        let result = try await git(arguments)
        return result.stdoutText.split(separator: "\0").map(String.init).sorted()
    }

    /// Puts the index back to HEAD for these paths (or drops them when there is no commit yet).
    private func unstage(_ paths: [String]) async throws {
        if try await headSHA() != nil {
            try await git(["reset", "-q", "--"] + paths)
        } else {
            try await git(["rm", "-q", "-r", "--cached", "--ignore-unmatch", "--"] + paths)
        }
    }

    private func restore(_ snapshot: [(String, Data?)], createdDirectories: [URL]) {
        let manager = FileManager.default
        for (path, original) in snapshot {
            let fileURL = root.appendingPathComponent(path)
            if let original {
                try? original.write(to: fileURL, options: .atomic)
            } else {
                try? manager.removeItem(at: fileURL)
            }
        }
        // Deepest first, and only if still empty, so no stray directories are left behind.
        for directory in createdDirectories.sorted(by: { $0.path.count > $1.path.count }) {
            if (try? manager.contentsOfDirectory(atPath: directory.path))?.isEmpty == true {
                try? manager.removeItem(at: directory)
            }
        }
    }

    @discardableResult
    private func git(_ arguments: [String]) async throws -> GitCommandResult {
        let result = try await GitCommandRunner.run(arguments, in: root)
        guard result.status == 0 else {
            let command = arguments.first { !$0.hasPrefix("-") && !$0.contains("=") } ?? "git"
            throw GitOpsRepoError.gitFailed(command: command, status: result.status, stderr: String(result.stderr.prefix(2000)))
        }
        return result
    }
}

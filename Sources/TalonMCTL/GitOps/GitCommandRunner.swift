import Foundation

/// What one `git` invocation produced.
struct GitCommandResult: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `git` as a child process without ever blocking the Swift concurrency pool: the pipes are
/// drained on GCD threads (so a chatty child cannot fill a pipe and deadlock) and completion is
/// signalled by the process's termination handler.
enum GitCommandRunner {
    /// Variables that would override the author/committer we pass with `-c`, or pull in a user's
    /// editor or pager; removed so commits are reproducible and non-interactive.
    private static let scrubbedVariables: Set<String> = [
        "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
        "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_EDITOR", "GIT_PAGER",
    ]

    static func run(_ arguments: [String], in directory: URL) async throws -> GitCommandResult {
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.currentDirectoryURL = directory
            var environment = ProcessInfo.processInfo.environment.filter { !scrubbedVariables.contains($0.key) }
            environment["GIT_TERMINAL_PROMPT"] = "0"
            environment["LC_ALL"] = "C"
            process.environment = environment
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice

            let collected = GitOutputBox()
            let group = DispatchGroup()
            group.enter()
            process.terminationHandler = { _ in group.leave() }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: GitOpsRepoError.gitFailed(command: arguments.first ?? "git", status: -1, stderr: "\(error)"))
                return
            }
            // Our copies of the write ends must close, or the readers never see end-of-file.
            try? stdout.fileHandleForWriting.close()
            try? stderr.fileHandleForWriting.close()
            group.enter()
            DispatchQueue.global().async {
                collected.setStdout(stdout.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
            group.enter()
            DispatchQueue.global().async {
                collected.setStderr(stderr.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
            group.notify(queue: .global()) {
                let (out, err) = collected.values
                continuation.resume(
                    returning: GitCommandResult(
                        status: process.terminationStatus,
                        stdout: out,
                        stderr: String(decoding: err, as: UTF8.self)
                    )
                )
            }
        }
    }
}

/// Lock-protected holder for the two pipe readers' output.
private final class GitOutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout = Data()
    private var stderr = Data()

    func setStdout(_ data: Data) { lock.withLock { stdout = data } }
    func setStderr(_ data: Data) { lock.withLock { stderr = data } }
    var values: (Data, Data) { lock.withLock { (stdout, stderr) } }
}

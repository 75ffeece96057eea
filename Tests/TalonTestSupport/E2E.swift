import Foundation

/// Runs the Python end-to-end scripts in `Tests/e2e`. CI installs their dependencies
/// (`scripts/e2e-deps.sh`) and sets `TALON_REQUIRE_E2E=1`, so there a missing dependency fails
/// the run instead of skipping the test.
public enum E2E {
    public static let required = ProcessInfo.processInfo.environment["TALON_REQUIRE_E2E"] == "1"

    public static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    public static func pythonAvailable(modules: [String], binaries: [String] = []) -> Bool {
        if required { return true }
        guard binaries.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else { return false }
        let result = try? run(["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")], timeout: 30)
        return result?.status == 0
    }

    public static func runPython(_ script: String, _ arguments: [String], timeout: Double = 120) async throws -> (
        status: Int32, output: String
    ) {
        // A real thread: blocking a cooperative-pool thread here would starve the in-process mock model server.
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(["python3", repoRoot + "/" + script] + arguments, timeout: timeout) })
            }
        }
    }

    /// Blocking: call from a detached task. Output is collected from a file, not a pipe, so a chatty script cannot block.
    public static func run(_ command: [String], timeout: Double) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("talon-e2e-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? FileManager.default.removeItem(at: log) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }
}

import Foundation
import Logging
import TalonAgent
import TalonCore
import Testing

@testable import TalonMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the PyPI `mcp` package's servers: finds python3, installs `mcp` with pip when missing (once per run).
enum PythonMCP {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let environment = ProcessInfo.processInfo.environment
    static let python = StdioServerProcess.resolve("python3", path: environment["PATH"], cwd: nil) ?? "/usr/bin/python3"

    private static let check = Task { () -> Bool in
        if await run(python, ["-c", "import mcp, uvicorn"]) == 0 { return true }
        // Plain first; then per-user, for interpreters that refuse system-wide installs (PEP 668).
        for extra in [[], ["--user"], ["--user", "--break-system-packages"]] {
            _ = await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + extra + ["mcp"])
            if await run(python, ["-c", "import mcp, uvicorn"]) == 0 { return true }
        }
        return false
    }

    /// Whether the fixture servers can run; tests are skipped (with this reason) when pip cannot install `mcp`.
    static func available() async -> Bool { await check.value }

    /// Runs a command to completion without blocking a thread; returns its exit status.
    static func run(_ executable: String, _ arguments: [String]) async -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            Task {
                do { try await StdioServerProcess.runWithDefaultSignals(process) } catch { continuation.resume(returning: -1) }
            }
        }
        return status
    }

    /// `mcp.servers.<name>` running echo_server.py over stdio.
    static func stdioServer(_ extra: JSONValue = [:]) -> JSONValue {
        var entry: [String: JSONValue] = ["command": .string(python), "args": [.string("\(fixtures)/echo_server.py")]]
        for (key, value) in extra.objectValue ?? [:] { entry[key] = value }
        return .object(entry)
    }

    static func settings(_ servers: [String: JSONValue]) -> MCPSettings {
        MCPSettings.parse(["servers": .object(servers)], environment: environment)
    }
}

/// http_server.py on a free port, stopped by `stop()`.
final class HTTPFixture: Sendable {
    let port: Int
    let logPath: String
    private let process: UncheckedBox<Process>

    static func start(token: String? = nil) async throws -> HTTPFixture {
        let logPath = NSTemporaryDirectory() + "talon-mcp-auth-\(UUID().uuidString).log"
        var arguments = ["\(PythonMCP.fixtures)/http_server.py", "--log", logPath]
        if let token { arguments += ["--token", token] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonMCP.python)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: PythonMCP.fixtures)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try await StdioServerProcess.runWithDefaultSignals(process)
        let port = await Self.readPort(output.fileHandleForReading, limit: .seconds(60))
        guard let port else {
            process.terminate()
            throw FixtureError(description: "http_server.py printed no port")
        }
        return HTTPFixture(port: port, logPath: logPath, process: UncheckedBox(process))
    }

    private init(port: Int, logPath: String, process: UncheckedBox<Process>) {
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// Reads stdout until `PORT=<n>`; nil at EOF or after `limit`.
    private static func readPort(_ handle: FileHandle, limit: Duration) async -> Int? {
        let port: Int? = await withCheckedContinuation { continuation in
            let state = LockedText()
            let timer = Task {
                try? await Task.sleep(for: limit)
                if state.finish() { continuation.resume(returning: nil) }
            }
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    if state.finish() { continuation.resume(returning: nil) }
                } else if let port = state.append(data), state.finish() {
                    timer.cancel()
                    continuation.resume(returning: port)
                }
            }
        }
        handle.readabilityHandler = nil
        return port
    }

    var url: String { "http://127.0.0.1:\(port)/mcp" }

    /// The Authorization header of each request the server got, in order (`-` for none).
    func authorizations() -> [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
        process.value.terminate()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Collects stdout until a `PORT=<n>` line; `finish` is true once, so the continuation resumes once.
private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var finished = false

    func append(_ data: Data) -> Int? {
        lock.withLock {
            text += String(decoding: data, as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT=") }) else { return nil }
            return Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
        }
    }

    func finish() -> Bool {
        lock.withLock {
            defer { finished = true }
            return !finished
        }
    }
}

/// A bearer provider that hands out `initial` until asked to refresh, then `refreshed`; counts refreshes.
actor FakeBearer: MCPBearerProvider {
    private var current: String
    private let refreshed: String
    private(set) var refreshes: [String] = []

    init(initial: String, refreshed: String) {
        current = initial
        self.refreshed = refreshed
    }

    func accessToken() async throws -> String { current }

    func refreshAfterUnauthorized(staleToken: String) async throws -> String {
        refreshes.append(staleToken)
        current = refreshed
        return refreshed
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "talon.mcp.test")
    logger.logLevel = .critical
    return logger
}

let testContext = ToolContext(runId: "r", sessionKey: "agent:main:main", sessionId: "s", agentId: "main", workspace: "/tmp")

extension MCPServerManager {
    /// Calls `<server>__<tool>` as the agent would.
    func call(_ name: String, _ arguments: JSONValue = [:]) async throws -> ToolOutput {
        guard let tool = await tools().first(where: { $0.spec.name == name }) else {
            throw FixtureError(description: "no tool \(name)")
        }
        return try await tool.invoke(arguments: arguments, context: testContext)
    }

    func state(of server: String) async -> MCPServerStatus.State? {
        await status().first { $0.name == server }?.state
    }

    /// Polls until `server`'s state satisfies `predicate` (up to `limit`).
    func waitForState(_ server: String, limit: Duration = .seconds(15), _ predicate: (MCPServerStatus.State?) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if predicate(await state(of: server)) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

/// Polls `condition` until it holds (up to `limit`).
func waitUntil(limit: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

/// Whether a process with this id still exists (zombies included until reaped).
func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

/// Runs `body` with `manager` and always shuts it down (children must not outlive the test).
func using(_ manager: MCPServerManager, _ body: (MCPServerManager) async throws -> Void) async throws {
    do {
        try await body(manager)
    } catch {
        await manager.shutdown()
        throw error
    }
    await manager.shutdown()
}

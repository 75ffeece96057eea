import Foundation
import Synchronization

/// Runs the real `talon` binary (built by `swift build`/`swift test` next to the test bundle) and
/// collects what it prints, so tests see exactly what an operator would.
public final class TalonProcess: Sendable {
    private let process: Process
    private let output = LockedBox<(stdout: String, stderr: String)>(("", ""))
    private let exited = LockedBox<Int32?>(nil)

    /// The `talon` executable: `$TALON_BINARY`, else next to the running test bundle.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["TALON_BINARY"], !path.isEmpty { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("talon").path
    }

    /// Environment for a child talon: the test runner's, minus database and gateway settings that would leak in.
    public static func baseEnvironment(stateDir: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys
        where key.hasPrefix("OPENCLAW_") || key.hasPrefix("DB_") || key == "DATABASE_URL" || key.hasPrefix("TALON_") {
            environment[key] = nil
        }
        environment["OPENCLAW_STATE_DIR"] = stateDir
        environment["HOME"] = stateDir
        return environment
    }

    public init(arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        process.environment = environment
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        // At EOF the handler would be called again and again with no data: unhook it then.
        stdoutPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            output.withLock { $0.stdout += String(decoding: data, as: UTF8.self) }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            output.withLock { $0.stderr += String(decoding: data, as: UTF8.self) }
        }
        let exited = self.exited
        process.terminationHandler = { process in
            exited.withLock { $0 = process.terminationStatus }
        }
        try process.run()
    }

    public var stdout: String { output.withLock { $0.stdout } }
    public var stderr: String { output.withLock { $0.stderr } }
    public var pid: Int32 { process.processIdentifier }
    public var exitCode: Int32? { exited.withLock { $0 } }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its status; kills it after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await Wait.until(timeout: timeout, "talon exits") { self.exitCode != nil }
        // Let the pipes drain the last lines.
        try await Task.sleep(for: .milliseconds(50))
        return exitCode!
    }

    /// Runs talon to completion (for CLI commands).
    public static func run(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        let process = try TalonProcess(arguments: arguments, environment: environment)
        let code = try await process.waitForExit(timeout: timeout)
        return (code, process.stdout, process.stderr)
    }

    /// Ensures nothing outlives the test.
    public func terminate() {
        if exitCode == nil { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        if exited.withLock({ $0 }) == nil { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A reference to a mutex-protected value, so closures can share it.
public final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }
}

/// A `talon gateway` started on a free loopback port; `port` is read from its "gateway listening" log line.
public final class GatewayUnderTest: Sendable {
    public let process: TalonProcess
    public let port: Int
    public let stateDir: String

    public static func start(
        stateDir: String,
        config: String? = nil,
        extraArguments: [String] = [],
        portArguments: [String] = ["--port", "0"],
        environment: [String: String] = [:]
    ) async throws -> GatewayUnderTest {
        if let config {
            try config.write(toFile: stateDir + "/openclaw.json", atomically: true, encoding: .utf8)
            chmod(stateDir + "/openclaw.json", 0o600)
        }
        var env = TalonProcess.baseEnvironment(stateDir: stateDir)
        env.merge(environment) { _, new in new }
        let process = try TalonProcess(arguments: ["gateway"] + portArguments + extraArguments, environment: env)
        var port: Int?
        do {
            try await Wait.until(timeout: .seconds(30), "gateway listening") {
                if process.exitCode != nil { throw ProbeError("talon gateway exited early:\n\(process.stderr)") }
                port = Self.listeningPort(in: process.stdout)
                return port != nil
            }
        } catch {
            process.terminate()
            throw error
        }
        return GatewayUnderTest(process: process, port: port!, stateDir: stateDir)
    }

    init(process: TalonProcess, port: Int, stateDir: String) {
        self.process = process
        self.port = port
        self.stateDir = stateDir
    }

    public var http: HTTPProbe { HTTPProbe(port: port) }

    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("gateway listening") {
            if let range = line.range(of: "port=") {
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    public func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        return try await process.waitForExit(timeout: .seconds(20))
    }
}

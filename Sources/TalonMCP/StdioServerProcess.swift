import Foundation
import Logging
import MCP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stdio MCP server child: the process, the SDK's `StdioTransport` over its pipes, and its stderr tail
/// (kept for the failure reason when it dies). Its exit is reported once through `onExit`.
final class StdioServerProcess: Sendable {
    let pid: Int32
    let transport: StdioTransport
    private let process: UncheckedBox<Process>
    private let stdinPipe: UncheckedBox<Pipe>
    private let stdoutPipe: UncheckedBox<Pipe>
    private let shared: SharedState

    enum LaunchError: Error, CustomStringConvertible {
        case notFound(String)
        case failed(String, any Error)

        var description: String {
            switch self {
            case .notFound(let command): "command '\(command)' not found (not an executable file, nor on PATH)"
            case .failed(let command, let error): "cannot start '\(command)': \(error)"
            }
        }
    }

    /// Spawns `command` (searched on the environment's `PATH` unless it holds a `/`) with `env` laid over `baseEnvironment`.
    init(
        command: String, args: [String], env: [String: String], cwd: String?, baseEnvironment: [String: String], logger: Logger,
        onExit: @escaping @Sendable (String) -> Void
    ) async throws {
        let environment = baseEnvironment.merging(env) { _, server in server }
        guard let executable = Self.resolve(command, path: environment["PATH"], cwd: cwd) else {
            throw LaunchError.notFound(command)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.environment = environment
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd, isDirectory: true) }
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let shared = SharedState()
        self.shared = shared
        let stderrClosed = DispatchSemaphore(value: 0)
        stderrPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                stderrClosed.signal()
                return
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            for line in lines { logger.debug("mcp server stderr", metadata: ["line": "\(line)"]) }
            shared.stderrTail.withLock { $0 = Array(($0 + lines).suffix(8)) }
        }
        process.terminationHandler = { finished in
            ChildProcessRegistry.unregister(finished.processIdentifier)
            // Its last words explain most failures; they may still be in the pipe (Foundation's handler thread, not the pool).
            _ = stderrClosed.wait(timeout: .now() + .milliseconds(250))
            let how =
                finished.terminationReason == .uncaughtSignal
                ? "was killed by signal \(finished.terminationStatus)" : "exited with status \(finished.terminationStatus)"
            let lastLine = shared.stderrTail.withLock { $0.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) }
            let reason = lastLine.map { "\(how) (stderr: \($0.prefix(300)))" } ?? how
            let waiters = shared.exit.withLock { state in
                state.reason = reason
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.resume(returning: true) }
            onExit(reason)
        }
        ChildProcessRegistry.prepare()
        do {
            try await Self.runWithDefaultSignals(process)
        } catch {
            throw LaunchError.failed(command, error)
        }
        pid = process.processIdentifier
        ChildProcessRegistry.register(pid)
        self.process = UncheckedBox(process)
        self.stdinPipe = UncheckedBox(stdinPipe)
        self.stdoutPipe = UncheckedBox(stdoutPipe)
        // The SDK transport reads the child's stdout and writes its stdin, non-blocking. It logs every message at debug
        // and EOF at notice: keep only its warnings.
        var transportLogger = logger
        transportLogger.logLevel = max(logger.logLevel, .warning)
        transport = StdioTransport(
            input: .init(rawValue: stdoutPipe.fileHandleForReading.fileDescriptor),
            output: .init(rawValue: stdinPipe.fileHandleForWriting.fileDescriptor), logger: transportLogger)
    }

    /// Why the process ended, once it has.
    var exitReason: String? { shared.exit.withLock { $0.reason } }

    /// Ends the child after the transport is disconnected: stdin closed (MCP servers exit on EOF), then SIGTERM
    /// to its process group after `grace`, then SIGKILL. Returns once it has exited.
    func stop(grace: Duration = .seconds(1)) async {
        try? stdinPipe.value.fileHandleForWriting.close()
        if await waitForExit(within: grace) { return closePipes() }
        signal(SIGTERM)
        if await waitForExit(within: .seconds(2)) { return closePipes() }
        signal(SIGKILL)
        _ = await waitForExit(within: .seconds(5))
        closePipes()
    }

    /// The child's process group (what it started too) and the child itself, in case it left the group.
    private func signal(_ number: Int32) {
        kill(-pid, number)
        kill(pid, number)
    }

    /// True when the child has exited or does so within `limit` (a write error may arrive before the exit status).
    func hasExited(within limit: Duration) async -> Bool {
        await waitForExit(within: limit)
    }

    private func closePipes() {
        try? stdoutPipe.value.fileHandleForReading.close()
    }

    /// True when the process exited within `limit` (waits on the termination handler, never blocks a thread).
    private func waitForExit(within limit: Duration) async -> Bool {
        let id = shared.exit.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            let waiter: CheckedContinuation<Bool, Never>? = shared.exit.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.expired.insert(id)
                    return nil
                }
                return waiter
            }
            waiter?.resume(returning: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let settled: Bool? = shared.exit.withLock { state in
                if state.reason != nil { return true }
                if state.expired.remove(id) != nil { return false }
                state.waiters[id] = continuation
                return nil
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }

    /// Starts `process` from a short-lived thread that blocks no signals. posix_spawn (under Foundation's `Process`)
    /// hands the calling thread's signal mask to the child, and the concurrency pool's threads block most signals:
    /// a server started from one would never see SIGTERM (nor would anything it starts).
    static func runWithDefaultSignals(_ process: Process) async throws {
        let box = UncheckedBox(process)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
                do {
                    try box.value.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    static func resolve(_ command: String, path: String?, cwd: String?) -> String? {
        let manager = FileManager.default
        if command.contains("/") {
            let full =
                command.hasPrefix("/") ? command : ((cwd ?? manager.currentDirectoryPath) as NSString).appendingPathComponent(command)
            return manager.isExecutableFile(atPath: full) ? full : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = (String(directory) as NSString).appendingPathComponent(command)
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// What the pipe and termination handlers share with the object (they outlive no one: the handlers hold it).
private final class SharedState: Sendable {
    let stderrTail = Mutex<[String]>([])
    let exit = Mutex(ExitState())
}

/// Exit bookkeeping shared with the termination handler: the reason once known, and who waits for it.
private struct ExitState {
    var reason: String?
    var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    var nextWaiter = 0
    /// Waiters whose time ran out before they registered.
    var expired: Set<Int> = []
}

/// Foundation's `Process` and `Pipe` are thread-safe for the calls made here but not marked `Sendable` on every platform.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

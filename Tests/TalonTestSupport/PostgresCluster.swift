import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private PostgreSQL cluster driven through `scripts/pg-cluster.sh`, for tests that stop and start
/// the server. `destroy()` stops it and removes its directory.
public struct PostgresCluster: Sendable {
    public let directory: String
    public let port: Int
    public let url: String

    static var script: String {
        // #filePath may pass through a symlinked test directory; the script sits beside Tests/ in the repo.
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-cluster.sh").path
    }

    /// The script blocks for a second or two; keep that off Swift's small cooperative thread pool.
    static func runAsync(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(arguments) })
            }
        }
    }

    public static func start() async throws -> PostgresCluster {
        // Not a private mkdtemp dir: the server runs as an unprivileged user. The temporary directory is
        // /tmp, or the world-writable one scripts/test.sh sets up (and sweeps) for a test run.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "talon-pg-test-\(UUID().uuidString.prefix(8).lowercased())"
        ).path
        let port = try freeLoopbackPort()
        let output: String
        do {
            output = try await runAsync(["start", directory, String(port)])
        } catch {
            _ = try? await runAsync(["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return PostgresCluster(directory: directory, port: port, url: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public func stop() async throws { _ = try await Self.runAsync(["stop", directory]) }

    public func restart() async throws { _ = try await Self.runAsync(["restart", directory]) }

    public func destroy() async {
        _ = try? await Self.runAsync(["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        var description: String { "pg-cluster.sh \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Runs the script and waits for it. posix_spawn + waitpid rather than Foundation's `Process`, which
    /// on Linux can miss the exit of a child whose own child (the postmaster) daemonises, and wait forever.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString)").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = (["/bin/bash", script] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = argv.withUnsafeBufferPointer { posix_spawn(&pid, "/bin/bash", &actions, nil, $0.baseAddress!, environ) }
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        }
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw ScriptFailed(arguments: arguments, status: exitCode, output: output + errors)
        }
        return output
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bind to 0, read it back, close).
public func freeLoopbackPort() throws -> Int {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

import Foundation

/// A private PostgreSQL server for tests that stop and restart it, started with `scripts/pg-cluster.sh`.
public final class PostgresCluster: Sendable {
    public let directory: TempDir
    public let port: Int
    public let url: String

    static var script: String {
        // Tests/TalonTestSupport/PostgresCluster.swift → repo root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-cluster.sh").path
    }

    public static func start() async throws -> PostgresCluster {
        let directory = try TempDir("talon-pg")
        let port = try freePort()
        let result = try await runScript(["start", directory.path + "/data", String(port)])
        guard result.code == 0, let url = result.stdout.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres") else {
            throw ProbeError("pg-cluster.sh start failed (\(result.code)): \(result.stdout) \(result.stderr)")
        }
        return PostgresCluster(directory: directory, port: port, url: url)
    }

    init(directory: TempDir, port: Int, url: String) {
        self.directory = directory
        self.port = port
        self.url = url
    }

    public func stop() async throws {
        let result = try await Self.runScript(["stop", directory.path + "/data"])
        guard result.code == 0 else { throw ProbeError("pg-cluster.sh stop failed: \(result.stderr)") }
    }

    public func restart() async throws {
        let result = try await Self.runScript(["start", directory.path + "/data", String(port)])
        guard result.code == 0 else { throw ProbeError("pg-cluster.sh start failed: \(result.stderr)") }
    }

    static func runScript(_ arguments: [String]) async throws -> (code: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }

    deinit {
        let data = directory.path + "/data"
        _ = try? Process.run(URL(fileURLWithPath: "/bin/bash"), arguments: [Self.script, "stop", data]).waitUntilExit()
    }
}

/// Asks the kernel for a free loopback port.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ProbeError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw ProbeError("bind failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

import Foundation

/// Waiting on conditions with a deadline, never on fixed sleeps.
public enum Wait {
    public struct TimedOut: Error, CustomStringConvertible {
        public var description: String
    }

    public static func until(
        timeout: Duration,
        _ what: String,
        poll: Duration = .milliseconds(25),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: poll)
        }
        if try await condition() { return }
        throw TimedOut(description: "timed out after \(timeout) waiting for: \(what)")
    }
}

/// A private temporary directory (mode 700) removed when the value is released.
public final class TempDir: Sendable {
    public let path: String

    public init(_ prefix: String = "talon-test") throws {
        path = try Self.makePersistent(prefix)
    }

    /// A new private directory that nobody removes automatically.
    public static func makePersistent(_ prefix: String) throws -> String {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw ProbeError("mkdtemp failed: errno \(errno)") }
        return String(cString: bytes)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ contents: String, mode: Int16 = 0o600) throws {
        try contents.write(toFile: file(name), atomically: false, encoding: .utf8)
        chmod(file(name), mode_t(mode))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

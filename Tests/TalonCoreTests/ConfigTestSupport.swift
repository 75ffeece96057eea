import Foundation
import Testing

@testable import TalonCore

/// A fresh temporary directory, removed when the value goes away.
final class TempDirectory {
    let path: String

    init() throws {
        // Resolve symlinks (macOS /var → /private/var) so paths compare equal to the loader's.
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        path = base + "/talon-core-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to `name` (which may contain subdirectories) and returns the absolute path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A config path whose directory does not exist: fine for documents without `$include`.
let detachedConfigPath = "/nonexistent-talon-test-dir/openclaw.json"

/// Parses a config that must be valid.
func parseConfig(_ text: String, environment: [String: String] = [:], path: String = detachedConfigPath) throws -> LoadedConfig {
    try ConfigLoader.parse(text: text, path: path, environment: environment)
}

/// Parses a config that must be invalid and returns its issues (recording a test failure otherwise).
func configIssues(
    _ text: String, environment: [String: String] = [:], path: String = detachedConfigPath,
    sourceLocation: SourceLocation = #_sourceLocation
) -> [ConfigIssue] {
    do {
        let loaded = try ConfigLoader.parse(text: text, path: path, environment: environment)
        Issue.record("expected a ConfigError, got a config with warnings \(loaded.warnings)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}

/// Loads a file that must be invalid and returns its issues.
func loadIssues(_ path: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
    do {
        _ = try ConfigLoader.load(path: path, environment: environment)
        Issue.record("expected a ConfigError", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}

extension Array where Element == ConfigIssue {
    /// The issue at `path`, if exactly one.
    func at(_ path: String) -> ConfigIssue? {
        let matching = filter { $0.path == path }
        return matching.count == 1 ? matching[0] : nil
    }
}

import Foundation
import TalonAgent
import TalonCore

/// Argument reading and checking shared by the GitHub tools.
struct GitHubArguments: Sendable {
    let json: JSONValue

    init(_ json: JSONValue) { self.json = json }

    func string(_ key: String) -> String? {
        guard let value = json[key]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func required(_ key: String) throws(GitHubError) -> String {
        guard let value = string(key) else { throw GitHubError("'\(key)' (string) is required") }
        return value
    }

    /// File content is taken verbatim (no trimming): whitespace is part of the file.
    func content(_ key: String) throws(GitHubError) -> String {
        guard let value = json[key]?.stringValue else { throw GitHubError("'\(key)' (string) is required") }
        return value
    }

    func bool(_ key: String) -> Bool? { json[key]?.boolValue }

    /// A repository-relative file path: no leading slash, no `.`/`..` or empty segments.
    func path(_ key: String) throws(GitHubError) -> String {
        let path = try required(key)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw GitHubError("'\(key)' must be a relative path inside the repository without '..' segments, got \"\(path)\"")
        }
        return path
    }

    /// A branch name git accepts (the common rules of `git check-ref-format`).
    func branch(_ key: String, required isRequired: Bool = true) throws(GitHubError) -> String? {
        guard let name = string(key) else {
            if isRequired { throw GitHubError("'\(key)' (branch name) is required") }
            return nil
        }
        let forbidden = Set(" ~^:?*[\\\u{7f}")
        let valid =
            !name.hasPrefix("/") && !name.hasPrefix("-") && !name.hasSuffix("/") && !name.hasSuffix(".lock") && !name.hasSuffix(".")
            && !name.contains("..") && !name.contains("//") && !name.contains("@{") && !name.hasPrefix("refs/")
            && !name.contains(where: { forbidden.contains($0) || ($0.asciiValue.map { $0 < 32 } ?? false) })
        guard valid else { throw GitHubError("'\(key)' is not a valid branch name: \"\(name)\"") }
        return name
    }
}

extension GitHubAPI {
    /// Runs a tool body: its JSON answer as text, or its error as an error result. The token is
    /// scrubbed from anything shown to the model, just in case an answer echoes it.
    func runTool(_ body: () async throws -> JSONValue) async throws -> ToolOutput {
        let scrub: (String) -> String = { text in
            guard let token = settings.token, token.count >= 4 else { return text }
            return text.replacingOccurrences(of: token, with: "[redacted]")
        }
        do {
            return ToolOutput(text: scrub(try await body().serialized()))
        } catch let error as GitHubError {
            return ToolOutput(text: "error: " + scrub(error.description), isError: true)
        }
    }
}

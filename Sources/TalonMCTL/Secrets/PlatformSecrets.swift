import Foundation

/// Where `talon mctl serve` keeps the platform's secrets (bot tokens, database passwords): Vault KV v2
/// or the embedded encrypted file store. Paths are KV v2 logical paths without the mount, e.g.
/// `teams/<team>/<service>/telegram`. A write replaces the whole secret at the path, as KV v2 does.
public protocol PlatformSecrets: Sendable {
    /// The secret at `path`, `nil` when there is none.
    func read(path: String) async throws -> [String: String]?
    func write(path: String, data: [String: String]) async throws
    /// `vault` or `file`, for logs and `/readyz`.
    var backendName: String { get }
}

/// A secrets backend failure. Messages name the backend, the path and the cause; they never hold a
/// secret value, the Vault token or the encryption key.
public enum PlatformSecretsError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Missing or malformed configuration (environment, key material).
    case invalidConfiguration(String)
    /// A path that is empty or has empty, `.` or `..` segments.
    case invalidPath(String)
    /// No answer (connection refused, DNS, TLS, timeout).
    case unreachable(backend: String, detail: String)
    /// The backend refused the credentials for this path (Vault 403).
    case permissionDenied(backend: String, path: String, messages: [String])
    /// The backend answered with an error status; `messages` are its own error texts.
    case backendError(backend: String, status: Int, messages: [String])
    /// The backend answered something that is not what its API promises.
    case badResponse(backend: String, detail: String)
    /// A stored secret does not open with the current key (wrong key, or the file was modified).
    case cannotDecrypt(path: String)
    /// Local file system trouble in the file backend.
    case storage(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let detail):
            return "secrets backend misconfigured: \(detail)"
        case .invalidPath(let path):
            return "invalid secret path \"\(path)\": use non-empty segments separated by '/', without '.' or '..'"
        case .unreachable(let backend, let detail):
            return "\(backend) is unreachable: \(detail)"
        case .permissionDenied(let backend, let path, let messages):
            return "\(backend) denied access to \"\(path)\"" + Self.suffix(messages) + " (check the token and its policy)"
        case .backendError(let backend, let status, let messages):
            return "\(backend) answered HTTP \(status)" + Self.suffix(messages)
        case .badResponse(let backend, let detail):
            return "unexpected answer from \(backend): \(detail)"
        case .cannotDecrypt(let path):
            return "cannot decrypt the stored secret \"\(path)\": wrong TALON_SECRETS_KEY (or secrets.key), or the file was modified"
        case .storage(let detail):
            return "secrets file store: \(detail)"
        }
    }

    public var errorDescription: String? { description }

    private static func suffix(_ messages: [String]) -> String {
        let shown = messages.map { String($0.prefix(300)) }.prefix(5)
        return shown.isEmpty ? "" : ": " + shown.joined(separator: "; ")
    }
}

/// Path rules shared by the backends: the same path means the same secret in Vault and on disk.
enum PlatformSecretPath {
    static func validated(_ path: String) throws -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
            !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw PlatformSecretsError.invalidPath(path) }
        return segments
    }
}

/// Picks the backend from the environment: Vault when `VAULT_ADDR` is set, else the encrypted file
/// store under the state directory.
public enum PlatformSecretsBackend {
    public static func fromEnvironment(_ environment: [String: String], stateDirectory: URL) throws -> any PlatformSecrets {
        if let vault = try VaultKVSecrets.fromEnvironment(environment) { return vault }
        return try FileSecrets(stateDirectory: stateDirectory, environment: environment)
    }
}

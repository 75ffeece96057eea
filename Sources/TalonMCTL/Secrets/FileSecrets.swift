import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The embedded secrets backend: one AES-256-GCM sealed file per secret under `<stateDir>/secrets/`
/// (directory 0700, files 0600, written atomically). The file name is the hex SHA-256 of the path,
/// so team and service names never appear on disk, and the path is the authenticated data, so a
/// file copied or renamed to another path does not open. The key is `TALON_SECRETS_KEY` (32 bytes
/// as base64 or hex) or `<stateDir>/secrets.key`, generated once (0600) and reused.
public struct FileSecrets: PlatformSecrets, CustomStringConvertible, CustomReflectable {
    public let directory: URL
    /// Where the key came from: `TALON_SECRETS_KEY` or the key file's path (for logs; never the key).
    public let keySource: String
    private let keyBytes: Data

    public var backendName: String { "file" }

    /// File layout version, the first byte of every sealed file.
    static let formatVersion: UInt8 = 1

    public init(stateDirectory: URL, environment: [String: String]) throws {
        let fileManager = FileManager.default
        try FileSecretsIO.makePrivateDirectory(stateDirectory, fileManager: fileManager)
        directory = stateDirectory.appendingPathComponent("secrets", isDirectory: true)
        try FileSecretsIO.makePrivateDirectory(directory, fileManager: fileManager)
        if let text = environment["TALON_SECRETS_KEY"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard let key = Self.parseKey(text) else {
                throw PlatformSecretsError.invalidConfiguration(
                    "TALON_SECRETS_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters), "
                        + "e.g. `openssl rand -base64 32`")
            }
            keyBytes = key
            keySource = "TALON_SECRETS_KEY"
        } else {
            let keyFile = stateDirectory.appendingPathComponent("secrets.key")
            keyBytes = try FileSecretsIO.loadOrCreateKey(at: keyFile)
            keySource = keyFile.path
        }
    }

    public var description: String { "FileSecrets(\(directory.path), key from \(keySource))" }
    /// Keeps the key out of `dump`, `print` and debugger summaries.
    public var customMirror: Mirror { Mirror(self, children: ["directory": directory, "keySource": keySource]) }

    /// 32 bytes from 64 hex digits, or from standard or URL-safe base64 (padding optional).
    static func parseKey(_ text: String) -> Data? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, trimmed.allSatisfy(\.isHexDigit) {
            var bytes = Data(capacity: 32)
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                guard let byte = UInt8(trimmed[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return bytes
        }
        var base64 = trimmed.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let decoded = Data(base64Encoded: base64), decoded.count == 32 else { return nil }
        return decoded
    }

    /// The on-disk name for a path: hex SHA-256 of its UTF-8 bytes.
    static func fileName(for path: String) -> String {
        SHA256.hash(data: Data(path.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public func read(path: String) async throws -> [String: String]? {
        _ = try PlatformSecretPath.validated(path)
        let file = directory.appendingPathComponent(Self.fileName(for: path))
        guard let sealed = try FileSecretsIO.readIfPresent(file) else { return nil }
        guard sealed.first == Self.formatVersion, let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()) else {
            throw PlatformSecretsError.cannotDecrypt(path: path)
        }
        let plain: Data
        do {
            plain = try AES.GCM.open(box, using: SymmetricKey(data: keyBytes), authenticating: Data(path.utf8))
        } catch {
            throw PlatformSecretsError.cannotDecrypt(path: path)
        }
        guard let data = try? JSONDecoder().decode([String: String].self, from: plain) else {
            throw PlatformSecretsError.storage("the secret \"\(path)\" decrypted but is not a JSON object of strings")
        }
        return data
    }

    public func write(path: String, data: [String: String]) async throws {
        _ = try PlatformSecretPath.validated(path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = try encoder.encode(data)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plain, using: SymmetricKey(data: keyBytes), authenticating: Data(path.utf8))
        } catch {
            throw PlatformSecretsError.storage("encryption failed for \"\(path)\"")
        }
        guard let combined = box.combined else { throw PlatformSecretsError.storage("encryption failed for \"\(path)\"") }
        var content = Data([Self.formatVersion])
        content.append(combined)
        try FileSecretsIO.writeAtomically(content, to: directory.appendingPathComponent(Self.fileName(for: path)))
    }
}

/// The POSIX side of the file backend: private directories, atomic 0600 writes, and a key file
/// created exactly once even when two processes start together.
enum FileSecretsIO {
    static func makePrivateDirectory(_ url: URL, fileManager: FileManager) throws {
        do {
            try fileManager.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PlatformSecretsError.storage("cannot create \(url.path): \(error.localizedDescription)")
        }
        guard chmod(url.path, 0o700) == 0 else { throw PlatformSecretsError.storage("cannot chmod 700 \(url.path): \(errnoText())") }
    }

    static func readIfPresent(_ url: URL) throws -> Data? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw PlatformSecretsError.storage("cannot open \(url.lastPathComponent): \(errnoText())")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw PlatformSecretsError.storage("cannot read \(url.lastPathComponent): \(errnoText())")
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
            guard data.count <= 16 << 20 else { throw PlatformSecretsError.storage("\(url.lastPathComponent) is larger than 16 MiB") }
        }
    }

    /// Writes a 0600 temporary file next to `url`, syncs it, and renames it over `url`: readers see
    /// the old content or the new one, never a partial file.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = try writeTemporary(data, near: url)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = errnoText()
            unlink(temporary.path)
            throw PlatformSecretsError.storage("cannot replace \(url.lastPathComponent): \(reason)")
        }
        syncDirectory(url.deletingLastPathComponent())
    }

    /// The key file's key, creating it first when missing. The new key is written to a temporary
    /// file and hard-linked into place: `link` fails when another process got there first, and then
    /// that process's key is the one everybody uses.
    static func loadOrCreateKey(at url: URL) throws -> Data {
        if let existing = try readIfPresent(url) { return try parseKeyFile(existing, url: url) }
        var bytes = Data(count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let temporary = try writeTemporary(Data((bytes.base64EncodedString() + "\n").utf8), near: url)
        defer { unlink(temporary.path) }
        if link(temporary.path, url.path) == 0 {
            syncDirectory(url.deletingLastPathComponent())
            return bytes
        }
        guard errno == EEXIST, let existing = try readIfPresent(url) else {
            throw PlatformSecretsError.storage("cannot create \(url.path): \(errnoText())")
        }
        return try parseKeyFile(existing, url: url)
    }

    private static func parseKeyFile(_ data: Data, url: URL) throws -> Data {
        guard let text = String(data: data, encoding: .utf8), let key = FileSecrets.parseKey(text) else {
            throw PlatformSecretsError.invalidConfiguration("\(url.path) does not hold a 32-byte base64 key; restore it or remove it")
        }
        return key
    }

    private static func writeTemporary(_ data: Data, near url: URL) throws -> URL {
        let name = ".\(url.lastPathComponent).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let temporary = url.deletingLastPathComponent().appendingPathComponent(name)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw PlatformSecretsError.storage("cannot create a file in \(url.deletingLastPathComponent().path): \(errnoText())")
        }
        var ok = fchmod(fd, 0o600) == 0
        ok =
            ok
            && data.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += written
                }
                return true
            }
        ok = ok && fsync(fd) == 0
        let reason = ok ? "" : errnoText()
        close(fd)
        guard ok else {
            unlink(temporary.path)
            throw PlatformSecretsError.storage("cannot write \(url.lastPathComponent): \(reason)")
        }
        return temporary
    }

    private static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

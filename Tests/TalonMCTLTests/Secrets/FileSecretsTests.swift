import Foundation
import Testing

@testable import TalonMCTL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The encrypted file store, for real on disk: layout, permissions, keys and what a wrong key or a
/// modified file gives.
@Suite struct FileSecretsTests {
    private let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("talon-file-secrets-\(UUID().uuidString)")
    private let path = "teams/labs/openclaw/telegram"
    private let secret = ["telegram-bot-token": "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]

    private func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    private func secretFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: stateDirectory.appendingPathComponent("secrets"), includingPropertiesForKeys: nil)
    }

    private func cleanUp() { try? FileManager.default.removeItem(at: stateDirectory) }

    @Test func roundTripAndLayout() async throws {
        defer { cleanUp() }
        let store = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        #expect(store.backendName == "file")
        #expect(try await store.read(path: path) == nil)
        try await store.write(path: path, data: secret)
        #expect(try await store.read(path: path) == secret)
        try await store.write(path: path, data: ["telegram-bot-token": "replaced"])
        #expect(try await store.read(path: path) == ["telegram-bot-token": "replaced"])
        try await store.write(path: "teams/labs/openclaw/database", data: ["password": "p", "username": "u"])
        #expect(try await store.read(path: "teams/labs/openclaw/database") == ["password": "p", "username": "u"])

        // One file per path, named by the path's SHA-256; no temporary files left; nothing readable.
        let files = try secretFiles()
        #expect(
            Set(files.map(\.lastPathComponent)) == [
                FileSecrets.fileName(for: path), FileSecrets.fileName(for: "teams/labs/openclaw/database"),
            ])
        #expect(FileSecrets.fileName(for: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        for file in files {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.first == FileSecrets.formatVersion)
            for needle in ["labs", "openclaw", "replaced", "telegram", "password"] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil)
            }
        }
    }

    @Test func permissionsArePrivate() async throws {
        defer { cleanUp() }
        let store = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        try await store.write(path: path, data: secret)
        #expect(try mode(stateDirectory) == 0o700)
        #expect(try mode(stateDirectory.appendingPathComponent("secrets")) == 0o700)
        #expect(try mode(stateDirectory.appendingPathComponent("secrets.key")) == 0o600)
        for file in try secretFiles() { #expect(try mode(file) == 0o600) }
        // An existing, too open directory is tightened.
        chmod(stateDirectory.appendingPathComponent("secrets").path, 0o755)
        _ = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        #expect(try mode(stateDirectory.appendingPathComponent("secrets")) == 0o700)
    }

    @Test func generatedKeyIsCreatedOnceAndReused() async throws {
        defer { cleanUp() }
        let first = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        let keyFile = stateDirectory.appendingPathComponent("secrets.key")
        let key = try Data(contentsOf: keyFile)
        #expect(first.keySource == keyFile.path)
        #expect(FileSecrets.parseKey(String(decoding: key, as: UTF8.self))?.count == 32)
        try await first.write(path: path, data: secret)
        let second = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        #expect(try await second.read(path: path) == secret)
        #expect(try Data(contentsOf: keyFile) == key)
        #expect(!"\(second)".contains(String(decoding: key, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func concurrentStartsAgreeOnOneKey() async throws {
        defer { cleanUp() }
        let directory = stateDirectory
        let stores = try await withThrowingTaskGroup(of: FileSecrets.self) { group in
            for _ in 0..<8 { group.addTask { try FileSecrets(stateDirectory: directory, environment: [:]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await stores[0].write(path: path, data: secret)
        for store in stores { #expect(try await store.read(path: path) == secret) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["secrets", "secrets.key"])
    }

    @Test func environmentKeyInBase64OrHex() async throws {
        defer { cleanUp() }
        let raw = Data((0..<32).map { UInt8($0 * 7 % 256) })
        let base64 = raw.base64EncodedString()
        let hex = raw.map { String(format: "%02x", $0) }.joined()
        let viaBase64 = try FileSecrets(stateDirectory: stateDirectory, environment: ["TALON_SECRETS_KEY": base64 + "\n"])
        #expect(viaBase64.keySource == "TALON_SECRETS_KEY")
        try await viaBase64.write(path: path, data: secret)
        let viaHex = try FileSecrets(stateDirectory: stateDirectory, environment: ["TALON_SECRETS_KEY": hex.uppercased()])
        #expect(try await viaHex.read(path: path) == secret)
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(FileSecrets.parseKey(urlSafe) == raw)
        // With the key in the environment no key file is written.
        #expect(!FileManager.default.fileExists(atPath: stateDirectory.appendingPathComponent("secrets.key").path))
    }

    @Test func malformedEnvironmentKeyIsAClearErrorWithoutTheValue() throws {
        defer { cleanUp() }
        for bad in [
            "short-key", Data(count: 16).base64EncodedString(), String(repeating: "g", count: 64), Data(count: 33).base64EncodedString(),
        ] {
            let error = #expect(throws: PlatformSecretsError.self) {
                try FileSecrets(stateDirectory: stateDirectory, environment: ["TALON_SECRETS_KEY": bad])
            }
            let text = "\(error!)"
            #expect(text.contains("TALON_SECRETS_KEY must be 32 bytes"))
            #expect(!text.contains(bad))
        }
    }

    @Test func wrongKeyIsAClearError() async throws {
        defer { cleanUp() }
        let writer = try FileSecrets(
            stateDirectory: stateDirectory, environment: ["TALON_SECRETS_KEY": Data(repeating: 1, count: 32).base64EncodedString()])
        try await writer.write(path: path, data: secret)
        let reader = try FileSecrets(
            stateDirectory: stateDirectory, environment: ["TALON_SECRETS_KEY": Data(repeating: 2, count: 32).base64EncodedString()])
        let error = await #expect(throws: PlatformSecretsError.cannotDecrypt(path: path)) { try await reader.read(path: path) }
        #expect("\(error!)".contains("wrong TALON_SECRETS_KEY"))
        // The generated key file is a different key too.
        let generated = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        await #expect(throws: PlatformSecretsError.cannotDecrypt(path: path)) { try await generated.read(path: path) }
    }

    @Test func modifiedOrMovedFilesDoNotOpen() async throws {
        defer { cleanUp() }
        let store = try FileSecrets(stateDirectory: stateDirectory, environment: [:])
        try await store.write(path: path, data: secret)
        let file = stateDirectory.appendingPathComponent("secrets").appendingPathComponent(FileSecrets.fileName(for: path))
        let original = try Data(contentsOf: file)

        var flipped = original
        flipped[flipped.count - 20] ^= 0x01
        try flipped.write(to: file)
        await #expect(throws: PlatformSecretsError.cannotDecrypt(path: path)) { try await store.read(path: path) }

        try Data(original.prefix(10)).write(to: file)
        await #expect(throws: PlatformSecretsError.cannotDecrypt(path: path)) { try await store.read(path: path) }

        // The path is authenticated: another path's file copied over this one does not open either.
        try await store.write(path: "teams/other/openclaw/telegram", data: ["telegram-bot-token": "other"])
        let other = stateDirectory.appendingPathComponent("secrets").appendingPathComponent(
            FileSecrets.fileName(for: "teams/other/openclaw/telegram"))
        try Data(contentsOf: other).write(to: file)
        await #expect(throws: PlatformSecretsError.cannotDecrypt(path: path)) { try await store.read(path: path) }

        try original.write(to: file)
        #expect(try await store.read(path: path) == secret)
    }

    @Test func corruptKeyFileIsAClearError() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        try Data("not a key\n".utf8).write(to: stateDirectory.appendingPathComponent("secrets.key"))
        let error = #expect(throws: PlatformSecretsError.self) { try FileSecrets(stateDirectory: stateDirectory, environment: [:]) }
        #expect("\(error!)".contains("secrets.key does not hold a 32-byte base64 key"))
    }
}

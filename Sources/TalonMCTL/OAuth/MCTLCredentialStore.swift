import Foundation
import TalonCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two files of the MCTL connection under `<stateDir>/mcp-auth/mctl/` (reference §3.2):
/// directory 700, files 600, every write a temp file + `rename`, so a reader (this process or
/// another writer such as a refresh sidecar) never sees half a file. The files are a few hundred
/// bytes on local disk, so the synchronous calls are brief.
public struct MCTLCredentialStore: Sendable {
    public let directory: String

    public init(stateDir: String) {
        directory = stateDir + "/mcp-auth/mctl"
    }

    public var credentialsPath: String { directory + "/credentials.json" }
    public var pendingPath: String { directory + "/pending-connect.json" }

    public func readCredentials() -> MCTLCredentials? {
        readJSON(credentialsPath).flatMap(MCTLCredentials.init(json:))
    }

    public func readPending() -> MCTLPendingConnect? {
        readJSON(pendingPath).flatMap(MCTLPendingConnect.init(json:))
    }

    public func writeCredentials(_ credentials: MCTLCredentials) throws {
        try writeAtomically(credentials.json, to: credentialsPath)
    }

    public func writePending(_ pending: MCTLPendingConnect) throws {
        try writeAtomically(pending.json, to: pendingPath)
    }

    public func deleteCredentials() throws { try delete(credentialsPath) }
    public func deletePending() throws { try delete(pendingPath) }

    private func readJSON(_ path: String) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSON5.parse(String(decoding: data, as: UTF8.self))
    }

    private func delete(_ path: String) throws {
        if unlink(path) != 0, errno != ENOENT {
            throw MCTLConnectError.storage("cannot delete \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func writeAtomically(_ value: JSONValue, to path: String) throws {
        do {
            try FileSystem.createDirectory(directory, mode: 0o700)
            // An existing directory may have been created looser by someone else.
            try FileSystem.setPermissions(directory, 0o700)
        } catch {
            throw MCTLConnectError.storage("cannot prepare \(directory): \(error)")
        }
        let temp = path + ".tmp-" + Secrets.randomToken(byteCount: 6)
        let bytes = Array((value.serialized(pretty: true) + "\n").utf8)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MCTLConnectError.storage("cannot create \(temp): \(String(cString: strerror(errno)))") }
        var failure: (step: String, code: Int32)?
        // open() honours the umask; make the mode exact before any secret is written.
        if fchmod(fd, 0o600) != 0 { failure = ("chmod", errno) }
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count >= 0 {
                written += count
            } else if errno != EINTR {
                failure = ("write", errno)
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = ("fsync", errno) }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = ("rename", errno) }
        if let failure {
            unlink(temp)
            throw MCTLConnectError.storage("cannot \(failure.step) \(path): \(String(cString: strerror(failure.code)))")
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a config file could not be read.
enum ConfigFileReadError: Error, Equatable, CustomStringConvertible {
    case notFound
    case isDirectory
    case tooLarge(limit: Int)
    case invalidUTF8
    case system(String)

    var description: String {
        switch self {
        case .notFound: "file not found"
        case .isDirectory: "is a directory"
        case .tooLarge(let limit): "file is larger than \(limit) bytes"
        case .invalidUTF8: "file is not valid UTF-8"
        case .system(let message): message
        }
    }
}

/// POSIX path and file helpers for the loader (plain libc keeps Foundation out of the binary).
enum ConfigFiles {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads a whole UTF-8 text file of at most `maxBytes`.
    static func readText(_ path: String, maxBytes: Int) -> Result<String, ConfigFileReadError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(errno == ENOENT ? .notFound : systemError()) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(.isDirectory) }
        if Int(info.st_size) > maxBytes { return .failure(.tooLarge(limit: maxBytes)) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(systemError()) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(systemError())
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxBytes { return .failure(.tooLarge(limit: maxBytes)) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
        return .success(text)
    }

    private static func systemError() -> ConfigFileReadError {
        .system(String(cString: strerror(errno)))
    }

    /// Makes `path` absolute against the current directory and removes `.`, `..` and repeated slashes.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        guard let cwd = getcwd(nil, 0) else { return normalize("/" + path) }
        defer { free(cwd) }
        return normalize(String(cString: cwd) + "/" + path)
    }

    /// Lexical normalisation of an absolute path; `..` at the root stays at the root.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The path with every symlink resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isInside(_ path: String, directory: String) -> Bool {
        if directory == "/" { return path.hasPrefix("/") }
        return path == directory || path.hasPrefix(directory + "/")
    }

    /// `path` relative to `directory` when inside it (for readable messages), else unchanged.
    static func display(_ path: String, relativeTo directory: String) -> String {
        guard isInside(path, directory: directory), path != directory else { return path }
        return String(path.dropFirst(directory == "/" ? 1 : directory.count + 1))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Prepares the SQLite database file before SQLite touches it.
///
/// The file holds transcripts and credential metadata, so it is created 0600 (and its directory 0700).
/// SQLite creates the `-wal` and `-shm` files with the main file's mode, so they stay private too.
enum SQLiteFile {
    static func prepare(path: String) throws {
        guard !path.isEmpty else { throw StoreError.configuration("the SQLite database path is empty") }
        let parent = parentDirectory(of: path)
        try makeDirectories(parent)

        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError.failed("cannot create the SQLite database file \(path): \(errnoText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw StoreError.failed("cannot stat \(path): \(errnoText())")
        }
        // A pre-existing file readable by others is tightened: it holds secrets.
        if info.st_mode & 0o077 != 0 {
            guard fchmod(fd, 0o600) == 0 else {
                throw StoreError.failed("cannot restrict \(path) to mode 0600: \(errnoText())")
            }
        }
    }

    /// `mkdir -p` with mode 0700 for the components that are missing.
    static func makeDirectories(_ directory: String) throws {
        guard !directory.isEmpty, directory != "/", directory != "." else { return }
        var info = stat()
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw StoreError.failed("\(directory) exists and is not a directory")
            }
            return
        }
        try makeDirectories(parentDirectory(of: directory))
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw StoreError.failed("cannot create the directory \(directory): \(errnoText())")
        }
    }

    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let parent = trimmed[..<slash]
        return parent.isEmpty ? "/" : String(parent)
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

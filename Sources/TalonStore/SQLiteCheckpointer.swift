import Logging
import SQLiteNIO

/// Takes WAL checkpoints off the write path: a second connection copies committed WAL pages into the database
/// file (and syncs it) in the background, so a commit no longer stalls on a checkpoint.
///
/// With SQLite's default, the connection whose commit crosses 1000 WAL pages checkpoints before that commit
/// returns: a pause of a thousand page writes and an fsync every few hundred deliveries under webhook load,
/// measured as a third of the intake throughput. Here a passive checkpoint (it never blocks the writer and takes
/// no write lock) runs every `busyInterval` while the WAL grows. The writer still checkpoints by itself once the
/// WAL reaches `writerBackstopPages`: by then almost everything has been copied, so that pass is short, and it lets
/// the WAL start over from the beginning under sustained load. Durability is unchanged: commits are in the WAL
/// exactly as before, and a checkpoint syncs the WAL before it copies and the database file after.
final class SQLiteCheckpointer: Sendable {
    static let writerBackstopPages = 4000
    static let busyInterval: Duration = .milliseconds(20)
    static let idleInterval: Duration = .milliseconds(250)

    private let task: Task<Void, Never>

    init(path: String, logger: Logger) {
        task = Task { await Self.run(path: path, logger: logger) }
    }

    /// Stops checkpointing and closes the second connection (before the store closes its own, so the store's
    /// close is the last and leaves no WAL behind).
    func stop() async {
        task.cancel()
        await task.value
    }

    func cancel() {
        task.cancel()
    }

    private static func run(path: String, logger: Logger) async {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: .singleton, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            logger.warning(
                "no background checkpoints for the SQLite store; commits checkpoint by themselves",
                metadata: ["path": .string(path), "error": .string(describe(error))])
            return
        }
        // Never wait for a lock on a pool thread: a checkpoint that cannot run now runs next time.
        _ = try? await connection.query("PRAGMA busy_timeout = 0")
        var last: [Int] = []
        while !Task.isCancelled {
            var progressed = false
            do {
                // One row: busy flag, pages in the WAL, pages copied to the database file.
                let row = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)").first
                let counts = row?.columns.compactMap { $0.data.integer } ?? []
                progressed = counts != last
                last = counts
            } catch {
                logger.debug("background checkpoint failed", metadata: ["error": .string(describe(error))])
            }
            try? await Task.sleep(for: progressed ? busyInterval : idleInterval)
        }
        // Closed from a task of its own: the async close refuses to run in a cancelled task, and this one is.
        await Task.detached { try? await connection.close() }.value
    }
}

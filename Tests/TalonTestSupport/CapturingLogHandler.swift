import Logging

/// A log handler that keeps messages in memory, so tests can wait on what a component reported.
public struct CapturingLogHandler: LogHandler {
    public let lines: LockedBox<[String]>
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(lines: LockedBox<[String]> = LockedBox([])) {
        self.lines = lines
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        let pairs = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.withLock { $0.append(([message.description] + pairs).joined(separator: " ")) }
    }

    /// A logger writing into `lines`.
    public static func logger(_ lines: LockedBox<[String]>) -> Logger {
        Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
    }
}

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line per event: `<time> <level> <label>: <message> key=value …`, written to stdout (where swift-log and the platform's log collection expect it).
/// Values with spaces, quotes or `=` are quoted so the line stays machine-splittable.
public struct KeyValueLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    /// stderr when stdout carries a protocol (an MCP stdio server).
    let toStandardError: Bool

    public init(label: String, level: Logger.Level, toStandardError: Bool = false) {
        self.label = label
        self.logLevel = level
        self.toStandardError = toStandardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Clocks.rfc3339(ms: Clocks.nowMs())) \(event.level) \(label): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoted("\(merged[key]!)"))"
        }
        line += "\n"
        if toStandardError { ConsoleOutput.stderr(line) } else { ConsoleOutput.stdout(line) }
    }

    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }
        guard needsQuotes else { return value }
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

import Logging
import TalonCore

enum LogSetup {
    /// `--log-level` → `TALON_LOG_LEVEL` → `OPENCLAW_LOG_LEVEL` → `logging.level` in the config → info.
    static func level(flag: String?, environment: [String: String], config: TalonConfig?) -> Logger.Level {
        let candidates = [
            flag, environment["TALON_LOG_LEVEL"], environment["OPENCLAW_LOG_LEVEL"],
            config?.raw.value(atPath: "logging.level")?.stringValue,
        ]
        for candidate in candidates {
            if let candidate, let level = parse(candidate) { return level }
        }
        return .info
    }

    static func parse(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "trace": .trace
        case "debug", "verbose": .debug
        case "info": .info
        case "notice": .notice
        case "warn", "warning": .warning
        case "error": .error
        case "critical", "fatal", "silent": .critical
        default: nil
        }
    }

    static func bootstrap(level: Logger.Level, toStandardError: Bool = false) {
        LoggingSystem.bootstrap { label in KeyValueLogHandler(label: label, level: level, toStandardError: toStandardError) }
    }
}

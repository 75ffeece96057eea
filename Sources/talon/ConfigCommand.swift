import ArgumentParser
import FoundationEssentials
import TalonCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read the effective configuration.",
        subcommands: [Get.self]
    )

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective value at a dotted path (secrets redacted), e.g. gateway.port."
        )

        @Argument(help: "Dotted path, e.g. gateway.auth.mode or agents.list.0.id; omit for the whole config.")
        var path: String?

        @Flag(name: .long, help: "Always print JSON (strings quoted).")
        var json = false

        @OptionGroup var state: StateOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let paths = state.paths(environment: environment)
            let loaded = try loadConfigOrExit(paths: paths, environment: environment)
            let effective = redactSecrets(effectiveConfig(loaded.config, environment: environment))
            let value: JSONValue?
            if let path, !path.isEmpty {
                value = effective.value(atPath: path)
            } else {
                value = effective
            }
            guard let value else {
                printError("talon: no value at \(path ?? "")")
                throw ExitCodes.failure
            }
            if !json, case .string(let text) = value {
                print(text)
            } else {
                print(value.serialized(pretty: true))
            }
        }
    }
}

/// The config as the gateway would run it: typed defaults, plus the port precedence applied.
func effectiveConfig(_ config: TalonConfig, environment: [String: String]) -> JSONValue {
    var root = config.effectiveJSON()
    guard case .object(var top) = root, case .object(var gateway)? = top["gateway"] else { return root }
    if let envPort = environment["OPENCLAW_GATEWAY_PORT"].flatMap(Int.init) {
        gateway["port"] = .number(Double(envPort))
    } else if gateway["port"] == nil || gateway["port"] == .null {
        gateway["port"] = .number(18789)
    }
    top["gateway"] = .object(gateway)
    root = .object(top)
    return root
}

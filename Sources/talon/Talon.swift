import ArgumentParser
import TalonCore

@main
struct Talon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talon",
        abstract: "A lean gateway for the OpenClaw personal AI assistant.",
        version: TalonVersion.current,
        subcommands: [
            GatewayCommand.self, DoctorCommand.self, ConfigCommand.self, IncidentsCommand.self, PairingCommand.self, MCPCommand.self,
            MCTLCommand.self,
        ]
    )
}

/// Exit codes the platform's restart policy relies on.
enum ExitCodes {
    /// Invalid configuration (upstream's convention; units use RestartPreventExitStatus=78).
    static let invalidConfig = ExitCode(78)
    static let failure = ExitCode(1)
}

/// Options shared by every command that reads the config and state.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $OPENCLAW_CONFIG_PATH or <state-dir>/openclaw.json).")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "State directory (default: $OPENCLAW_STATE_DIR or ~/.openclaw).")
    var stateDir: String?

    func paths(environment: [String: String]) -> StatePaths {
        StatePaths.resolve(stateDirFlag: stateDir, configFlag: config, environment: environment)
    }
}

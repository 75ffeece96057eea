import ArgumentParser
import FoundationEssentials
import Logging
import TalonChannels
import TalonCore
import TalonStore

struct PairingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairing",
        abstract: "Channel access requests from unknown senders (dmPolicy \"pairing\").",
        subcommands: [PairingList.self, PairingApprove.self]
    )
}

struct PairingList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Lists pending pairing requests, newest first.")

    @OptionGroup var state: StateOptions

    @Argument(help: "Only this channel (e.g. telegram).")
    var channel: String?

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LogSetup.bootstrap(level: .error)
        let store = try await openStoreOrExit(
            paths: state.paths(environment: environment), environment: environment, logger: Logger(label: "talon.pairing"))
        let requests: [PairingRequest]
        do {
            requests = try await PairingStore(store: store).pending(channel: channel)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        if json {
            for request in requests { print(request.json.serialized()) }
        } else if requests.isEmpty {
            print("no pending pairing requests")
        } else {
            print(["CODE", "CHANNEL", "ACCOUNT", "SENDER", "NAME", "EXPIRES"].joined(separator: "\t"))
            for request in requests {
                print(
                    [
                        request.code, request.channel, request.account, request.senderId, request.senderName ?? "-",
                        Clocks.rfc3339(ms: request.expiresAtMs),
                    ].joined(separator: "\t"))
            }
        }
    }
}

struct PairingApprove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approves a pairing code; the sender is told and can talk to the assistant.")

    @OptionGroup var state: StateOptions

    @Argument(help: "The channel (telegram).")
    var channel: String

    @Argument(help: "The 8-character code the sender received.")
    var code: String

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LogSetup.bootstrap(level: .error)
        let store = try await openStoreOrExit(
            paths: state.paths(environment: environment), environment: environment, logger: Logger(label: "talon.pairing"))
        let approved: PairingRequest?
        do {
            approved = try await PairingApproval.approve(channel: channel.lowercased(), code: code, store: store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        guard let approved else {
            ConsoleOutput.stderr(
                "talon: no pending \(channel) pairing request with code \(code.uppercased()) (expired or already approved?)")
            throw ExitCode(1)
        }
        print(
            "approved \(approved.channel) sender \(approved.senderId)\(approved.senderName.map { " (\($0))" } ?? "") on account \(approved.account)"
        )
    }
}

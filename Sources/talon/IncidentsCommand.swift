import ArgumentParser
import FoundationEssentials
import Logging
import TalonCore
import TalonGateway
import TalonStore
import TalonTools

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "mctl-agent incidents received through the hooks endpoint.",
        subcommands: [IncidentsList.self, IncidentsSimulate.self]
    )
}

struct IncidentsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Lists incidents, newest first: ticket, event, run, claim, result, PR.")

    @OptionGroup var state: StateOptions

    @Option(name: .long, help: "At most this many (default 50).")
    var limit: Int = 50

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = state.paths(environment: environment)
        LogSetup.bootstrap(level: .error)
        let logger = Logger(label: "talon.incidents")
        let store = try await openStoreOrExit(paths: paths, environment: environment, logger: logger)
        defer { Task { await store.close() } }
        let records = try await IncidentLedger(store: store).list(limit: max(1, min(limit, 1000)))
        if json {
            for record in records { print(IncidentView.json(record).serialized()) }
            await store.close()
            return
        }
        if records.isEmpty {
            print("no incidents")
        } else {
            print(["RECEIVED", "TICKET", "EVENT", "RUN", "CLAIM", "RESULT", "PR"].joined(separator: "\t"))
            for record in records { print(IncidentView.row(record).joined(separator: "\t")) }
        }
        await store.close()
    }
}

struct IncidentsSimulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Sends a sample signed mctl-agent event, exactly as mctl-agent would, to check a deployment.")

    @Option(name: .long, help: "Hook URL, e.g. http://127.0.0.1:18789/hooks/mctl-agent")
    var url: String

    @Option(name: .long, help: "The mapping's verify secret (default: $MCTL_WEBHOOK_SECRET).")
    var secret: String?

    @Option(name: .long, help: "The hooks token (default: $OPENCLAW_HOOKS_TOKEN).")
    var token: String?

    @Option(name: .customLong("event-type"), help: "ticket.escalated (default), ticket.fix_failed or ticket.created.")
    var eventType: String = "ticket.escalated"

    @Option(name: .long, help: "Ticket id in the sample (default sim-1).")
    var ticket: String = "sim-1"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let secret = secret ?? environment["MCTL_WEBHOOK_SECRET"], !secret.isEmpty else {
            throw ValidationError("--secret (or MCTL_WEBHOOK_SECRET) is required")
        }
        guard let token = token ?? environment["OPENCLAW_HOOKS_TOKEN"], !token.isEmpty else {
            throw ValidationError("--token (or OPENCLAW_HOOKS_TOKEN) is required")
        }
        do {
            let result = try await MctlWebhookSimulator.send(url: url, secret: secret, token: token, eventType: eventType, ticketId: ticket)
            print("HTTP \(result.status) event_id=\(result.eventId)")
            print(result.body)
            if !(200..<300).contains(result.status) { throw ExitCodes.failure }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("talon: delivery failed: \(error)")
            throw ExitCodes.failure
        }
    }
}

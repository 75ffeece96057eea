import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonModels

/// `mctl_agent_external`: claims an mctl-agent incident event and reports the outcome back
/// (reference §1.7). The hard rules of the platform are enforced here, not only in the prompt:
/// only events delivered through a verified hook are known, only claimable event types are claimed,
/// a 409 stops everything, `pr_created` needs real PR artifacts, and one result per event.
public struct MCTLAgentExternalTool: AgentTool {
    public static let name = "mctl_agent_external"
    public static let resultStatuses = ["pr_created", "needs_human", "failed", "declined"]

    let ledger: IncidentLedger
    let settings: MCTLCallbackSettings
    let logger: Logger
    let nowMs: @Sendable () -> Int64

    public init(
        ledger: IncidentLedger, settings: MCTLCallbackSettings = MCTLCallbackSettings(), logger: Logger,
        nowMs: @escaping @Sendable () -> Int64 = { Clocks.nowMs() }
    ) {
        self.ledger = ledger
        self.settings = settings
        self.logger = logger
        self.nowMs = nowMs
    }

    public var spec: ToolSpec {
        func text(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }
        return ToolSpec(
            name: Self.name,
            description: """
                Claim an mctl-agent incident event before doing any work on it (action=claim), then report the outcome exactly \
                once (action=result). Only ticket.fix_failed and ticket.escalated events can be claimed. If the claim says the \
                incident is already claimed, stop. Use status=pr_created only with real PR artifacts (prUrl, prNumber, prRepo, \
                prBranch, prCommitSha); otherwise needs_human. The callback URLs and credentials of the event are known to Talon.
                """,
            parameters: [
                "type": "object",
                "properties": [
                    "action": ["type": "string", "enum": ["claim", "result"], "description": "claim first, result once at the end."],
                    "claimUrl": text("delivery.claim_url of the event (optional: Talon knows it)."),
                    "resultUrl": text("delivery.result_url of the event (optional: Talon knows it)."),
                    "callbackAuthHeader": text("delivery.callback_auth_header (default Authorization)."),
                    "callbackAuthValue": text("delivery.callback_auth_value (optional: Talon uses the value of the delivery)."),
                    "agentId": text("Agent id registered with mctl-agent, e.g. openclaw-labs."),
                    "eventId": text("event_id of the incident event."),
                    "leaseId": text("lease_id returned by the claim (optional: Talon remembers it)."),
                    "idempotencyKey": text("Result idempotency key (default openclaw:<ticketId>:<eventId>)."),
                    "status": [
                        "type": "string", "enum": .array(Self.resultStatuses.map(JSONValue.string)),
                        "description": "Result status (action=result).",
                    ],
                    "summary": text("What was found and done (action=result)."),
                    "prUrl": text("Pull request URL (pr_created)."),
                    "prNumber": text("Pull request number (pr_created)."),
                    "prRepo": text("owner/name of the PR repository (pr_created)."),
                    "prBranch": text("PR head branch (pr_created)."),
                    "prCommitSha": text("Head commit SHA of the PR (pr_created)."),
                    "logsUrl": text("Optional link to logs."),
                    "messageTemplate": text("Optional message template for mctl-agent's notification."),
                ],
                "required": ["action", "agentId", "eventId"],
            ])
    }

    /// A refusal or failure that becomes an error tool result.
    struct Refusal: Error {
        var text: String
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let args = MCTLArguments(arguments)
        guard let action = args.action, action == "claim" || action == "result" else {
            return ToolOutput(text: "error: 'action' must be \"claim\" or \"result\"", isError: true)
        }
        guard let eventId = args.eventId else { return ToolOutput(text: "error: 'eventId' is required", isError: true) }
        guard let agentId = args.agentId else { return ToolOutput(text: "error: 'agentId' is required", isError: true) }
        do {
            return try await KeyedSerializer.incidents.run(eventId) {
                guard let record = try await ledger.get(eventId: eventId) else {
                    throw Refusal(text: "unknown event \(eventId): only events delivered through a verified hook can be claimed")
                }
                let redactor = Redactor(secrets: [record.callbackAuthValue, args.callbackAuthValue])
                do {
                    if action == "claim" { return try await claim(record, agentId: agentId, args: args) }
                    return try await result(record, agentId: agentId, args: args)
                } catch let refusal as Refusal {
                    throw Refusal(text: redactor.clean(refusal.text))
                }
            }
        } catch let refusal as Refusal {
            return ToolOutput(text: "error: " + refusal.text, isError: true)
        }
    }

    /// The URL to call: the stored one. A URL the model passes must be that same URL.
    func callbackURL(stored: String?, given: String?, field: String, deliveryKey: String) throws -> String {
        guard let stored, !stored.isEmpty else { throw Refusal(text: "the event's delivery carried no \(deliveryKey)") }
        if let given, given != stored {
            throw Refusal(text: "\(field) does not match the \(deliveryKey) of the verified delivery for this event; it was not called")
        }
        if let problem = settings.refusal(for: stored) { throw Refusal(text: problem) }
        return stored
    }

    var sender: MCTLCallbackSender { MCTLCallbackSender(timeoutSeconds: settings.timeoutSeconds, logger: logger) }

    /// Parses a JSON object answer (`.null` when it is not JSON).
    static func json(_ response: IntegrationHTTP.Response) -> JSONValue {
        (try? JSON5.parse(response.text)) ?? .null
    }
}

/// The tool's arguments, trimmed; empty strings count as absent.
struct MCTLArguments: Sendable {
    var action, claimUrl, resultUrl, callbackAuthHeader, callbackAuthValue, agentId, eventId: String?
    var leaseId, idempotencyKey, status, summary, prUrl, prNumber, prRepo, prBranch, prCommitSha, logsUrl, messageTemplate: String?

    init(_ arguments: JSONValue) {
        func text(_ key: String) -> String? {
            let value: String?
            switch arguments[key] {
            case .string(let string)?: value = string
            case .number(let number)? where number.rounded() == number && abs(number) < 1e15: value = String(Int64(number))
            default: value = nil
            }
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed?.isEmpty == false ? trimmed : nil
        }
        action = text("action")?.lowercased()
        claimUrl = text("claimUrl")
        resultUrl = text("resultUrl")
        callbackAuthHeader = text("callbackAuthHeader")
        callbackAuthValue = text("callbackAuthValue")
        agentId = text("agentId")
        eventId = text("eventId")
        leaseId = text("leaseId")
        idempotencyKey = text("idempotencyKey")
        status = text("status")?.lowercased()
        summary = text("summary")
        prUrl = text("prUrl")
        prNumber = text("prNumber").map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }
        prRepo = text("prRepo")
        prBranch = text("prBranch")
        prCommitSha = text("prCommitSha")
        logsUrl = text("logsUrl")
        messageTemplate = text("messageTemplate")
    }
}

/// Removes secret values (and the token part of `Bearer <token>`) from text shown to the model.
struct Redactor: Sendable {
    let needles: [String]

    init(secrets: [String?]) {
        var needles: [String] = []
        for secret in secrets.compactMap({ $0 }) where secret.count >= 4 {
            needles.append(secret)
            if let space = secret.firstIndex(of: " ") {
                let token = String(secret[secret.index(after: space)...]).trimmingCharacters(in: .whitespaces)
                if token.count >= 4 { needles.append(token) }
            }
        }
        self.needles = needles.sorted { $0.count > $1.count }
    }

    func clean(_ text: String) -> String {
        needles.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}

import Foundation
import Logging
import TalonAgent
import TalonCore

extension MCTLAgentExternalTool {
    static let conflictText =
        "already claimed by another agent (HTTP 409): stop, do not explore or open PRs, and do not send a result for this event"

    /// `action=claim`: `POST claim_url {"agent_id","event_id"}`; refused locally when the event type is
    /// not claimable, after a 409, and answered from the ledger when this event is already claimed.
    func claim(_ record: IncidentRecord, agentId: String, args: MCTLArguments) async throws -> ToolOutput {
        guard record.claimableEvents.contains(record.eventType) else {
            let allowed = record.claimableEvents.joined(separator: ", ")
            throw Refusal(
                text: "event type \(record.eventType) is not claimable (claimable: \(allowed)); do not claim or work on it, "
                    + "no callback was sent")
        }
        if record.claimConflict { throw Refusal(text: Self.conflictText) }
        if let claim = record.claim {
            return ToolOutput(text: Self.claimText(claim, eventId: record.eventId, note: "this event was already claimed by this agent"))
        }
        let url = try callbackURL(stored: record.claimUrl, given: args.claimUrl, field: "claimUrl", deliveryKey: "claim_url")
        let body: JSONValue = ["agent_id": .string(agentId), "event_id": .string(record.eventId)]
        let outcome = try await sender.send(
            method: .POST, url: url, authHeader: record.callbackAuthHeader ?? "Authorization", authValue: record.callbackAuthValue,
            body: Data(body.serialized().utf8), delays: settings.claimRetryDelays, what: "claim")
        switch outcome {
        case .failed(let problem, let attempts):
            throw Refusal(text: "claim failed after \(attempts) attempts (\(problem)); the incident is not claimed")
        case .answered(let response, let attempts):
            return try await claimAnswered(response, attempts: attempts, record: record)
        }
    }

    private func claimAnswered(_ response: IntegrationHTTP.Response, attempts: Int, record: IncidentRecord) async throws -> ToolOutput {
        var record = record
        switch response.status {
        case 200, 201:
            let json = Self.json(response)
            guard let leaseId = json["lease_id"]?.stringValue, !leaseId.isEmpty else {
                throw Refusal(text: "claim answered HTTP \(response.status) without a lease_id: \(IntegrationHTTP.snippet(response.text))")
            }
            let claim = IncidentRecord.Claim(
                leaseId: leaseId, ticketId: json["ticket_id"]?.stringValue ?? record.ticketId, expiresAt: json["expires_at"]?.stringValue,
                claimedAtMs: nowMs())
            record.claim = claim
            try await ledger.put(record, nowMs: nowMs())
            IncidentMetrics.claim("claimed")
            logger.info("mctl-agent event claimed", metadata: ["event": "\(record.eventId)", "lease": "\(leaseId)"])
            return ToolOutput(text: Self.claimText(claim, eventId: record.eventId, note: nil))
        case 409:
            record.claimConflict = true
            try await ledger.put(record, nowMs: nowMs())
            IncidentMetrics.claim("conflict")
            logger.info("mctl-agent event already claimed", metadata: ["event": "\(record.eventId)"])
            // A retried claim can meet its own earlier, unanswered success: say so rather than guess.
            let retried = attempts > 1 ? " (an earlier attempt timed out or failed, so it may have been ours; the lease is unknown)" : ""
            throw Refusal(text: Self.conflictText + retried)
        default:
            throw Refusal(
                text: "claim refused with HTTP \(response.status): \(IntegrationHTTP.snippet(response.text)); the incident is not claimed")
        }
    }

    static func claimText(_ claim: IncidentRecord.Claim, eventId: String, note: String?) -> String {
        var object: [String: JSONValue] = [
            "ok": true, "action": "claim", "event_id": .string(eventId), "lease_id": .string(claim.leaseId),
            "next": "investigate, then send exactly one result for this event",
        ]
        if let ticket = claim.ticketId { object["ticket_id"] = .string(ticket) }
        if let expires = claim.expiresAt { object["expires_at"] = .string(expires) }
        if let note { object["note"] = .string(note) }
        return JSONValue.object(object).serialized()
    }
}

import Foundation
import Logging
import TalonAgent
import TalonCore

extension MCTLAgentExternalTool {
    /// `action=result`: `PATCH result_url` once per event, with the claim's lease and a stable
    /// idempotency key (retries of transient failures reuse it, so mctl-agent records one result).
    func result(_ record: IncidentRecord, agentId: String, args: MCTLArguments) async throws -> ToolOutput {
        if let sent = record.result {
            throw Refusal(text: "a result was already sent for this event (status \(sent.status)); exactly one result is allowed")
        }
        if record.claimConflict { throw Refusal(text: Self.conflictText) }
        guard let claim = record.claim else {
            throw Refusal(text: "this event has not been claimed (no lease): claim it first with action=claim")
        }
        if let given = args.leaseId, given != claim.leaseId {
            throw Refusal(text: "leaseId does not match the lease of this event's claim (\(claim.leaseId))")
        }
        guard let status = args.status, Self.resultStatuses.contains(status) else {
            throw Refusal(text: "'status' must be one of \(Self.resultStatuses.joined(separator: ", "))")
        }
        if status == "pr_created" {
            let missing = [
                ("prUrl", args.prUrl), ("prNumber", args.prNumber), ("prRepo", args.prRepo), ("prBranch", args.prBranch),
                ("prCommitSha", args.prCommitSha),
            ].filter { $0.1 == nil }.map(\.0)
            if !missing.isEmpty {
                throw Refusal(
                    text: "pr_created needs real PR artifacts; missing \(missing.joined(separator: ", ")). "
                        + "If no pull request was opened, send status=needs_human instead")
            }
        }
        let url = try callbackURL(stored: record.resultUrl, given: args.resultUrl, field: "resultUrl", deliveryKey: "result_url")
        let ticket = claim.ticketId ?? record.ticketId ?? "unknown"
        let key = args.idempotencyKey ?? "openclaw:\(ticket):\(record.eventId)"
        let outcome = try await sender.send(
            method: .PATCH, url: url, authHeader: record.callbackAuthHeader ?? "Authorization", authValue: record.callbackAuthValue,
            body: Data(
                Self.resultBody(args, agentId: agentId, eventId: record.eventId, leaseId: claim.leaseId, status: status, key: key).utf8),
            delays: settings.resultRetryDelays, what: "result")
        switch outcome {
        case .failed(let problem, let attempts):
            throw Refusal(
                text: "result not delivered after \(attempts) attempts (\(problem)); nothing was recorded. "
                    + "You may retry the same call later; it reuses idempotency key \(key)")
        case .answered(let response, _):
            return try await resultAnswered(response, record: record, args: args, status: status, key: key)
        }
    }

    private func resultAnswered(
        _ response: IntegrationHTTP.Response, record: IncidentRecord, args: MCTLArguments, status: String, key: String
    ) async throws -> ToolOutput {
        switch response.status {
        case 200, 201, 204:
            var record = record
            let now = nowMs()
            record.result = IncidentRecord.Result(
                status: status, summary: args.summary ?? "", prUrl: args.prUrl, prNumber: args.prNumber, repo: args.prRepo,
                branch: args.prBranch, commitSha: args.prCommitSha, logsUrl: args.logsUrl, idempotencyKey: key,
                httpStatus: response.status, recordedAtMs: now)
            IncidentMetrics.result(status)
            try await ledger.put(record, nowMs: now)
            logger.info("mctl-agent result recorded", metadata: ["event": "\(record.eventId)", "status": "\(status)"])
            let idempotent = Self.json(response)["idempotent"].map { $0 == .string("true") || $0 == .bool(true) } ?? false
            let text: JSONValue = [
                "ok": true, "action": "result", "event_id": .string(record.eventId), "status": .string(status),
                "idempotency_key": .string(key), "idempotent_repeat": .bool(idempotent),
                "next": "done: the result is recorded; do not send another one",
            ]
            return ToolOutput(text: text.serialized())
        case 409 where response.text.lowercased().contains("lease expired"):
            throw Refusal(
                text: "lease expired (HTTP 409): mctl-agent no longer accepts a result for this claim; nothing was recorded. "
                    + "Stop and tell the operator")
        case 409:
            throw Refusal(
                text: "result refused with HTTP 409 (\(IntegrationHTTP.snippet(response.text))): the claim is already completed "
                    + "with another idempotency key or not active; nothing was recorded")
        default:
            throw Refusal(
                text: "result refused with HTTP \(response.status): \(IntegrationHTTP.snippet(response.text)); nothing was recorded")
        }
    }

    /// The wire body of §1.7; `pr_number` is a string, absent artifacts are left out.
    static func resultBody(_ args: MCTLArguments, agentId: String, eventId: String, leaseId: String, status: String, key: String) -> String
    {
        var artifacts: [String: JSONValue] = [:]
        let fields = [
            ("pr_url", args.prUrl), ("pr_number", args.prNumber), ("repo", args.prRepo), ("branch", args.prBranch),
            ("commit_sha", args.prCommitSha), ("logs_url", args.logsUrl),
        ]
        for case (let name, let value?) in fields { artifacts[name] = .string(value) }
        var body: [String: JSONValue] = [
            "agent_id": .string(agentId), "event_id": .string(eventId), "lease_id": .string(leaseId), "idempotency_key": .string(key),
            "status": .string(status), "summary": .string(args.summary ?? ""), "artifacts": .object(artifacts),
        ]
        if let template = args.messageTemplate { body["message_template"] = .string(template) }
        return JSONValue.object(body).serialized()
    }
}

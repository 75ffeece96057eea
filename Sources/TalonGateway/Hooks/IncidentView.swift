import TalonCore
import TalonTools

/// How operators see an incident (CLI table, JSON, `GET /api/incidents`). Callback secrets are never shown.
public enum IncidentView {
    public static func json(_ record: IncidentRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "eventId": .string(record.eventId), "eventType": .string(record.eventType), "runId": .string(record.runId),
            "sessionKey": .string(record.sessionKey), "receivedAt": .string(Clocks.rfc3339(ms: record.receivedAtMs)),
            "updatedAt": .string(Clocks.rfc3339(ms: record.updatedAtMs)), "claimConflict": .bool(record.claimConflict),
        ]
        object["ticketId"] = record.ticketId.map(JSONValue.string) ?? .null
        object["team"] = record.team.map(JSONValue.string) ?? .null
        object["service"] = record.service.map(JSONValue.string) ?? .null
        object["claim"] =
            record.claim.map { claim in
                [
                    "leaseId": .string(claim.leaseId), "expiresAt": claim.expiresAt.map(JSONValue.string) ?? .null,
                    "claimedAt": .string(Clocks.rfc3339(ms: claim.claimedAtMs)),
                ]
            } ?? .null
        object["result"] =
            record.result.map { result in
                [
                    "status": .string(result.status), "summary": .string(result.summary),
                    "prUrl": result.prUrl.map(JSONValue.string) ?? .null,
                    "prNumber": result.prNumber.map(JSONValue.string) ?? .null,
                    "recordedAt": .string(Clocks.rfc3339(ms: result.recordedAtMs)),
                ]
            } ?? .null
        return .object(object)
    }

    public static func row(_ record: IncidentRecord) -> [String] {
        let claim = record.claim.map { "lease \($0.leaseId)" } ?? (record.claimConflict ? "409 conflict" : "-")
        return [
            Clocks.rfc3339(ms: record.receivedAtMs), record.ticketId ?? "-", record.eventType, record.runId, claim,
            record.result?.status ?? "-", record.result?.prUrl ?? "-",
        ]
    }
}

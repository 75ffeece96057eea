import TalonCore

extension IncidentRecord {
    /// The record as the JSON text `JSONEncoder` writes (nil members left out), without Codable's reflection: the
    /// hooks endpoint writes one per delivery. Keep it in step with the stored properties; `IncidentRecordJSONTests`
    /// compares it member for member with `JSONEncoder`'s output for a record that sets every one.
    public var jsonText: String {
        var out = JSONObjectWriter(capacity: 1024)
        out.string("eventId", eventId)
        out.string("eventType", eventType)
        out.string("ticketId", ticketId)
        out.string("team", team)
        out.string("service", service)
        out.string("severity", severity)
        out.string("runId", runId)
        out.string("sessionKey", sessionKey)
        out.string("claimUrl", claimUrl)
        out.string("resultUrl", resultUrl)
        out.string("callbackAuthHeader", callbackAuthHeader)
        out.string("callbackAuthValue", callbackAuthValue)
        out.strings("claimableEvents", claimableEvents)
        out.json("claim", claim?.jsonText)
        out.bool("claimConflict", claimConflict)
        out.json("result", result?.jsonText)
        out.int("receivedAtMs", receivedAtMs)
        out.int("updatedAtMs", updatedAtMs)
        return out.finished()
    }
}

extension IncidentRecord.Claim {
    var jsonText: String {
        var out = JSONObjectWriter()
        out.string("leaseId", leaseId)
        out.string("ticketId", ticketId)
        out.string("expiresAt", expiresAt)
        out.int("claimedAtMs", claimedAtMs)
        return out.finished()
    }
}

extension IncidentRecord.Result {
    var jsonText: String {
        var out = JSONObjectWriter()
        out.string("status", status)
        out.string("summary", summary)
        out.string("prUrl", prUrl)
        out.string("prNumber", prNumber)
        out.string("repo", repo)
        out.string("branch", branch)
        out.string("commitSha", commitSha)
        out.string("logsUrl", logsUrl)
        out.string("idempotencyKey", idempotencyKey)
        out.int("httpStatus", httpStatus)
        out.int("recordedAtMs", recordedAtMs)
        return out.finished()
    }
}

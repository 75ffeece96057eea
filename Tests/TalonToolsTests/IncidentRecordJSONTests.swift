import Foundation
import TalonCore
import TalonTools
import Testing

@Suite("Incident record JSON: the hand-written encoding matches JSONEncoder's")
struct IncidentRecordJSONTests {
    private static func full() -> IncidentRecord {
        var record = IncidentRecord(
            eventId: "evt_1", eventType: "ticket.escalated", ticketId: "t-42", team: "labs", service: "api", severity: "high",
            runId: "run-1", sessionKey: "agent:main:hook:mctl-agent:t-42", claimUrl: "http://x/claim", resultUrl: "http://x/result",
            callbackAuthHeader: "Authorization", callbackAuthValue: "Bearer \"quoted\" \\ \u{1}\u{2028} ünïcode",
            claimableEvents: ["ticket.fix_failed", "ticket.escalated"], receivedAtMs: 1_700_000_000_000)
        record.claim = .init(leaseId: "lease-1", ticketId: "t-42", expiresAt: "2026-11-25T10:15:00Z", claimedAtMs: 1_700_000_000_100)
        record.claimConflict = true
        record.result = .init(
            status: "pr_created", summary: "fixed\nline two", prUrl: "https://github.com/o/r/pull/7", prNumber: "7", repo: "o/r",
            branch: "openclaw/ticket-t-42", commitSha: "abc123", logsUrl: "https://logs", idempotencyKey: "idem-1", httpStatus: 200,
            recordedAtMs: 1_700_000_000_200)
        record.updatedAtMs = 1_700_000_000_300
        return record
    }

    @Test("every member set: decodes to the same record and has the same members as JSONEncoder's output")
    func everyMember() throws {
        let record = Self.full()
        let fast = record.jsonText
        #expect(try JSONDecoder().decode(IncidentRecord.self, from: Data(fast.utf8)) == record)
        let reference = try JSON5.parse(String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
        #expect(try JSON5.parse(fast) == reference)
        // A stored property the writer forgot would be missing here (the record sets every one).
        #expect(reference.objectValue?.count == Mirror(reflecting: record).children.count)
        #expect(reference["claim"]?.objectValue?.count == Mirror(reflecting: record.claim!).children.count)
        #expect(reference["result"]?.objectValue?.count == Mirror(reflecting: record.result!).children.count)
    }

    @Test("nil members are left out, as JSONEncoder leaves them out")
    func nilMembers() throws {
        let record = IncidentRecord(eventId: "e", eventType: "ticket.created", runId: "", sessionKey: "", receivedAtMs: 5)
        let fast = record.jsonText
        #expect(try JSONDecoder().decode(IncidentRecord.self, from: Data(fast.utf8)) == record)
        #expect(try JSON5.parse(fast) == JSON5.parse(String(decoding: try JSONEncoder().encode(record), as: UTF8.self)))
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import TalonTools
import Testing

@Suite("mctl_agent_external: result")
struct MCTLResultTests {
    static let artifacts: [String: JSONValue] = [
        "prUrl": "https://github.com/mctlhq/mctl-gitops/pull/42", "prNumber": 42, "prRepo": "mctlhq/mctl-gitops",
        "prBranch": "openclaw/ticket-T-1", "prCommitSha": "0123456789abcdef0123456789abcdef01234567",
        "logsUrl": "https://logs.example/run-1", "messageTemplate": "Fix proposed: {{pr_url}}",
    ]

    /// An event claimed through the tool.
    private func claimed(_ harness: IncidentHarness) async throws -> IncidentRecord {
        let record = try await harness.addEvent()
        let output = try await harness.claim(record.eventId)
        #expect(!output.isError, "\(output.text)")
        return try #require(try await harness.ledger.get(eventId: record.eventId))
    }

    @Test func prCreatedSendsTheWireBodyAndStoresTheResult() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        let output = try await harness.result(record.eventId, status: "pr_created", extra: Self.artifacts)
        #expect(!output.isError, "\(output.text)")
        let sent = try #require(harness.requests("PATCH").first)
        #expect(sent.path == "/api/v1/tickets/T-1/external-results")
        #expect(sent.header("authorization") == record.callbackAuthValue)
        let body = try #require(sent.body)
        #expect(body["agent_id"] == "openclaw-labs")
        #expect(body["event_id"]?.stringValue == record.eventId)
        #expect(body["lease_id"]?.stringValue == record.claim?.leaseId)
        #expect(body["idempotency_key"]?.stringValue == "openclaw:T-1:\(record.eventId)")
        #expect(body["status"] == "pr_created")
        #expect(body["summary"] == "checked")
        #expect(body["message_template"] == "Fix proposed: {{pr_url}}")
        #expect(
            body["artifacts"] == [
                "pr_url": "https://github.com/mctlhq/mctl-gitops/pull/42", "pr_number": "42", "repo": "mctlhq/mctl-gitops",
                "branch": "openclaw/ticket-T-1", "commit_sha": "0123456789abcdef0123456789abcdef01234567",
                "logs_url": "https://logs.example/run-1",
            ])
        #expect(harness.fake.results(record.eventId).count == 1)
        let stored = try #require(try await harness.ledger.get(eventId: record.eventId)?.result)
        #expect(stored.status == "pr_created")
        #expect(stored.prNumber == "42")
        #expect(stored.httpStatus == 200)
        #expect(stored.idempotencyKey == "openclaw:T-1:\(record.eventId)")

        // Exactly one result per event: a second one is refused locally.
        let again = try await harness.result(record.eventId, status: "needs_human")
        #expect(again.isError && again.text.contains("a result was already sent for this event"))
        #expect(harness.requests("PATCH").count == 1)
        await harness.close()
    }

    @Test func prCreatedWithoutArtifactsIsRefused() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        let output = try await harness.result(
            record.eventId, status: "pr_created", extra: ["prUrl": "https://github.com/mctlhq/mctl-gitops/pull/42", "prNumber": ""])
        #expect(output.isError)
        #expect(output.text.contains("needs_human"))
        #expect(output.text.contains("prNumber, prRepo, prBranch, prCommitSha"))
        #expect(harness.requests("PATCH").isEmpty)
        let fallback = try await harness.result(record.eventId, status: "needs_human")
        #expect(!fallback.isError, "\(fallback.text)")
        #expect(harness.fake.results(record.eventId).first?["status"] == "needs_human")
        await harness.close()
    }

    @Test func resultNeedsAClaimAndAValidStatus() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        let unclaimed = try await harness.result(record.eventId)
        #expect(unclaimed.isError && unclaimed.text.contains("claim it first"))
        _ = try await harness.claim(record.eventId)
        let bad = try await harness.result(record.eventId, status: "fixed")
        #expect(bad.isError && bad.text.contains("'status' must be one of"))
        let wrongLease = try await harness.result(record.eventId, extra: ["leaseId": "lease_other"])
        #expect(wrongLease.isError && wrongLease.text.contains("leaseId does not match"))
        #expect(harness.requests("PATCH").isEmpty)
        await harness.close()
    }

    @Test func transientFailuresRetryWithTheSameKey() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        harness.fake.failNextResults(2, status: 503)
        let output = try await harness.result(record.eventId, extra: ["idempotencyKey": "openclaw:T-1:custom"])
        #expect(!output.isError, "\(output.text)")
        let attempts = harness.requests("PATCH")
        #expect(attempts.count == 3)
        #expect(Set(attempts.compactMap { $0.body?["idempotency_key"]?.stringValue }) == ["openclaw:T-1:custom"])
        #expect(harness.fake.results(record.eventId).count == 1)
        #expect(try await harness.ledger.get(eventId: record.eventId)?.result?.idempotencyKey == "openclaw:T-1:custom")
        await harness.close()
    }

    @Test func lostResponseIsAnsweredIdempotently() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        // mctl-agent applies the result but the answer is lost: the retry gets the idempotent 200.
        harness.fake.failNextResults(1, status: 502, afterApplying: true)
        let output = try await harness.result(record.eventId)
        #expect(!output.isError, "\(output.text)")
        #expect(try JSON5.parse(output.text)["idempotent_repeat"] == true)
        #expect(harness.requests("PATCH").count == 2)
        #expect(harness.fake.results(record.eventId).count == 1)
        #expect(try await harness.ledger.get(eventId: record.eventId)?.result != nil)
        await harness.close()
    }

    @Test func retriesAreBounded() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        harness.fake.failNextResults(10, status: 503)
        let output = try await harness.result(record.eventId)
        #expect(output.isError && output.text.contains("not delivered after 4 attempts"))
        #expect(harness.requests("PATCH").count == 4)
        #expect(try await harness.ledger.get(eventId: record.eventId)?.result == nil)
        await harness.close()
    }

    @Test func expiredLeaseIsAClearError() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await claimed(harness)
        harness.fake.expireLease(record.eventId)
        let output = try await harness.result(record.eventId)
        #expect(output.isError)
        #expect(output.text.contains("lease expired (HTTP 409)"))
        #expect(harness.requests("PATCH").count == 1)
        #expect(harness.fake.results(record.eventId).isEmpty)
        #expect(try await harness.ledger.get(eventId: record.eventId)?.result == nil)
        await harness.close()
    }

    @Test func timedOutResultIsRetriedWithTheSameKey() async throws {
        let harness = try await IncidentHarness.make(timeoutSeconds: 0.3)
        let record = try await claimed(harness)
        harness.fake.stallNextResults(1, seconds: 1)
        let output = try await harness.result(record.eventId)
        #expect(!output.isError, "\(output.text)")
        let keys = Set(harness.requests("PATCH").compactMap { $0.body?["idempotency_key"]?.stringValue })
        #expect(keys == ["openclaw:T-1:\(record.eventId)"])
        #expect(harness.requests("PATCH").count == 2)
        // Even if the stalled request lands late, mctl-agent records one result.
        try await Task.sleep(for: .seconds(1))
        #expect(harness.fake.results(record.eventId).count == 1)
        await harness.close()
    }
}

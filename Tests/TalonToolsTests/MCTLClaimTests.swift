import Foundation
import TalonCore
import TalonTestSupport
import TalonTools
import Testing

@Suite("mctl_agent_external: claim")
struct MCTLClaimTests {
    @Test func claimStoresAndReturnsTheLease() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        let output = try await harness.claim(record.eventId)
        #expect(!output.isError, "\(output.text)")
        let answer = try JSON5.parse(output.text)
        let lease = try #require(harness.fake.leaseId(record.eventId))
        #expect(answer["lease_id"]?.stringValue == lease)
        #expect(answer["ticket_id"]?.stringValue == "T-1")
        #expect(answer["expires_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(try await harness.ledger.get(eventId: record.eventId)?.claim?.leaseId == lease)
        let sent = try #require(harness.requests("POST").first)
        #expect(sent.path == "/api/v1/tickets/T-1/external-claims")
        #expect(sent.body == ["agent_id": "openclaw-labs", "event_id": .string(record.eventId)])
        #expect(sent.header("authorization") == record.callbackAuthValue)
        #expect(sent.header("content-type") == "application/json")
        #expect(harness.fake.claims(record.eventId).count == 1)

        // A second claim is answered from the ledger: same lease, no HTTP call.
        let again = try await harness.claim(record.eventId)
        #expect(!again.isError)
        #expect(try JSON5.parse(again.text)["lease_id"]?.stringValue == lease)
        #expect(harness.fake.requests().count == 1)
        await harness.close()
    }

    @Test func ticketCreatedIsNotClaimed() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent(eventType: "ticket.created")
        let output = try await harness.claim(record.eventId)
        #expect(output.isError)
        #expect(output.text.contains("ticket.created is not claimable"))
        #expect(harness.fake.requests().isEmpty)
        await harness.close()
    }

    @Test func conflictStopsEverythingLocally() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        // Another agent instance holds the claim.
        let auth = harness.fake.callbackAuth(record.eventId)
        let other = try await HTTPProbe(port: harness.fake.port).request(
            "POST", "/api/v1/tickets/T-1/external-claims", headers: [auth.header: auth.value, "Content-Type": "application/json"],
            body: Data(#"{"agent_id":"openclaw-labs","event_id":"\#(record.eventId)"}"#.utf8))
        #expect(other.status == 200)

        let output = try await harness.claim(record.eventId)
        #expect(output.isError)
        #expect(output.text.contains("already claimed by another agent (HTTP 409): stop"))
        #expect(try await harness.ledger.get(eventId: record.eventId)?.claimConflict == true)
        let before = harness.fake.requests().count

        let again = try await harness.claim(record.eventId)
        #expect(again.isError && again.text.contains("already claimed"))
        let result = try await harness.result(record.eventId)
        #expect(result.isError && result.text.contains("already claimed"))
        #expect(harness.fake.requests().count == before)
        await harness.close()
    }

    @Test func unknownEventIsRefused() async throws {
        let harness = try await IncidentHarness.make()
        let output = try await harness.claim("evt_never_delivered")
        #expect(output.isError)
        #expect(output.text.contains("only events delivered through a verified hook can be claimed"))
        #expect(harness.fake.requests().isEmpty)
        await harness.close()
    }

    @Test func urlsMustMatchTheDelivery() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        let output = try await harness.claim(record.eventId, extra: ["claimUrl": "http://127.0.0.1:1/steal"])
        #expect(output.isError)
        #expect(output.text.contains("claimUrl does not match"))
        // The same URL as delivered is fine.
        let same = try await harness.claim(record.eventId, extra: ["claimUrl": .string(record.claimUrl!)])
        #expect(!same.isError, "\(same.text)")
        let result = try await harness.result(record.eventId, extra: ["resultUrl": "http://127.0.0.1:1/other"])
        #expect(result.isError && result.text.contains("resultUrl does not match"))
        #expect(harness.requests("PATCH").isEmpty)
        await harness.close()
    }

    @Test func callbackOriginsAreEnforced() async throws {
        let restricted = try await IncidentHarness.make(allowedOrigins: { _ in ["https://agent.mctl.ai"] })
        let record = try await restricted.addEvent()
        let refused = try await restricted.claim(record.eventId)
        #expect(refused.isError && refused.text.contains("callbackAllowedOrigins"))
        #expect(restricted.fake.requests().isEmpty)
        await restricted.close()

        let allowed = try await IncidentHarness.make(allowedOrigins: { [$0.baseURL] })
        let event = try await allowed.addEvent()
        let output = try await allowed.claim(event.eventId)
        #expect(!output.isError, "\(output.text)")
        await allowed.close()
    }

    @Test func originPrefixEndsOnABoundary() {
        let settings = MCTLCallbackSettings(allowedOrigins: ["https://agent.mctl.ai", "http://10.0.0.5:8080/api/"])
        #expect(settings.permits("https://agent.mctl.ai/api/v1/tickets/1/external-claims"))
        #expect(settings.permits("https://AGENT.mctl.ai"))
        #expect(!settings.permits("https://agent.mctl.ai.evil.example/x"))
        #expect(!settings.permits("https://agent.mctl.ai:8443/x"))
        #expect(settings.permits("http://10.0.0.5:8080/api/v1"))
        #expect(!settings.permits("http://10.0.0.5:8080/apix"))
        #expect(!MCTLCallbackSettings().permits("ftp://agent.mctl.ai/x"))
        #expect(MCTLCallbackSettings().permits("http://127.0.0.1:9/x"))
    }

    @Test func transientClaimFailuresAreRetried() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        harness.fake.failNextClaims(2, status: 503)
        let output = try await harness.claim(record.eventId)
        #expect(!output.isError, "\(output.text)")
        #expect(harness.requests("POST").count == 3)

        let other = try await harness.addEvent()
        harness.fake.failNextClaims(5, status: 502)
        let failed = try await harness.claim(other.eventId)
        #expect(failed.isError && failed.text.contains("claim failed after 3 attempts"))
        #expect(try await harness.ledger.get(eventId: other.eventId)?.claim == nil)
        await harness.close()
    }

    @Test func concurrentClaimsMakeOneCall() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        async let first = harness.claim(record.eventId)
        async let second = harness.claim(record.eventId)
        let outputs = try await [first, second]
        #expect(outputs.allSatisfy { !$0.isError })
        #expect(Set(outputs.compactMap { try? JSON5.parse($0.text)["lease_id"]?.stringValue }).count == 1)
        #expect(harness.requests("POST").count == 1)
        await harness.close()
    }

    @Test func argumentsAreChecked() async throws {
        let harness = try await IncidentHarness.make()
        let record = try await harness.addEvent()
        let noAgent = try await harness.call(["action": "claim", "eventId": .string(record.eventId)])
        #expect(noAgent.isError && noAgent.text.contains("agentId"))
        let badAction = try await harness.call(["action": "steal", "agentId": "a", "eventId": .string(record.eventId)])
        #expect(badAction.isError && badAction.text.contains("action"))
        #expect(harness.fake.requests().isEmpty)
        await harness.close()
    }
}

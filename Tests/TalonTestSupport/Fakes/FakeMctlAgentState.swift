import Foundation
import Hummingbird
import Synchronization
import TalonCore

/// mctl-agent's callback semantics (reference §1.7, server side), in memory.
final class FakeMctlAgentState: Sendable {
    struct Event {
        var ticketId: String
        var agentId: String
        var authHeader: String
        var authValue: String
        var leaseTTLSeconds: Int
        var claim: Claim?
    }

    struct Claim {
        var leaseId: String
        var agentId: String
        var expiresAt: Date
        var forcedExpired = false
        var completedKey: String?
        var expired: Bool { forcedExpired || expiresAt <= Date() }
    }

    struct Failure {
        var status: Int
        var afterApplying: Bool
    }

    struct State {
        var events: [String: Event] = [:]
        var claimFailures: [Failure] = []
        var resultFailures: [Failure] = []
        /// Seconds the next results wait before being handled (the client may time out meanwhile).
        var resultStalls: [Double] = []
        var requests: [FakeRequest] = []
        var acceptedClaims: [String: [JSONValue]] = [:]
        var recordedResults: [String: [JSONValue]] = [:]
    }

    let state = Mutex(State())

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        FakeServerBoot.json(status, ["error": .string(message)])
    }

    /// Checks shared by claim and result, in mctl-agent's order: agent, event, ticket, auth.
    private func validate(_ request: FakeRequest, ticketId: String, state: inout State) -> (String, Response?) {
        let body = request.body ?? .null
        let agentId = body["agent_id"]?.stringValue ?? ""
        let eventId = body["event_id"]?.stringValue ?? ""
        guard state.events.values.contains(where: { $0.agentId == agentId }) else {
            return (eventId, Self.error(.unauthorized, "unknown agent"))
        }
        guard let event = state.events[eventId] else { return (eventId, Self.error(.notFound, "event not found")) }
        guard event.ticketId == ticketId else { return (eventId, Self.error(.badRequest, "ticket/event mismatch")) }
        guard request.header(event.authHeader) == event.authValue, event.agentId == agentId else {
            return (eventId, Self.error(.unauthorized, "unauthorized"))
        }
        return (eventId, nil)
    }

    func claim(_ request: FakeRequest, ticketId: String) -> Response {
        state.withLock { state in
            state.requests.append(request)
            let (eventId, refusal) = validate(request, ticketId: ticketId, state: &state)
            if let refusal { return refusal }
            if !state.claimFailures.isEmpty {
                let failure = state.claimFailures.removeFirst()
                return Self.error(.init(code: failure.status), "scripted failure")
            }
            guard var event = state.events[eventId] else { return Self.error(.notFound, "event not found") }
            if let claim = event.claim, !claim.expired || claim.completedKey != nil {
                return Self.error(.conflict, "already claimed")
            }
            let claim = Claim(
                leaseId: "lease_" + UUID().uuidString.lowercased(), agentId: request.body?["agent_id"]?.stringValue ?? "",
                expiresAt: Date().addingTimeInterval(TimeInterval(event.leaseTTLSeconds)))
            event.claim = claim
            state.events[eventId] = event
            state.acceptedClaims[eventId, default: []].append(request.body ?? .null)
            return FakeServerBoot.json(
                .ok,
                [
                    "lease_id": .string(claim.leaseId), "ticket_id": .string(event.ticketId), "event_id": .string(eventId),
                    "expires_at": .string(FakeMctlAgent.timestamp(claim.expiresAt)),
                ])
        }
    }

    /// Takes the next scripted stall, logging the request now (it may never be handled).
    func takeResultStall(_ request: FakeRequest) -> Double? {
        state.withLock { state in
            guard !state.resultStalls.isEmpty else { return nil }
            state.requests.append(request)
            return state.resultStalls.removeFirst()
        }
    }

    func result(_ request: FakeRequest, ticketId: String, logged: Bool = false) -> Response {
        state.withLock { state in
            if !logged { state.requests.append(request) }
            let (eventId, refusal) = validate(request, ticketId: ticketId, state: &state)
            if let refusal { return refusal }
            var failure: Failure?
            if !state.resultFailures.isEmpty {
                failure = state.resultFailures.removeFirst()
                if let failure, !failure.afterApplying { return Self.error(.init(code: failure.status), "scripted failure") }
            }
            let answer = apply(request, eventId: eventId, state: &state)
            if let failure { return Self.error(.init(code: failure.status), "scripted failure after applying") }
            return answer
        }
    }

    private func apply(_ request: FakeRequest, eventId: String, state: inout State) -> Response {
        let body = request.body ?? .null
        guard var event = state.events[eventId], var claim = event.claim, claim.leaseId == body["lease_id"]?.stringValue else {
            return Self.error(.notFound, "claim not found")
        }
        let key = body["idempotency_key"]?.stringValue ?? ""
        if let completed = claim.completedKey {
            if completed == key { return FakeServerBoot.json(.ok, ["status": "ok", "idempotent": "true"]) }
            return Self.error(.conflict, "claim already completed")
        }
        if claim.expired { return Self.error(.conflict, "lease expired") }
        let statuses = ["pr_created", "needs_human", "failed", "declined", "accepted"]
        guard let status = body["status"]?.stringValue, statuses.contains(status) else {
            return Self.error(.badRequest, "invalid status")
        }
        claim.completedKey = key
        event.claim = claim
        state.events[eventId] = event
        state.recordedResults[eventId, default: []].append(body)
        return FakeServerBoot.json(.ok, ["status": "ok"])
    }
}

import Foundation
import Hummingbird
import TalonCore

/// A loopback mctl-agent: the external-agent callback API with the real server semantics
/// (claim → lease or 409, result with lease checks and idempotency), scripted failures, and the
/// signed event deliveries mctl-agent sends to an agent's hook (reference §1.3, §1.4, §1.7).
public final class FakeMctlAgent: Sendable {
    public let port: Int
    private let state: FakeMctlAgentState
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT` (mctl-agent's `WEBHOOK_CALLBACK_URL`).
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, state: FakeMctlAgentState, task: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.task = task
    }

    public static func start() async throws -> FakeMctlAgent {
        let state = FakeMctlAgentState()
        let router = Router()
        router.post("/api/v1/tickets/:ticket/external-claims") { request, context in
            let recorded = try await FakeServerBoot.record(request)
            return state.claim(recorded, ticketId: context.parameters.get("ticket") ?? "")
        }
        router.patch("/api/v1/tickets/:ticket/external-results") { request, context in
            let recorded = try await FakeServerBoot.record(request)
            let ticket = context.parameters.get("ticket") ?? ""
            if let stall = state.takeResultStall(recorded) {
                try await Task.sleep(for: .seconds(stall))
                return state.result(recorded, ticketId: ticket, logged: true)
            }
            return state.result(recorded, ticketId: ticket)
        }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-mctl-agent")
        return FakeMctlAgent(port: port, state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    // MARK: - Setup

    /// Registers an event (and its agent) as mctl-agent would when it emits it.
    public func addEvent(
        _ eventId: String, ticketId: String, agentId: String = "openclaw-labs", callbackAuthHeader: String = "Authorization",
        callbackAuthValue: String = "Bearer mctl_evt_" + UUID().uuidString.lowercased(), leaseTTLSeconds: Int = 900
    ) {
        state.state.withLock {
            $0.events[eventId] = FakeMctlAgentState.Event(
                ticketId: ticketId, agentId: agentId, authHeader: callbackAuthHeader, authValue: callbackAuthValue,
                leaseTTLSeconds: leaseTTLSeconds)
        }
    }

    /// `claim_url` of a registered event: `…/api/v1/tickets/{ticketId}/external-claims`.
    public func claimURL(_ eventId: String) -> String {
        baseURL + "/api/v1/tickets/" + ticketId(eventId) + "/external-claims"
    }

    /// `result_url` of a registered event: `…/api/v1/tickets/{ticketId}/external-results`.
    public func resultURL(_ eventId: String) -> String {
        baseURL + "/api/v1/tickets/" + ticketId(eventId) + "/external-results"
    }

    public func callbackAuth(_ eventId: String) -> (header: String, value: String) {
        state.state.withLock { state in state.events[eventId].map { ($0.authHeader, $0.authValue) } ?? ("Authorization", "") }
    }

    func ticketId(_ eventId: String) -> String {
        state.state.withLock { $0.events[eventId]?.ticketId ?? "unknown-ticket" }
    }

    /// The next `count` results answer `status` (before applying them, or after: a lost response).
    public func failNextResults(_ count: Int, status: Int = 503, afterApplying: Bool = false) {
        let failures = Array(repeating: FakeMctlAgentState.Failure(status: status, afterApplying: afterApplying), count: count)
        state.state.withLock { $0.resultFailures += failures }
    }

    /// The next `count` results are handled only after `seconds` (a slow or hung mctl-agent).
    public func stallNextResults(_ count: Int, seconds: Double) {
        state.state.withLock { $0.resultStalls += Array(repeating: seconds, count: count) }
    }

    public func failNextClaims(_ count: Int, status: Int = 503) {
        let failures = Array(repeating: FakeMctlAgentState.Failure(status: status, afterApplying: false), count: count)
        state.state.withLock { $0.claimFailures += failures }
    }

    /// Expires the event's current lease, as the lease reaper would.
    public func expireLease(_ eventId: String) {
        state.state.withLock { $0.events[eventId]?.claim?.forcedExpired = true }
    }

    // MARK: - Inspection

    /// Bodies of the claims that were granted a lease.
    public func claims(_ eventId: String) -> [JSONValue] {
        state.state.withLock { $0.acceptedClaims[eventId] ?? [] }
    }

    /// Bodies of the results that completed the claim (idempotent repeats are not counted again).
    public func results(_ eventId: String) -> [JSONValue] {
        state.state.withLock { $0.recordedResults[eventId] ?? [] }
    }

    /// The lease currently held for the event.
    public func leaseId(_ eventId: String) -> String? {
        state.state.withLock { $0.events[eventId]?.claim?.leaseId }
    }

    /// Every callback request, in order (including refused ones).
    public func requests() -> [FakeRequest] {
        state.state.withLock { $0.requests }
    }
}

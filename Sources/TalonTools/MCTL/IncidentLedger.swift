import FoundationEssentials
import TalonStore

/// What Talon knows about one mctl-agent incident event: written by the hooks endpoint when a verified
/// delivery arrives, updated by the `mctl_agent_external` tool (claim, result). Kept in the store's `kv`
/// table (namespace `incidents`, key = event id), so it survives restarts and works on both backends.
public struct IncidentRecord: Sendable, Codable, Hashable {
    public struct Claim: Sendable, Codable, Hashable {
        public var leaseId: String
        public var ticketId: String?
        public var expiresAt: String?
        public var claimedAtMs: Int64

        public init(leaseId: String, ticketId: String?, expiresAt: String?, claimedAtMs: Int64) {
            self.leaseId = leaseId
            self.ticketId = ticketId
            self.expiresAt = expiresAt
            self.claimedAtMs = claimedAtMs
        }
    }

    public struct Result: Sendable, Codable, Hashable {
        public var status: String
        public var summary: String
        public var prUrl: String?
        public var prNumber: String?
        public var repo: String?
        public var branch: String?
        public var commitSha: String?
        public var logsUrl: String?
        public var idempotencyKey: String
        /// HTTP status of the accepted callback (200).
        public var httpStatus: Int
        public var recordedAtMs: Int64

        public init(
            status: String, summary: String, prUrl: String? = nil, prNumber: String? = nil, repo: String? = nil, branch: String? = nil,
            commitSha: String? = nil, logsUrl: String? = nil, idempotencyKey: String, httpStatus: Int, recordedAtMs: Int64
        ) {
            self.status = status
            self.summary = summary
            self.prUrl = prUrl
            self.prNumber = prNumber
            self.repo = repo
            self.branch = branch
            self.commitSha = commitSha
            self.logsUrl = logsUrl
            self.idempotencyKey = idempotencyKey
            self.httpStatus = httpStatus
            self.recordedAtMs = recordedAtMs
        }
    }

    public var eventId: String
    public var eventType: String
    public var ticketId: String?
    public var team: String?
    public var service: String?
    public var severity: String?
    /// Run started for this delivery.
    public var runId: String
    public var sessionKey: String
    /// From the verified payload's `delivery` block; the tool calls only these URLs.
    public var claimUrl: String?
    public var resultUrl: String?
    public var callbackAuthHeader: String?
    public var callbackAuthValue: String?
    /// Event types the claim tool may claim (mapping `claimableEvents`, default fix_failed + escalated).
    public var claimableEvents: [String]
    public var claim: Claim?
    /// Set when the claim answered 409 (someone else holds it): nothing more may happen.
    public var claimConflict: Bool
    public var result: Result?
    public var receivedAtMs: Int64
    public var updatedAtMs: Int64

    public static let defaultClaimableEvents = ["ticket.fix_failed", "ticket.escalated"]

    public init(
        eventId: String, eventType: String, ticketId: String? = nil, team: String? = nil, service: String? = nil, severity: String? = nil,
        runId: String, sessionKey: String, claimUrl: String? = nil, resultUrl: String? = nil, callbackAuthHeader: String? = nil,
        callbackAuthValue: String? = nil, claimableEvents: [String] = IncidentRecord.defaultClaimableEvents, receivedAtMs: Int64
    ) {
        self.eventId = eventId
        self.eventType = eventType
        self.ticketId = ticketId
        self.team = team
        self.service = service
        self.severity = severity
        self.runId = runId
        self.sessionKey = sessionKey
        self.claimUrl = claimUrl
        self.resultUrl = resultUrl
        self.callbackAuthHeader = callbackAuthHeader
        self.callbackAuthValue = callbackAuthValue
        self.claimableEvents = claimableEvents
        self.claim = nil
        self.claimConflict = false
        self.result = nil
        self.receivedAtMs = receivedAtMs
        self.updatedAtMs = receivedAtMs
    }
}

/// Reads and writes `IncidentRecord`s in the store.
public struct IncidentLedger: Sendable {
    public static let namespace = "incidents"
    public let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func get(eventId: String) async throws -> IncidentRecord? {
        guard let text = try await store.kvGet(namespace: Self.namespace, key: eventId) else { return nil }
        return try JSONDecoder().decode(IncidentRecord.self, from: Data(text.utf8))
    }

    public func put(_ record: IncidentRecord, nowMs: Int64) async throws {
        let write = Self.write(record, nowMs: nowMs)
        try await store.kvSet(namespace: write.namespace, key: write.key, value: write.value, nowMs: nowMs)
    }

    /// The row `put` writes, for a caller that writes it together with other rows (`Store.claimAndWrite`).
    public static func write(_ record: IncidentRecord, nowMs: Int64) -> KVWrite {
        var record = record
        record.updatedAtMs = nowMs
        return KVWrite(namespace: namespace, key: record.eventId, value: record.jsonText)
    }

    /// Most recently updated first.
    public func list(limit: Int) async throws -> [IncidentRecord] {
        try await store.kvList(namespace: Self.namespace, limit: limit).compactMap { entry in
            try? JSONDecoder().decode(IncidentRecord.self, from: Data(entry.value.utf8))
        }
    }
}

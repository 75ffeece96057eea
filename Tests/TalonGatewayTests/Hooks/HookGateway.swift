import Crypto
import Foundation
import TalonCore
import TalonTestSupport

/// A gateway with hooks enabled and an mctl-agent mapping (signed deliveries), on a mock model.
enum HookGateway {
    static let hookToken = "hook-token-abcdef0123456789"
    static let secret = "mctl-webhook-secret-0123"

    static func start(
        extraHooks: String = "", mappingExtra: String = "", extraConfig: String = "", gatewayAuthExtra: String = "",
        mock: MockModelServer? = nil, dir: TempDir? = nil, environment: [String: String] = [:]
    ) async throws -> AgentGateway {
        try await AgentGateway.start(
            extraConfig: """
                hooks: {
                  enabled: true, token: "\(hookToken)", path: "/hooks",
                  defaultSessionKey: "hook:mctl-agent:default", allowedSessionKeyPrefixes: ["hook:"], allowedAgentIds: ["main"],
                  mappings: [
                    { id: "mctl-agent-event", match: { path: "mctl-agent" }, action: "agent", name: "MCTL Agent Incident",
                      sessionKey: "hook:mctl-agent:{{payload.ticket.id}}", deliver: false, timeoutSeconds: 60,
                      messageTemplate: "Incident {{payload.event_type}} for ticket {{payload.ticket.id}} ({{payload.ticket.service}}): {{payload.ticket.summary}}. event_id={{payload.event_id}}",
                      verify: { kind: "mctl-hmac", secret: "\(secret)", toleranceSeconds: 300 }, \(mappingExtra) },
                    { id: "noop", match: { path: "noop" } },
                  ],
                  \(extraHooks)
                },
                \(extraConfig)
                """, gatewayExtra: gatewayAuthExtra, mock: mock, dir: dir, environment: environment)
    }

    static func event(
        id: String = "evt_\(UUID().uuidString.lowercased())", type: String = "ticket.escalated", ticket: String = "t-42",
        summary: String = "pod crashloop in api"
    ) -> String {
        """
        {"event_id":"\(id)","event_type":"\(type)","occurred_at":"2026-11-25T10:00:00Z",
         "ticket":{"id":"\(ticket)","team":"labs","service":"api","type":"pod_crashloop","severity":"high","status":"escalated","summary":"\(summary)"},
         "delivery":{"claim_url":"http://127.0.0.1:9/api/v1/tickets/\(ticket)/external-claims","result_url":"http://127.0.0.1:9/api/v1/tickets/\(ticket)/external-results","lease_ttl_seconds":900,"callback_auth_header":"Authorization","callback_auth_value":"Bearer mctl_evt_secret"}}
        """
    }

    static func timestamp(offsetSeconds: Double = 0) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date().addingTimeInterval(offsetSeconds))
    }

    static func signature(_ body: String, timestamp: String, secret: String = secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((timestamp + "." + body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Headers as mctl-agent sends them.
    static func signedHeaders(_ body: String, eventId: String? = nil, timestamp: String = timestamp(), token: String = hookToken)
        -> [String: String]
    {
        var headers = [
            "Authorization": "Bearer \(token)", "Content-Type": "application/json", "X-Mctl-Webhook-Timestamp": timestamp,
            "X-Mctl-Webhook-Signature": signature(body, timestamp: timestamp), "X-Mctl-Event-Type": "ticket.escalated",
        ]
        if let eventId { headers["X-Mctl-Event-Id"] = eventId }
        return headers
    }

    static func post(_ gateway: GatewayUnderTest, _ path: String, body: String, headers: [String: String]) async throws
        -> HTTPProbe.Response
    {
        try await gateway.http.request("POST", path, headers: headers, body: Data(body.utf8))
    }
}

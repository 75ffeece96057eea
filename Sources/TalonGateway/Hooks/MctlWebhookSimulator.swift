import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import TalonCore

/// Sends one sample delivery exactly as mctl-agent does (headers, HMAC signature, `webhook.Event` payload), so an
/// operator can check a deployment end to end: `talon incidents simulate`.
public enum MctlWebhookSimulator {
    public struct Result: Sendable {
        public var status: Int
        public var body: String
        public var eventId: String
    }

    public static func samplePayload(eventId: String, eventType: String, ticketId: String, occurredAt: String) -> String {
        let payload: JSONValue = [
            "event_id": .string(eventId), "event_type": .string(eventType), "occurred_at": .string(occurredAt),
            "ticket": [
                "id": .string(ticketId), "team": "labs", "service": "api", "type": "pod_crashloop", "severity": "high",
                "status": "escalated", "summary": "simulated incident: pod api-7c9f crashlooping (OOMKilled)",
                "analysis": "container exceeded its 256Mi memory limit three times in 10 minutes", "confidence": "LOW",
            ],
            "delivery": [
                "claim_url": .string("https://agent.invalid/api/v1/tickets/\(ticketId)/external-claims"),
                "result_url": .string("https://agent.invalid/api/v1/tickets/\(ticketId)/external-results"),
                "lease_ttl_seconds": 900, "callback_auth_header": "Authorization",
                "callback_auth_value": .string("Bearer mctl_evt_\(Secrets.randomToken(byteCount: 12))"),
            ],
        ]
        return payload.serialized()
    }

    public static func send(
        url: String, secret: String, token: String, eventType: String = "ticket.escalated", ticketId: String = "sim-1",
        timeout: Duration = .seconds(10)
    ) async throws -> Result {
        let eventId = "evt_" + UUID().uuidString.lowercased()
        let timestamp = Clocks.rfc3339(ms: Clocks.nowMs())
        let body = samplePayload(eventId: eventId, eventType: eventType, ticketId: ticketId, occurredAt: timestamp)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "X-Mctl-Event-Id", value: eventId)
        request.headers.add(name: "X-Mctl-Event-Type", value: eventType)
        request.headers.add(name: "X-Mctl-Webhook-Timestamp", value: timestamp)
        request.headers.add(
            name: "X-Mctl-Webhook-Signature", value: MctlSignature.sign(timestamp: timestamp, body: Array(body.utf8), secret: secret))
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
        let text = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        return Result(status: Int(response.status.code), body: text, eventId: eventId)
    }
}

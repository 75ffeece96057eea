import Foundation
import TalonCore

/// The outbound side of mctl-agent: the `webhook.Event` payload and the HMAC headers it signs it with.
extension FakeMctlAgent {
    /// A `webhook.Event` body (reference §1.4) as JSON text.
    public static func eventPayload(
        eventId: String, eventType: String, ticketId: String, team: String = "admins", service: String = "api",
        type: String = "pod_crashloop", severity: String = "critical", status: String = "escalated", summary: String = "pod crashlooping",
        analysis: String? = nil, confidence: String? = nil, diagnosis: JSONValue? = nil, claimURL: String, resultURL: String,
        callbackAuthHeader: String = "Authorization", callbackAuthValue: String, leaseTTLSeconds: Int = 900,
        occurredAt: Date = Date()
    ) -> String {
        var ticket: [String: JSONValue] = [
            "id": .string(ticketId), "team": .string(team), "service": .string(service), "type": .string(type),
            "severity": .string(severity), "status": .string(status), "summary": .string(summary),
        ]
        if let analysis { ticket["analysis"] = .string(analysis) }
        if let confidence { ticket["confidence"] = .string(confidence) }
        var payload: [String: JSONValue] = [
            "event_id": .string(eventId), "event_type": .string(eventType), "occurred_at": .string(timestamp(occurredAt)),
            "ticket": .object(ticket),
            "delivery": [
                "claim_url": .string(claimURL), "result_url": .string(resultURL), "lease_ttl_seconds": .number(Double(leaseTTLSeconds)),
                "callback_auth_header": .string(callbackAuthHeader), "callback_auth_value": .string(callbackAuthValue),
            ],
        ]
        if let diagnosis { payload["diagnosis"] = diagnosis }
        return JSONValue.object(payload).serialized()
    }

    /// The payload of an event registered with `addEvent`, with this fake's callback URLs and auth.
    public func eventPayload(
        _ eventId: String, eventType: String, team: String = "admins", service: String = "api", summary: String = "pod crashlooping",
        analysis: String? = nil
    ) -> String {
        let auth = callbackAuth(eventId)
        return Self.eventPayload(
            eventId: eventId, eventType: eventType, ticketId: ticketId(eventId), team: team, service: service, summary: summary,
            analysis: analysis, claimURL: claimURL(eventId), resultURL: resultURL(eventId), callbackAuthHeader: auth.header,
            callbackAuthValue: auth.value)
    }

    /// The headers mctl-agent's dispatcher sends with a delivery: content type, event id/type,
    /// RFC 3339 UTC timestamp and `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
    public func signedHeaders(
        body: String, secret: String, timestamp: String = FakeMctlAgent.timestamp(), eventId: String,
        eventType: String = "ticket.escalated"
    ) -> [String: String] {
        [
            "Content-Type": "application/json", "X-Mctl-Event-Id": eventId, "X-Mctl-Event-Type": eventType,
            "X-Mctl-Webhook-Timestamp": timestamp,
            "X-Mctl-Webhook-Signature": Self.signature(secret: secret, timestamp: timestamp, body: body),
        ]
    }

    /// `sha256=` + hex HMAC-SHA256(key = secret, message = timestamp + "." + body).
    public static func signature(secret: String, timestamp: String, body: String) -> String {
        "sha256=" + HMACSHA256.hex(key: secret, message: timestamp + "." + body)
    }

    /// RFC 3339 UTC without fractional seconds, like Go's `time.RFC3339` (`2026-03-25T10:00:00Z`).
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

import TalonCore

/// Constants and frame builders of the upstream gateway WebSocket protocol (v4, with v3 clients accepted).
enum GatewayProtocol {
    static let current = 4
    static let oldestSupported = 3
    /// Frames before a successful `connect` may not exceed this (upstream: 64 KiB).
    static let preAuthMaxBytes = 64 * 1024
    static let maxPayload = 26_214_400
    static let maxBufferedBytes = 52_428_800
    static let tickIntervalMs = 15_000
    /// A client that has not sent `connect` by then is closed.
    static let handshakeTimeout: Duration = .seconds(15)
    /// Requests one connection may have in flight (long `agent`/`agent.wait` calls included).
    static let maxInFlightRequests = 64
    /// Events buffered per connection; a slower client loses the oldest ones (events are not replayed upstream either).
    static let eventBufferLimit = 2048

    static let methods = [
        "health", "status", "chat.send", "chat.history", "chat.abort", "sessions.list", "sessions.reset", "sessions.patch",
        "agent", "agent.wait", "pairing.list", "pairing.approve", "config.get", "channels.status",
        "mctl.connect.start", "mctl.connect.complete", "mctl.connect.status", "mctl.connect.disconnect", "mcp.status",
    ]
    static let events = ["connect.challenge", "tick", "chat", "agent", "shutdown"]

    /// The highest version both sides speak, or nil.
    static func negotiate(min: Int, max: Int) -> Int? {
        let high = Swift.min(max, current)
        return high >= Swift.max(min, oldestSupported) ? high : nil
    }

    // MARK: Frames

    static func response(id: JSONValue, payload: JSONValue) -> JSONValue {
        ["type": "res", "id": id, "ok": true, "payload": payload]
    }

    static func response(id: JSONValue, error: GatewayError) -> JSONValue {
        ["type": "res", "id": id, "ok": false, "error": error.json]
    }

    static func event(_ name: String, payload: JSONValue, seq: Int? = nil) -> JSONValue {
        var frame: [String: JSONValue] = ["type": "event", "event": .string(name), "payload": payload]
        if let seq { frame["seq"] = .number(Double(seq)) }
        return .object(frame)
    }
}

/// A protocol error: `{code, message, details?, retryable?, retryAfterMs?}`.
struct GatewayError: Error, Sendable {
    var code: String
    var message: String
    var details: JSONValue?
    var retryable: Bool?
    var retryAfterMs: Int?

    init(_ code: String, _ message: String, details: JSONValue? = nil, retryable: Bool? = nil, retryAfterMs: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable
        self.retryAfterMs = retryAfterMs
    }

    static func invalid(_ message: String) -> GatewayError { GatewayError("INVALID_REQUEST", message) }

    static func missingScope(_ scope: String) -> GatewayError {
        GatewayError(
            "FORBIDDEN", "missing scope: \(scope)",
            details: ["code": "MISSING_SCOPE", "missingScope": .string(scope), "requiredScopes": [.string(scope)]])
    }

    static func unavailable(_ message: String) -> GatewayError { GatewayError("UNAVAILABLE", message, retryable: true) }

    var json: JSONValue {
        var object: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { object["details"] = details }
        if let retryable { object["retryable"] = .bool(retryable) }
        if let retryAfterMs { object["retryAfterMs"] = .number(Double(retryAfterMs)) }
        return .object(object)
    }
}

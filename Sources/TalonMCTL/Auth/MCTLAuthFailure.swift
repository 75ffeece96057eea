import Foundation

/// Why a request's bearer token was refused. The reason code is stable (clients and tests match
/// on it); the message is for people. Neither ever contains the token or a secret.
public struct MCTLAuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case missingToken = "missing_token"
        case malformedToken = "malformed_token"
        case unsupportedAlg = "unsupported_alg"
        case badSignature = "bad_signature"
        case expired
        case notYetValid = "not_yet_valid"
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        case unknownKey = "unknown_key"
        case jwksUnavailable = "jwks_unavailable"
        case notConfigured = "not_configured"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }

    /// Every refusal is a 401 (the contract: a missing or bad bearer → 401), including the
    /// server-side ones (`not_configured`, `jwks_unavailable`), which the reason code tells apart.
    public var httpStatus: Int { 401 }

    /// The `WWW-Authenticate` value (RFC 6750 §3): no error attribute when no token was sent at all
    /// (§3.1), `invalid_token` for every token that was sent and refused.
    public var wwwAuthenticate: String {
        reason == .missingToken ? "Bearer realm=\"mctl\"" : "Bearer realm=\"mctl\", error=\"invalid_token\""
    }

    /// `{"error":"unauthorized","reason":"<code>","message":"…"}`, keys sorted for stable output.
    public var responseBody: String {
        let object: [String: String] = ["error": "unauthorized", "reason": reason.rawValue, "message": message]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{\"error\":\"unauthorized\",\"reason\":\"\(reason.rawValue)\"}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation

/// A JWS compact token (RFC 7515 §7.1) split and decoded, NOT yet verified. Parsing is strict:
/// three base64url parts, a JSON-object header with a string `alg`, a JSON-object claims set with
/// typed registered claims and a numeric `exp`. Anything else is `malformed_token`.
struct MCTLJWTToken: Sendable {
    struct Header: Decodable, Sendable {
        var alg: String
        var kid: String?
        var typ: String?
        /// Critical extensions (RFC 7515 §4.1.11): none are understood, so any present refuses the token.
        var crit: [String]?
    }

    struct Claims: Decodable, Sendable {
        var iss: String?
        var sub: String?
        var aud: Audience?
        var exp: Double?
        var nbf: Double?
        var iat: Double?
        var groups: [String]?
    }

    /// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
    struct Audience: Decodable, Sendable {
        var values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                values = [single]
            } else {
                values = try container.decode([String].self)
            }
        }
    }

    /// Bigger tokens are refused before any decoding (MCTL's are well under 2 KB).
    static let maxLength = 8 * 1024

    var header: Header
    var claims: Claims
    /// `base64url(header) + "." + base64url(payload)`: the bytes the signature covers.
    var signingInput: [UInt8]
    var signature: [UInt8]

    static func parse(_ token: String) -> Result<Self, MCTLAuthFailure> {
        func malformed(_ why: String) -> Result<Self, MCTLAuthFailure> { .failure(MCTLAuthFailure(.malformedToken, why)) }
        guard token.utf8.count <= maxLength else { return malformed("the token is longer than \(maxLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return malformed("a JWT has three dot-separated parts") }
        guard let headerBytes = MCTLBase64URL.decode(parts[0]), let payloadBytes = MCTLBase64URL.decode(parts[1]),
            let signature = MCTLBase64URL.decode(parts[2])
        else { return malformed("a JWT part is not base64url") }
        let decoder = JSONDecoder()
        guard let header = try? decoder.decode(Header.self, from: Data(headerBytes)) else {
            return malformed("the JWT header is not a JSON object with a string alg")
        }
        guard let claims = try? decoder.decode(Claims.self, from: Data(payloadBytes)) else {
            return malformed("the JWT claims are not a JSON object with well-typed registered claims")
        }
        if let crit = header.crit, !crit.isEmpty {
            return malformed("the JWT header names critical extensions this server does not support")
        }
        // `exp` is checked when present; MCTL's tokens carry it, hand-made service tokens may not.
        guard claims.exp?.isFinite ?? true else { return malformed("the JWT's exp claim is not a finite number") }
        guard claims.nbf?.isFinite ?? true, claims.iat?.isFinite ?? true else {
            return malformed("a JWT time claim is not a finite number")
        }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        return .success(Self(header: header, claims: claims, signingInput: signingInput, signature: signature))
    }
}

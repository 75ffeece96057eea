import Crypto
import Foundation
import TalonCore

/// The random values and encodings of the connect flow (RFC 7636 PKCE, RFC 4648 base64url).
enum MCTLOAuthCrypto {
    /// 24 random bytes, base64url: the CSRF `state` the fork generates.
    static func newState() -> String { Secrets.randomToken(byteCount: 24) }

    /// 32 random bytes, base64url (43 characters): the PKCE `code_verifier`.
    static func newVerifier() -> String { Secrets.randomToken(byteCount: 32) }

    /// `code_challenge` for `code_challenge_method=S256`: base64url(SHA-256(verifier)).
    static func challenge(forVerifier verifier: String) -> String {
        Secrets.base64URLEncode(Array(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// The claims of a JWT, decoded WITHOUT verifying the signature: only for display (`sub`) and
    /// as a fallback expiry. Nil when the token is not JWT-shaped.
    static func unverifiedClaims(_ token: String) -> JSONValue? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let claims = try? JSON5.parse(String(decoding: data, as: UTF8.self)),
            claims.objectValue != nil
        else { return nil }
        return claims
    }

    /// `application/x-www-form-urlencoded` / query encoding: RFC 3986 unreserved characters kept.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func escape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output = [UInt8]()
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

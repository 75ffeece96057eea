import Crypto
import Foundation
import _CryptoExtras

/// Mints JWTs for tests the way MCTL does (JWS compact, RFC 7515): HS256 with a shared secret,
/// RS256 with an RSA key and `kid`, and raw variants for forging (alg none, tampering).
public enum TestJWT {
    /// One 2048-bit key per test process: RSA generation is slow in debug builds.
    public static let sharedRSAKey: _RSA.Signing.PrivateKey = {
        do { return try _RSA.Signing.PrivateKey(keySize: .bits2048) } catch { fatalError("RSA key generation failed: \(error)") }
    }()

    /// Claims typical of an MCTL token: `sub`, `groups`, `iat`, `exp` one hour ahead, plus `extra`.
    public static func claims(
        sub: String = "octocat", groups: [String] = ["developers"], issuer: String? = "https://api.mctl.ai",
        expiresIn: TimeInterval = 3600, now: Date = Date(), extra: [String: Any] = [:]
    ) -> [String: Any] {
        var claims: [String: Any] = [
            "sub": sub, "groups": groups, "iat": Int(now.timeIntervalSince1970), "exp": Int(now.timeIntervalSince1970 + expiresIn),
        ]
        if let issuer { claims["iss"] = issuer }
        for (key, value) in extra { claims[key] = value }
        return claims
    }

    public static func hs256(claims: [String: Any], secret: String, header: [String: Any] = [:]) -> String {
        hs256(claims: claims, secretBytes: Array(secret.utf8), header: header)
    }

    /// HS256 with raw key bytes (e.g. an RSA public key's PEM, for alg-confusion tests).
    public static func hs256(claims: [String: Any], secretBytes: [UInt8], header: [String: Any] = [:]) -> String {
        let input = signingInput(header: merged(["alg": "HS256", "typ": "JWT"], header), claims: claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secretBytes))
        return input + "." + base64URL(Array(mac))
    }

    public static func rs256(claims: [String: Any], privateKey: _RSA.Signing.PrivateKey, kid: String?, header: [String: Any] = [:])
        -> String
    {
        var base: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let kid { base["kid"] = kid }
        let input = signingInput(header: merged(base, header), claims: claims)
        // Signing with a valid 2048-bit key cannot fail; a crash here is a broken test setup.
        let signature = try! privateKey.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(Array(signature.rawRepresentation))
    }

    /// An unsigned token (`alg: none`, empty signature).
    public static func unsigned(claims: [String: Any]) -> String {
        signingInput(header: ["alg": "none", "typ": "JWT"], claims: claims) + "."
    }

    /// `base64url(header).base64url(claims)`.
    public static func signingInput(header: [String: Any], claims: [String: Any]) -> String {
        base64URL(json(header)) + "." + base64URL(json(claims))
    }

    public static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func merged(_ base: [String: Any], _ extra: [String: Any]) -> [String: Any] {
        base.merging(extra) { _, new in new }
    }
}

import Crypto
import Foundation
import _CryptoExtras

/// Checks the `Authorization: Bearer <JWT>` of a request to `talon mctl serve` the way MCTL issues
/// them (`{iss, sub: <github login>, groups, exp, iat?, nbf?}`), HS256 with a shared secret and/or
/// RS256 with keys from a JWKS URL. The token's `alg` picks between the configured ones; `none` and
/// every other algorithm are refused, and an algorithm that is not configured is refused too (so an
/// RS256 public key can never be used as an HS256 secret). Unconfigured → every request refused.
public struct MCTLJWTVerifier: Sendable {
    public let configuration: MCTLJWTConfiguration
    private let jwks: MCTLJWKSCache?
    private let now: @Sendable () -> Date

    /// `jwksFetcher` and `now` are for tests; the defaults fetch with AsyncHTTPClient and read the clock.
    public init(
        configuration: MCTLJWTConfiguration, jwksFetcher: (@Sendable (String) async throws -> [UInt8])? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.now = now
        self.jwks = configuration.jwksURL.map {
            MCTLJWKSCache(
                url: $0, ttlSeconds: configuration.jwksTTLSeconds, minRefetchSeconds: configuration.jwksMinRefetchSeconds,
                fetcher: jwksFetcher ?? { try await MCTLJWKSFetch.fetch($0) }, now: now)
        }
    }

    /// JWKS fetch attempts so far (0 without a JWKS URL): lets tests see the rate limit work.
    public var jwksFetchAttempts: Int {
        get async { await jwks?.fetchAttempts ?? 0 }
    }

    /// The `Authorization` header value (nil when absent) → the caller, or why not.
    public func verify(bearerHeader: String?) async -> Result<MCTLCaller, MCTLAuthFailure> {
        guard configuration.isConfigured else {
            return .failure(MCTLAuthFailure(.notConfigured, "caller authentication is not configured on this server"))
        }
        switch Self.bearerToken(bearerHeader) {
        case .failure(let failure): return .failure(failure)
        case .success(let token): return await verify(token: token)
        }
    }

    /// A bare compact JWT → the caller, or why not.
    public func verify(token: String) async -> Result<MCTLCaller, MCTLAuthFailure> {
        guard configuration.isConfigured else {
            return .failure(MCTLAuthFailure(.notConfigured, "caller authentication is not configured on this server"))
        }
        let parsed: MCTLJWTToken
        switch MCTLJWTToken.parse(token) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): parsed = value
        }
        if let failure = await checkSignature(parsed) { return .failure(failure) }
        return checkClaims(parsed.claims)
    }

    /// `Bearer <token>`: scheme case-insensitive (RFC 7235 §2.1), one token of token68 characters.
    static func bearerToken(_ header: String?) -> Result<String, MCTLAuthFailure> {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else {
            return .failure(MCTLAuthFailure(.missingToken, "send Authorization: Bearer <MCTL JWT>"))
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(MCTLAuthFailure(.missingToken, "the Authorization header is not a Bearer credential"))
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".utf8)
        guard !token.isEmpty, token.utf8.allSatisfy({ allowed.contains($0) }) else {
            return .failure(MCTLAuthFailure(.malformedToken, "the bearer token is not a compact JWT"))
        }
        return .success(token)
    }

    private func checkSignature(_ token: MCTLJWTToken) async -> MCTLAuthFailure? {
        switch token.header.alg {
        case "HS256":
            guard let secret = configuration.hs256Secret else {
                return MCTLAuthFailure(.unsupportedAlg, "HS256 tokens are not accepted by this server")
            }
            // swift-crypto's check is constant-time; a wrong-length MAC is simply not valid.
            let valid = HMAC<SHA256>.isValidAuthenticationCode(
                token.signature, authenticating: token.signingInput, using: SymmetricKey(data: secret))
            return valid ? nil : MCTLAuthFailure(.badSignature, "the token's signature does not verify")
        case "RS256":
            guard let jwks else { return MCTLAuthFailure(.unsupportedAlg, "RS256 tokens are not accepted by this server") }
            switch await jwks.key(kid: token.header.kid) {
            case .failure(let failure):
                return failure
            case .key(let key):
                let signature = _RSA.Signing.RSASignature(rawRepresentation: token.signature)
                let valid = key.isValidSignature(signature, for: SHA256.hash(data: token.signingInput), padding: .insecurePKCS1v1_5)
                return valid ? nil : MCTLAuthFailure(.badSignature, "the token's signature does not verify")
            }
        default:
            // `none`, other HMAC/RSA/EC variants, and case variants like "hs256".
            let shown = String(token.header.alg.prefix(16))
            return MCTLAuthFailure(.unsupportedAlg, "alg \"\(shown)\" is not accepted (HS256 or RS256 only)")
        }
    }

    private func checkClaims(_ claims: MCTLJWTToken.Claims) -> Result<MCTLCaller, MCTLAuthFailure> {
        let current = now().timeIntervalSince1970
        let leeway = configuration.leewaySeconds
        if let exp = claims.exp, current > exp + leeway { return .failure(MCTLAuthFailure(.expired, "the token has expired")) }
        if let nbf = claims.nbf, current + leeway < nbf { return .failure(MCTLAuthFailure(.notYetValid, "the token is not valid yet")) }
        if let issuer = configuration.issuer, claims.iss != issuer {
            return .failure(MCTLAuthFailure(.wrongIssuer, "the token was not issued by \(issuer)"))
        }
        if let audience = configuration.audience, !(claims.aud?.values.contains(audience) ?? false) {
            return .failure(MCTLAuthFailure(.wrongAudience, "the token is not meant for audience \(audience)"))
        }
        guard let login = claims.sub, !login.isEmpty else {
            return .failure(MCTLAuthFailure(.malformedToken, "the token has no sub (GitHub login)"))
        }
        return .success(
            MCTLCaller(login: login, groups: claims.groups ?? [], expiresAt: claims.exp.map { Date(timeIntervalSince1970: $0) }))
    }
}

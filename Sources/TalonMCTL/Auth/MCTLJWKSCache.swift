import Foundation
import _CryptoExtras

/// The RS256 signing keys of a JWKS URL (RFC 7517), fetched lazily and kept for a bounded TTL.
/// An unknown `kid` triggers one refetch (keys rotate), but fetches (successful or not) are at
/// least `minRefetchSeconds` apart, so neither a flood of made-up `kid`s nor an outage of the JWKS
/// endpoint turns into a flood of requests to it. Concurrent lookups share one in-flight fetch.
actor MCTLJWKSCache {
    /// Fetches the JWKS document; throws on transport errors and non-200 answers.
    typealias Fetcher = @Sendable (_ url: String) async throws -> [UInt8]

    enum Lookup: Sendable {
        case key(_RSA.Signing.PublicKey)
        case failure(MCTLAuthFailure)
    }

    private let url: String
    private let ttl: Double
    private let minRefetch: Double
    private let fetcher: Fetcher
    private let now: @Sendable () -> Date

    private var keys: [String: _RSA.Signing.PublicKey] = [:]
    /// Keys without a `kid`, usable only by tokens without one.
    private var anonymousKeys: [_RSA.Signing.PublicKey] = []
    private var fetchedAt: Date?
    private var lastAttempt: Date?
    private var inFlight: Task<Void, Never>?

    init(url: String, ttlSeconds: Double, minRefetchSeconds: Double, fetcher: @escaping Fetcher, now: @escaping @Sendable () -> Date) {
        self.url = url
        self.ttl = ttlSeconds
        self.minRefetch = minRefetchSeconds
        self.fetcher = fetcher
        self.now = now
    }

    func key(kid: String?) async -> Lookup {
        if isFresh, let key = find(kid) { return .key(key) }
        // Stale, never fetched, or the kid is unknown: one (rate-limited) fetch, then look again.
        if canFetch() { await refresh() }
        guard isFresh else {
            // Never fetched, or the TTL ran out and the refetch failed (or failed recently).
            return .failure(MCTLAuthFailure(.jwksUnavailable, "the signing keys could not be fetched from the JWKS URL"))
        }
        if let key = find(kid) { return .key(key) }
        let name = kid.map { "kid \"\(String($0.prefix(64)))\"" } ?? "a token without kid"
        return .failure(MCTLAuthFailure(.unknownKey, "no RS256 signing key in the JWKS matches \(name)"))
    }

    private var isFresh: Bool { fetchedAt.map { now().timeIntervalSince($0) < ttl } ?? false }

    /// Number of fetch attempts so far (tests).
    private(set) var fetchAttempts = 0

    private func find(_ kid: String?) -> _RSA.Signing.PublicKey? {
        if let kid { return keys[kid] }
        // No kid: acceptable only when the set leaves no choice.
        let all = Array(keys.values) + anonymousKeys
        return all.count == 1 ? all[0] : nil
    }

    private func canFetch() -> Bool {
        if inFlight != nil { return true }
        guard let lastAttempt else { return true }
        return now().timeIntervalSince(lastAttempt) >= minRefetch
    }

    private func refresh() async {
        if let inFlight {
            await inFlight.value
            return
        }
        lastAttempt = now()
        fetchAttempts += 1
        let task = Task { await self.fetchAndStore() }
        inFlight = task
        await task.value
        inFlight = nil
    }

    private func fetchAndStore() async {
        do {
            let body = try await fetcher(url)
            let parsed = try Self.parse(body)
            keys = parsed.byKid
            anonymousKeys = parsed.anonymous
            fetchedAt = now()
        } catch {
            // Keys already held stay usable until their TTL runs out; the error itself is not
            // passed on (it may name internal hosts), only `jwks_unavailable`.
            return
        }
    }

    struct ParseError: Error {}

    /// The usable keys of a JWKS document: `kty` RSA, `use` absent or `sig`, `alg` absent or
    /// `RS256`, a valid modulus (≥ 2048 bits, swift-crypto's floor) and exponent. Others are skipped.
    static func parse(_ body: [UInt8]) throws -> (byKid: [String: _RSA.Signing.PublicKey], anonymous: [_RSA.Signing.PublicKey]) {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let list = object["keys"] as? [Any] else {
            throw ParseError()
        }
        var byKid: [String: _RSA.Signing.PublicKey] = [:]
        var anonymous: [_RSA.Signing.PublicKey] = []
        for case let jwk as [String: Any] in list {
            guard jwk["kty"] as? String == "RSA" else { continue }
            if let use = jwk["use"], use as? String != "sig" { continue }
            if let alg = jwk["alg"], alg as? String != "RS256" { continue }
            guard let n = (jwk["n"] as? String).flatMap(MCTLBase64URL.decode), let e = (jwk["e"] as? String).flatMap(MCTLBase64URL.decode),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { continue }
            if let kid = jwk["kid"] as? String {
                byKid[kid] = key
            } else {
                anonymous.append(key)
            }
        }
        return (byKid, anonymous)
    }
}

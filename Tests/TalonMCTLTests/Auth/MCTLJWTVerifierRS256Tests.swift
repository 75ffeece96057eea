import Foundation
import Synchronization
import TalonTestSupport
import Testing
import _CryptoExtras

@testable import TalonMCTL

/// RS256 against a real loopback JWKS server (FakeJWKS), with a settable clock for the TTL and
/// the refetch rate limit.
@Suite(.serialized) struct MCTLJWTVerifierRS256Tests {
    /// A settable clock shared with the verifier.
    final class TestClock: Sendable {
        private let value = Mutex(Date())
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let otherKey: _RSA.Signing.PrivateKey = {
        do { return try _RSA.Signing.PrivateKey(keySize: .bits2048) } catch { fatalError("\(error)") }
    }()

    func verifier(_ jwks: FakeJWKS, clock: TestClock, secret: String? = nil) -> MCTLJWTVerifier {
        let configuration = MCTLJWTConfiguration(hs256Secret: secret.map { Array($0.utf8) }, jwksURL: jwks.url)
        return MCTLJWTVerifier(configuration: configuration, now: { clock.now })
    }

    func reason(_ result: Result<MCTLCaller, MCTLAuthFailure>) -> MCTLAuthFailure.Reason? {
        if case .failure(let failure) = result { return failure.reason }
        return nil
    }

    @Test func validTokenAndTheKeySetIsCached() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        let clock = TestClock()
        let verifier = verifier(jwks, clock: clock)
        let token = TestJWT.rs256(
            claims: TestJWT.claims(sub: "bob", groups: ["admins"], now: clock.now), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        let caller = try await verifier.verify(bearerHeader: "Bearer \(token)").get()
        #expect(caller.login == "bob" && caller.isAdmin)
        _ = try await verifier.verify(token: token).get()
        #expect(jwks.fetchCount == 1)
        // After the TTL the set is fetched again.
        clock.advance(301)
        let later = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        _ = try await verifier.verify(token: later).get()
        #expect(jwks.fetchCount == 2)
    }

    @Test func wrongKeyAndTamperingAreBadSignatures() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        let verifier = verifier(jwks, clock: TestClock())
        let forged = TestJWT.rs256(claims: TestJWT.claims(), privateKey: Self.otherKey, kid: "k1")
        #expect(reason(await verifier.verify(token: forged)) == .badSignature)
        let token = TestJWT.rs256(claims: TestJWT.claims(groups: []), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        let parts = token.split(separator: ".").map(String.init)
        let admin = TestJWT.base64URL(TestJWT.json(TestJWT.claims(groups: ["admins"])))
        #expect(reason(await verifier.verify(token: "\(parts[0]).\(admin).\(parts[2])")) == .badSignature)
    }

    @Test func algConfusionWithThePublicKeyAsHMACSecretIsRefused() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        let publicPEM = Array(TestJWT.sharedRSAKey.publicKey.pemRepresentation.utf8)
        let publicDER = Array(TestJWT.sharedRSAKey.publicKey.derRepresentation)
        let verifier = verifier(jwks, clock: TestClock())
        for keyBytes in [publicPEM, publicDER] {
            let token = TestJWT.hs256(claims: TestJWT.claims(groups: ["admins"]), secretBytes: keyBytes, header: ["kid": "k1"])
            #expect(reason(await verifier.verify(token: token)) == .unsupportedAlg)
        }
        // With HS256 configured too, the token is checked against the real secret, not the RSA key.
        let both = self.verifier(jwks, clock: TestClock(), secret: "the-real-hs256-secret-32-bytes-long!")
        let token = TestJWT.hs256(claims: TestJWT.claims(groups: ["admins"]), secretBytes: publicPEM, header: ["kid": "k1"])
        #expect(reason(await both.verify(token: token)) == .badSignature)
        let good = TestJWT.hs256(claims: TestJWT.claims(), secret: "the-real-hs256-secret-32-bytes-long!")
        #expect(reason(await both.verify(token: good)) == nil)
    }

    @Test func unknownKidRefetchesOnceThenFailsAndIsRateLimited() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        let clock = TestClock()
        let verifier = verifier(jwks, clock: clock)
        let good = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        _ = try await verifier.verify(token: good).get()
        #expect(jwks.fetchCount == 1)
        // A flood of unknown kids right after a fetch: no refetch inside the 30 s interval.
        for index in 0..<20 {
            let bogus = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: Self.otherKey, kid: "bogus-\(index)")
            #expect(reason(await verifier.verify(token: bogus)) == .unknownKey)
        }
        #expect(jwks.fetchCount == 1)
        // Rotation: the new key appears; once the interval has passed one refetch finds it.
        jwks.setKeys([("k1", TestJWT.sharedRSAKey.publicKey), ("k2", Self.otherKey.publicKey)])
        clock.advance(31)
        let rotated = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: Self.otherKey, kid: "k2")
        _ = try await verifier.verify(token: rotated).get()
        #expect(jwks.fetchCount == 2)
        // Still unknown after the refetch → unknown_key, one fetch only.
        clock.advance(31)
        let unknown = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: Self.otherKey, kid: "k3")
        #expect(reason(await verifier.verify(token: unknown)) == .unknownKey)
        #expect(reason(await verifier.verify(token: unknown)) == .unknownKey)
        #expect(jwks.fetchCount == 3)
    }

    @Test func concurrentLookupsShareOneFetch() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        let verifier = verifier(jwks, clock: TestClock())
        let token = TestJWT.rs256(claims: TestJWT.claims(), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await verifier.verify(token: token).get() } }
            try await group.waitForAll()
        }
        #expect(jwks.fetchCount == 1)
    }

    @Test func jwksDownIsUnavailableAndNotHammered() async throws {
        let jwks = try await FakeJWKS.start(keys: [("k1", TestJWT.sharedRSAKey.publicKey)])
        defer { jwks.stop() }
        jwks.setDown(true)
        let clock = TestClock()
        let verifier = verifier(jwks, clock: clock)
        let token = TestJWT.rs256(claims: TestJWT.claims(now: clock.now), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        for _ in 0..<5 { #expect(reason(await verifier.verify(token: token)) == .jwksUnavailable) }
        #expect(jwks.fetchCount == 1)
        jwks.setDown(false)
        clock.advance(31)
        #expect(reason(await verifier.verify(token: token)) == nil)
        #expect(jwks.fetchCount == 2)
    }

    @Test func unreachableJWKSIsUnavailable() async {
        // Port 9 on loopback: nothing listens there in the test environment.
        let configuration = MCTLJWTConfiguration(jwksURL: "http://127.0.0.1:9/jwks.json")
        let verifier = MCTLJWTVerifier(configuration: configuration)
        let token = TestJWT.rs256(claims: TestJWT.claims(), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        #expect(reason(await verifier.verify(token: token)) == .jwksUnavailable)
    }

    @Test func jwksParsingSkipsUnusableKeys() throws {
        let primitives = try TestJWT.sharedRSAKey.publicKey.getKeyPrimitives()
        let n = TestJWT.base64URL(Array(primitives.modulus))
        let e = TestJWT.base64URL(Array(primitives.publicExponent))
        let document: [String: Any] = [
            "keys": [
                ["kty": "RSA", "kid": "good", "n": n, "e": e],
                ["kty": "RSA", "kid": "enc", "use": "enc", "n": n, "e": e],
                ["kty": "RSA", "kid": "ps", "alg": "PS256", "n": n, "e": e],
                ["kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"],
                ["kty": "RSA", "kid": "small", "n": "AQAB", "e": e],
                ["kty": "RSA", "kid": "padded", "n": n + "==", "e": e],
            ]
        ]
        let parsed = try MCTLJWKSCache.parse(TestJWT.json(document))
        #expect(Set(parsed.byKid.keys) == ["good"])
        #expect(throws: (any Error).self) { try MCTLJWKSCache.parse(Array("[]".utf8)) }
    }
}

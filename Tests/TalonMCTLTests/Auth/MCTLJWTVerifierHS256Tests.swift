import Foundation
import TalonTestSupport
import Testing
import _CryptoExtras

@testable import TalonMCTL

@Suite struct MCTLJWTVerifierHS256Tests {
    static let secret = "an-hs256-secret-of-at-least-32-bytes!"
    static let issuer = "https://api.mctl.ai"

    func verifier(issuer: String? = issuer, audience: String? = nil, now: Date = Date()) -> MCTLJWTVerifier {
        MCTLJWTVerifier(
            configuration: MCTLJWTConfiguration(hs256Secret: Array(Self.secret.utf8), issuer: issuer, audience: audience), now: { now })
    }

    func reason(_ result: Result<MCTLCaller, MCTLAuthFailure>) -> MCTLAuthFailure.Reason? {
        if case .failure(let failure) = result { return failure.reason }
        return nil
    }

    @Test func validTokenGivesTheCaller() async throws {
        let token = TestJWT.hs256(claims: TestJWT.claims(sub: "alice", groups: ["team-a"]), secret: Self.secret)
        let caller = try await verifier().verify(bearerHeader: "Bearer \(token)").get()
        #expect(caller.login == "alice")
        #expect(caller.groups == ["team-a"])
        #expect(!caller.isAdmin)
    }

    @Test func adminsGroupMakesAnAdmin() async throws {
        let token = TestJWT.hs256(claims: TestJWT.claims(groups: ["team-a", "admins"]), secret: Self.secret)
        #expect(try await verifier().verify(bearerHeader: "bearer  \(token)").get().isAdmin)
    }

    @Test func missingOrNonBearerHeader() async {
        #expect(reason(await verifier().verify(bearerHeader: nil)) == .missingToken)
        #expect(reason(await verifier().verify(bearerHeader: "  ")) == .missingToken)
        #expect(reason(await verifier().verify(bearerHeader: "Basic dXNlcjpwYXNz")) == .missingToken)
        #expect(reason(await verifier().verify(bearerHeader: "Bearer not a jwt")) == .malformedToken)
        #expect(reason(await verifier().verify(bearerHeader: "Bearer a.b")) == .malformedToken)
    }

    @Test func wrongSecretIsABadSignature() async {
        let token = TestJWT.hs256(claims: TestJWT.claims(), secret: "some-other-secret-of-at-least-32-bytes")
        #expect(reason(await verifier().verify(bearerHeader: "Bearer \(token)")) == .badSignature)
    }

    @Test func tamperedPayloadIsABadSignature() async {
        let token = TestJWT.hs256(claims: TestJWT.claims(groups: []), secret: Self.secret)
        let parts = token.split(separator: ".").map(String.init)
        let forged = TestJWT.base64URL(TestJWT.json(TestJWT.claims(groups: ["admins"])))
        #expect(reason(await verifier().verify(token: parts[0] + "." + forged + "." + parts[2])) == .badSignature)
        // A truncated (but well-encoded) signature too.
        let short = TestJWT.base64URL(Array(MCTLBase64URL.decode(parts[2])?.dropLast() ?? []))
        #expect(reason(await verifier().verify(token: parts[0] + "." + parts[1] + "." + short)) == .badSignature)
    }

    @Test func algNoneAndOthersAreRefused() async {
        #expect(reason(await verifier().verify(token: TestJWT.unsigned(claims: TestJWT.claims()))) == .unsupportedAlg)
        let hs512 = TestJWT.hs256(claims: TestJWT.claims(), secret: Self.secret, header: ["alg": "HS512"])
        #expect(reason(await verifier().verify(token: hs512)) == .unsupportedAlg)
        let lower = TestJWT.hs256(claims: TestJWT.claims(), secret: Self.secret, header: ["alg": "hs256"])
        #expect(reason(await verifier().verify(token: lower)) == .unsupportedAlg)
    }

    @Test func rs256IsRefusedWhenOnlyHS256IsConfigured() async {
        let token = TestJWT.rs256(claims: TestJWT.claims(), privateKey: TestJWT.sharedRSAKey, kid: "k1")
        #expect(reason(await verifier().verify(token: token)) == .unsupportedAlg)
    }

    @Test func expiryWithLeeway() async {
        let now = Date()
        let claims = TestJWT.claims(expiresIn: -30, now: now)
        let token = TestJWT.hs256(claims: claims, secret: Self.secret)
        // 30 s past exp is inside the 60 s leeway; 61 s past is not.
        #expect(reason(await verifier(now: now).verify(token: token)) == nil)
        #expect(reason(await verifier(now: now.addingTimeInterval(31.5)).verify(token: token)) == .expired)
        var noExp = TestJWT.claims()
        noExp["exp"] = nil
        #expect(reason(await verifier().verify(token: TestJWT.hs256(claims: noExp, secret: Self.secret))) == nil, "exp is optional")
        let stringExp = TestJWT.claims(extra: ["exp": "9999999999"])
        #expect(reason(await verifier().verify(token: TestJWT.hs256(claims: stringExp, secret: Self.secret))) == .malformedToken)
    }

    @Test func notBeforeWithLeeway() async {
        let now = Date()
        let soon = TestJWT.hs256(claims: TestJWT.claims(now: now, extra: ["nbf": Int(now.timeIntervalSince1970) + 50]), secret: Self.secret)
        let later = TestJWT.hs256(
            claims: TestJWT.claims(now: now, extra: ["nbf": Int(now.timeIntervalSince1970) + 120]), secret: Self.secret)
        #expect(reason(await verifier(now: now).verify(token: soon)) == nil)
        #expect(reason(await verifier(now: now).verify(token: later)) == .notYetValid)
    }

    @Test func issuerMustMatchWhenConfigured() async {
        let other = TestJWT.hs256(claims: TestJWT.claims(issuer: "https://evil.example"), secret: Self.secret)
        let none = TestJWT.hs256(claims: TestJWT.claims(issuer: nil), secret: Self.secret)
        #expect(reason(await verifier().verify(token: other)) == .wrongIssuer)
        #expect(reason(await verifier().verify(token: none)) == .wrongIssuer)
        #expect(reason(await verifier(issuer: nil).verify(token: other)) == nil)
    }

    @Test func audienceStringOrArray() async {
        let single = TestJWT.hs256(claims: TestJWT.claims(extra: ["aud": "talon"]), secret: Self.secret)
        let list = TestJWT.hs256(claims: TestJWT.claims(extra: ["aud": ["x", "talon"]]), secret: Self.secret)
        let wrong = TestJWT.hs256(claims: TestJWT.claims(extra: ["aud": ["x"]]), secret: Self.secret)
        let absent = TestJWT.hs256(claims: TestJWT.claims(), secret: Self.secret)
        #expect(reason(await verifier(audience: "talon").verify(token: single)) == nil)
        #expect(reason(await verifier(audience: "talon").verify(token: list)) == nil)
        #expect(reason(await verifier(audience: "talon").verify(token: wrong)) == .wrongAudience)
        #expect(reason(await verifier(audience: "talon").verify(token: absent)) == .wrongAudience)
        #expect(reason(await verifier().verify(token: wrong)) == nil)
    }

    @Test func missingSubjectOrBadGroupsAreMalformed() async {
        var claims = TestJWT.claims()
        claims["sub"] = nil
        #expect(reason(await verifier().verify(token: TestJWT.hs256(claims: claims, secret: Self.secret))) == .malformedToken)
        let badGroups = TestJWT.claims(extra: ["groups": "admins"])
        #expect(reason(await verifier().verify(token: TestJWT.hs256(claims: badGroups, secret: Self.secret))) == .malformedToken)
        let crit = TestJWT.hs256(claims: TestJWT.claims(), secret: Self.secret, header: ["crit": ["exp"]])
        #expect(reason(await verifier().verify(token: crit)) == .malformedToken)
    }

    @Test func unconfiguredRefusesEverything() async {
        let unconfigured = MCTLJWTVerifier(configuration: MCTLJWTConfiguration())
        let token = TestJWT.hs256(claims: TestJWT.claims(), secret: Self.secret)
        #expect(reason(await unconfigured.verify(bearerHeader: "Bearer \(token)")) == .notConfigured)
        #expect(reason(await unconfigured.verify(bearerHeader: nil)) == .notConfigured)
        #expect(unconfigured.configuration.startupWarnings.first?.contains("not configured") == true)
    }

    @Test func failureBodyAndHeaderNeverCarryTheToken() async throws {
        let token = TestJWT.hs256(claims: TestJWT.claims(), secret: "wrong-secret-wrong-secret-wrong-secret")
        guard case .failure(let failure) = await verifier().verify(bearerHeader: "Bearer \(token)") else {
            Issue.record("expected a failure")
            return
        }
        let body = try #require(try JSONSerialization.jsonObject(with: Data(failure.responseBody.utf8)) as? [String: String])
        #expect(body["error"] == "unauthorized")
        #expect(body["reason"] == "bad_signature")
        #expect(body["message"]?.isEmpty == false)
        #expect(!failure.responseBody.contains(token.split(separator: ".")[2]))
        #expect(!failure.responseBody.contains(Self.secret))
        #expect(failure.wwwAuthenticate.contains("error=\"invalid_token\""))
        #expect(failure.httpStatus == 401)
        #expect(!MCTLAuthFailure(.missingToken, "x").wwwAuthenticate.contains("error="))
    }
}

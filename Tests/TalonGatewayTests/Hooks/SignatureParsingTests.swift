import Foundation
import Testing

@testable import TalonGateway

@Suite("Signed delivery parsing: RFC 3339 timestamps, keyed HMAC, bearer tokens")
struct SignatureParsingTests {
    @Test("the fast RFC 3339 reader agrees with Foundation's ISO 8601 parser")
    func rfc3339MatchesFoundation() throws {
        let valid = [
            "2026-11-25T10:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T12:34:56Z", "2026-11-25T10:00:00.5Z",
            "2026-11-25T10:00:00.123Z", "2026-11-25T10:00:00.123456Z", "2026-11-25T12:00:00+02:00", "2026-11-25T05:30:00-04:30",
            "2100-12-31T23:59:59Z",
        ]
        for text in valid {
            let fast = try #require(RFC3339.milliseconds(text), "\(text)")
            let date = try Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains(".")))
            #expect(abs(fast - Int64((date.timeIntervalSince1970 * 1000).rounded())) <= 1, "\(text)")
            #expect(MctlSignature.parseRFC3339(text) == fast)
        }
        let refused = [
            "", "2026-11-25", "2026-11-25 10:00:00Z", "2026-11-25T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z", "2026-11-25T10:00:00.Z", "2026-11-25T10:00:00+0200", "2026-11-25T10:00:00Zjunk",
            "２０２６-11-25T10:00:00Z",
        ]
        for text in refused {
            #expect(RFC3339.milliseconds(text) == nil, "\(text)")
        }
        #expect(MctlSignature.parseRFC3339("not a time") == nil)
    }

    @Test("a key set up once verifies what sign() signs, for every delivery, and nothing else")
    func keyedHMAC() {
        let key = MctlSignature.Key(secret: "s3cret")
        let stamp = "2026-11-25T10:00:00Z"
        let now = MctlSignature.parseRFC3339(stamp)!
        for body in ["{}", #"{"event_id":"evt_1"}"#, String(repeating: "x", count: 5000)] {
            let signature = MctlSignature.sign(timestamp: stamp, body: Array(body.utf8), secret: "s3cret")
            let check = { (signature: String, body: String) in
                MctlSignature.verify(
                    signature: signature, timestamp: stamp, body: Array(body.utf8), key: key, toleranceSeconds: 300, nowMs: now)
            }
            #expect(check(signature, body) == nil)
            #expect(check(signature, body + " ") == .signatureMismatch)
            let other = MctlSignature.sign(timestamp: stamp, body: Array(body.utf8), secret: "other")
            #expect(check(other, body) == .signatureMismatch)
            #expect(check("sha256=" + signature.dropFirst(7).uppercased(), body) == nil, "hex digits in either case")
            #expect(check(String(signature.dropLast()), body) == .signatureMalformed)
            #expect(check(String(signature.dropLast(2)) + "zz", body) == .signatureMalformed)
            #expect(check(String(signature.dropLast(2)) + "+f", body) == .signatureMalformed)
        }
    }

    @Test("bearer tokens: scheme in any case, surrounding blanks trimmed, empty refused")
    func bearer() {
        #expect(AuthMiddleware.bearer("Bearer abc") == "abc")
        #expect(AuthMiddleware.bearer("bEaReR   abc \t") == "abc")
        #expect(AuthMiddleware.bearer("Bearer \u{00A0}a b\u{2003}") == "a b")
        #expect(AuthMiddleware.bearer("Bearer ") == nil)
        #expect(AuthMiddleware.bearer("Bearer    ") == nil)
        #expect(AuthMiddleware.bearer("Bearerabc") == nil)
        #expect(AuthMiddleware.bearer("Basic abc") == nil)
        #expect(AuthMiddleware.bearer(nil) == nil)
        #expect(AuthMiddleware.bearer("Bearer tök€n") == "tök€n")
    }
}

import Crypto
import FoundationEssentials
import TalonCore

/// mctl-agent's delivery signature: `X-Mctl-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
/// with `X-Mctl-Webhook-Timestamp` (RFC 3339 UTC) within a tolerance of now.
enum MctlSignature {
    enum Failure: String, Error {
        case signatureMissing = "signature_missing"
        case signatureMalformed = "signature_malformed"
        case signatureMismatch = "signature_mismatch"
        case timestampMissing = "timestamp_missing"
        case timestampMalformed = "timestamp_malformed"
        case timestampStale = "timestamp_stale"

        var message: String {
            switch self {
            case .signatureMissing: "X-Mctl-Webhook-Signature is missing"
            case .signatureMalformed: "X-Mctl-Webhook-Signature must be sha256=<64 hex digits>"
            case .signatureMismatch: "signature does not match"
            case .timestampMissing: "X-Mctl-Webhook-Timestamp is missing"
            case .timestampMalformed: "X-Mctl-Webhook-Timestamp must be an RFC 3339 UTC time"
            case .timestampStale: "X-Mctl-Webhook-Timestamp is outside the allowed tolerance"
            }
        }
    }

    /// A secret set up as an HMAC key once (per mapping): each delivery copies the keyed state instead of keying anew.
    struct Key: @unchecked Sendable {
        // Unchecked: HMAC<SHA256> is a value whose hash states are copy-on-write (swift-crypto's digest contexts are
        // copied unless uniquely referenced); this one is only ever copied, never updated in place, so sharing it is safe.
        private let keyed: HMAC<SHA256>

        init(secret: String) {
            keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        }

        func code(timestamp: String, body: [UInt8]) -> HashedAuthenticationCode<SHA256> {
            var hmac = keyed
            hmac.update(data: Array(timestamp.utf8))
            hmac.update(data: [UInt8(ascii: ".")])
            hmac.update(data: body)
            return hmac.finalize()
        }
    }

    static func verify(
        signature: String?, timestamp: String?, body: [UInt8], key: Key, toleranceSeconds: Int, nowMs: Int64
    ) -> Failure? {
        guard let timestamp, !timestamp.isEmpty else { return .timestampMissing }
        guard let signature, !signature.isEmpty else { return .signatureMissing }
        guard signature.hasPrefix("sha256="), let presented = hexBytes(signature.dropFirst(7)), presented.count == 32 else {
            return .signatureMalformed
        }
        guard let sentMs = parseRFC3339(timestamp) else { return .timestampMalformed }
        guard abs(nowMs - sentMs) <= Int64(toleranceSeconds) * 1000 else { return .timestampStale }
        // swift-crypto compares authentication codes in constant time.
        return key.code(timestamp: timestamp, body: body) == presented ? nil : .signatureMismatch
    }

    static func signedMessage(_ timestamp: String, _ body: [UInt8]) -> [UInt8] {
        var message = Array(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return message
    }

    static func sign(timestamp: String, body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: signedMessage(timestamp, body), using: SymmetricKey(data: Array(secret.utf8)))
        let digits = Array("0123456789abcdef")
        return "sha256=" + String(code.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = text.utf8
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for digit in digits {
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// RFC 3339 with `Z` or an offset, optional fractional seconds → ms since the epoch.
    static func parseRFC3339(_ text: String) -> Int64? {
        if let ms = RFC3339.milliseconds(text) { return ms }
        // Anything the fast reader does not take (unusual but valid forms) gets Foundation's parser.
        let strategy = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: strategy) { return Int64(date.timeIntervalSince1970 * 1000) }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return Int64(date.timeIntervalSince1970 * 1000) }
        return nil
    }
}

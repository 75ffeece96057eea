import Crypto
import Foundation

/// Signs the `returnTo` of an intake link that `mctl_deploy_openclaw` hands out for a custom `host`, so the intake
/// page may send the browser back there after saving the token. Without a valid signature only the tenant's own
/// `{team}-{service}.mctl.ai|.mctl.me` hosts are redirect targets (no open redirect). The key is
/// `<state-dir>/intake-link.key` (0600, generated once), shared by `serve` and `mcp-stdio` on the same state dir.
struct IntakeLinkSigner: Sendable {
    /// The query parameter and form field carrying the signature.
    static let field = "sig"

    private let keyBytes: [UInt8]

    init(keyBytes: Data) { self.keyBytes = Array(keyBytes) }

    init(stateDirectory: URL) throws {
        self.init(keyBytes: try FileSecretsIO.loadOrCreateKey(at: stateDirectory.appendingPathComponent("intake-link.key")))
    }

    /// base64url of the first 16 bytes of HMAC-SHA256 over team, service and returnTo (newline-separated: names
    /// are DNS labels, so no field can smuggle a separator).
    func signature(team: String, service: String, returnTo: String) -> String {
        MCTLBase64URL.encode(mac(team: team, service: service, returnTo: returnTo))
    }

    /// Constant-time check of a signature from a form.
    func isValid(_ signature: String, team: String, service: String, returnTo: String) -> Bool {
        guard let given = MCTLBase64URL.decode(signature), given.count == 16 else { return false }
        let expected = mac(team: team, service: service, returnTo: returnTo)
        var difference: UInt8 = 0
        for (left, right) in zip(given, expected) { difference |= left ^ right }
        return difference == 0
    }

    private func mac(team: String, service: String, returnTo: String) -> [UInt8] {
        let message = Data("\(team)\n\(service)\n\(returnTo)".utf8)
        return Array(Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))).prefix(16))
    }
}

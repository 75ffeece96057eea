import Crypto
import TalonCore

/// `config.get` (scope `operator.admin`): the effective config with every secret redacted, and a hash of it.
extension GatewayMethods {
    func configGet(_ params: JSONValue) async throws -> JSONValue {
        let effective = redactSecrets(services.config.effectiveJSON())
        let text = effective.serialized()
        let hash = SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        if let path = params["path"]?.stringValue, !path.isEmpty {
            return ["path": .string(path), "value": effective.value(atPath: path) ?? .null, "hash": .string(hash)]
        }
        return ["config": effective, "hash": .string(hash)]
    }
}

/// The placeholder upstream prints in place of secrets (`config get`, config snapshots).
public let redactedSecretPlaceholder = "__OPENCLAW_REDACTED__"

/// Replaces every value stored under a secret-looking key with `"__OPENCLAW_REDACTED__"`, at any depth.
/// Nulls and booleans are kept: they carry no secret, and showing them helps debugging.
public func redactSecrets(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        var result: [String: JSONValue] = [:]
        for (key, member) in members {
            if isSecretKey(key), member != .null, member.boolValue == nil {
                result[key] = .string(redactedSecretPlaceholder)
            } else {
                result[key] = redactSecrets(member)
            }
        }
        return .object(result)
    case .array(let elements):
        return .array(elements.map(redactSecrets))
    default:
        return value
    }
}

private let secretKeyNames: Set<String> = [
    "token", "password", "apikey", "api_key", "secret", "bottoken", "webhooksecret", "clientsecret", "accesstoken",
    "refreshtoken", "privatekey", "authorization",
]
private let secretCamelSuffixes = ["Token", "Secret", "Password", "ApiKey"]
/// Environment-style names in `env.vars` (`OPENAI_API_KEY`, `GITHUB_TOKEN`).
private let secretSnakeSuffixes = ["_token", "_secret", "_password", "_api_key", "_apikey", "_private_key"]

/// Whether a key names a secret: one of the well-known names (any case), or a camelCase or
/// snake_case name ending in Token / Secret / Password / ApiKey. `maxTokens` and `sessionKey` are not secrets.
public func isSecretKey(_ key: String) -> Bool {
    let lower = key.lowercased()
    if secretKeyNames.contains(lower) { return true }
    if secretCamelSuffixes.contains(where: { key.hasSuffix($0) }) { return true }
    return secretSnakeSuffixes.contains(where: { lower.hasSuffix($0) })
}

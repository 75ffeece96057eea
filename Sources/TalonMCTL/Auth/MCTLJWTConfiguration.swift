import Foundation

/// How `talon mctl serve` checks callers' MCTL JWTs, read from the environment:
/// - `MCTL_JWT_SECRET`: HS256 shared secret (UTF-8 bytes, as the platform signs with it);
/// - `MCTL_JWKS_URL`: RS256 public keys, fetched from this JWKS URL and selected by `kid`;
/// - `MCTL_JWT_ISSUER`: when set, `iss` must equal it;
/// - `MCTL_JWT_AUDIENCE`: when set, `aud` (string or array) must contain it.
/// Both algorithms may be configured at once; with neither, every request is refused (`not_configured`).
public struct MCTLJWTConfiguration: Sendable {
    public static let secretVariable = "MCTL_JWT_SECRET"
    public static let jwksURLVariable = "MCTL_JWKS_URL"
    public static let issuerVariable = "MCTL_JWT_ISSUER"
    public static let audienceVariable = "MCTL_JWT_AUDIENCE"

    /// A configuration value that cannot be used; the message names the variable, never its value
    /// when that value is a secret.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// HS256 key bytes; nil disables HS256.
    public var hs256Secret: [UInt8]?
    /// JWKS document URL; nil disables RS256.
    public var jwksURL: String?
    public var issuer: String?
    public var audience: String?
    /// Clock skew allowed on `exp` and `nbf`, seconds.
    public var leewaySeconds: Double = 60
    /// How long a fetched JWKS is trusted before it is fetched again, seconds.
    public var jwksTTLSeconds: Double = 300
    /// The least time between two JWKS fetches (successful or not), seconds: a flood of tokens with
    /// unknown `kid`s, or a JWKS outage, costs the endpoint at most one request per interval.
    public var jwksMinRefetchSeconds: Double = 30

    public init(hs256Secret: [UInt8]? = nil, jwksURL: String? = nil, issuer: String? = nil, audience: String? = nil) {
        self.hs256Secret = hs256Secret
        self.jwksURL = jwksURL
        self.issuer = issuer
        self.audience = audience
    }

    public var isConfigured: Bool { hs256Secret != nil || jwksURL != nil }

    /// Reads the variables above; empty values count as unset. Throws for a JWKS URL that is not
    /// an absolute http(s) URL, so a typo fails at startup rather than refusing every request.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
            return raw
        }
        var configuration = Self()
        // The secret is used as given (not trimmed of inner content); only surrounding whitespace,
        // which a shell or secret mount easily adds, is dropped.
        configuration.hs256Secret = value(secretVariable).map { Array($0.utf8) }
        configuration.issuer = value(issuerVariable)
        configuration.audience = value(audienceVariable)
        if let url = value(jwksURLVariable) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
            else {
                throw Invalid(description: "\(jwksURLVariable) must be an absolute http(s) URL")
            }
            configuration.jwksURL = url
        }
        return configuration
    }

    /// Lines for the server to log at startup: the secure default spelled out when nothing is
    /// configured, and weak spots otherwise. Never contains a secret.
    public var startupWarnings: [String] {
        guard isConfigured else {
            return [
                "MCTL caller authentication is not configured (set \(Self.secretVariable) for HS256 or \(Self.jwksURLVariable) for RS256):"
                    + " every request to /mcp and /api/v1 will be refused with 401 not_configured"
            ]
        }
        var warnings: [String] = []
        if let secret = hs256Secret, secret.count < 32 {
            warnings.append("\(Self.secretVariable) is shorter than 32 bytes: HS256 tokens signed with it are easier to forge")
        }
        if issuer == nil {
            warnings.append("\(Self.issuerVariable) is not set: a token from any issuer is accepted when its signature verifies")
        }
        if let url = jwksURL, url.lowercased().hasPrefix("http://"), !Self.isLoopbackURL(url) {
            warnings.append("\(Self.jwksURLVariable) uses plain http: the signing keys can be swapped in transit")
        }
        return warnings
    }

    /// One line describing what is enabled, for the startup log.
    public var summary: String {
        var parts: [String] = []
        if hs256Secret != nil { parts.append("HS256 (shared secret)") }
        if let jwksURL { parts.append("RS256 (JWKS \(jwksURL))") }
        if parts.isEmpty { return "MCTL JWT auth: not configured" }
        var line = "MCTL JWT auth: " + parts.joined(separator: ", ")
        if let issuer { line += ", issuer \(issuer)" }
        if let audience { line += ", audience \(audience)" }
        return line
    }

    private static func isLoopbackURL(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

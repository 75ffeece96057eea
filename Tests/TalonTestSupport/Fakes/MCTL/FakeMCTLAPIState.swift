import Foundation
import Hummingbird
import Synchronization
import TalonCore

/// One `/oauth/token` request as the fake received it (form fields decoded).
public struct FakeMCTLTokenRequest: Sendable {
    public var grantType: String
    public var at: Date
    public var form: [String: String]
    public var contentType: String?
}

/// One `/mcp` request: the JSON-RPC method ("" when the body was not JSON-RPC) and the
/// `Authorization` header as sent.
public struct FakeMCTLMCPRequest: Sendable {
    public var method: String
    public var authorization: String?
    public var sessionId: String?
}

/// mctl-api's OAuth server and MCP endpoint semantics (reference §3.4, §3.5), in memory.
final class FakeMCTLAPIState: Sendable {
    struct Client {
        var name: String
        var redirectURIs: [String]
    }

    struct Code {
        var clientId: String
        var redirectURI: String
        var challenge: String
        var login: String
        var expiresAt: Date
    }

    struct AccessToken {
        var login: String
        var expiresAt: Date
        var forcedExpired = false
        var valid: Bool { !forcedExpired && expiresAt > Date() }
    }

    struct RefreshToken {
        var clientId: String
        var login: String
    }

    struct State {
        var baseURL = ""
        var login: String
        var accessTokenTTL: Duration
        var clients: [String: Client] = [:]
        var codes: [String: Code] = [:]
        var accessTokens: [String: AccessToken] = [:]
        /// Live refresh tokens only: a rotated or revoked one is removed, so reuse is `invalid_grant`.
        var refreshTokens: [String: RefreshToken] = [:]
        var mcpSessions: Set<String> = []
        var registrationBodies: [JSONValue] = []
        var tokenRequests: [FakeMCTLTokenRequest] = []
        var mcpRequests: [FakeMCTLMCPRequest] = []
        var tokenFailures: [(status: Int, error: String)] = []
        var tokenStalls: [Double] = []
        var authorizeDenials: [String] = []
        var streamResponses = false
        var omitRefreshTokens = 0
    }

    let state: Mutex<State>
    /// Signs the fake's JWTs; clients never verify them (they only read `sub`).
    private let signingKey = Array(UUID().uuidString.utf8)

    init(login: String, accessTokenTTL: Duration) {
        state = Mutex(State(login: login, accessTokenTTL: accessTokenTTL))
    }

    static func random(_ prefix: String) -> String {
        prefix + Secrets.randomToken(byteCount: 24)
    }

    /// An HS256 JWT `{iss, sub, groups, iat, exp, jti}` like mctl-api's access tokens.
    func makeJWT(login: String, issuer: String, expiresAt: Date) -> String {
        let header: JSONValue = ["alg": "HS256", "typ": "JWT"]
        let payload: JSONValue = [
            "iss": .string(issuer), "sub": .string(login), "groups": ["admins"],
            "iat": .number(Date().timeIntervalSince1970.rounded(.down)),
            "exp": .number(expiresAt.timeIntervalSince1970.rounded(.down)), "jti": .string(UUID().uuidString.lowercased()),
        ]
        let signingInput = Self.b64(header.serialized()) + "." + Self.b64(payload.serialized())
        let signature = HMACSHA256.hmac(key: signingKey, message: Array(signingInput.utf8))
        return signingInput + "." + Secrets.base64URLEncode(signature)
    }

    static func b64(_ text: String) -> String { Secrets.base64URLEncode(Array(text.utf8)) }

    /// Issues an access/refresh pair and answers the RFC 6749 §5.1 token response.
    func issueTokens(clientId: String, login: String, state: inout State) -> Response {
        let ttl = Double(state.accessTokenTTL.components.seconds) + Double(state.accessTokenTTL.components.attoseconds) / 1e18
        let expiresAt = Date().addingTimeInterval(ttl)
        let access = makeJWT(login: login, issuer: state.baseURL, expiresAt: expiresAt)
        state.accessTokens[access] = AccessToken(login: login, expiresAt: expiresAt)
        var body: [String: JSONValue] = [
            "access_token": .string(access), "token_type": "Bearer", "expires_in": .number(ttl.rounded()), "scope": "mctl",
        ]
        if state.omitRefreshTokens > 0 {
            state.omitRefreshTokens -= 1
        } else {
            let refresh = Self.random("mctl_rt_")
            state.refreshTokens[refresh] = RefreshToken(clientId: clientId, login: login)
            body["refresh_token"] = .string(refresh)
        }
        return FakeServerBoot.json(.ok, .object(body), headers: [.cacheControl: "no-store"])
    }

    /// The login a bearer header authenticates, or nil (missing, unknown, expired).
    func login(forAuthorization header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        return state.withLock { state in
            guard let access = state.accessTokens[token], access.valid else { return nil }
            return access.login
        }
    }

    static func oauthError(_ status: HTTPResponse.Status, _ error: String, _ description: String) -> Response {
        FakeServerBoot.json(
            status, ["error": .string(error), "error_description": .string(description)], headers: [.cacheControl: "no-store"])
    }

    /// `application/x-www-form-urlencoded` fields (`+` is a space; last value wins).
    static func decodeForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded (for redirect queries).
    static func encodeQuery(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return pairs.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }
}

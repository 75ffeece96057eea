/// Why an MCTL connect step failed. Messages are shown to operators (Control UI, RPC errors), so
/// they name the step and the server's OAuth `error`, never a token, code or verifier.
public enum MCTLConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `start` needs an absolute http(s) redirect URI.
    case invalidRedirectUri
    /// Dynamic client registration (`POST /oauth/register`) was refused or unreadable.
    case registrationFailed(status: Int, error: String?, description: String?)
    /// `complete` without a `start` (or after `disconnect`).
    case noPendingConnect
    /// The `state` returned by the authorization server is not the one `start` issued.
    case stateMismatch
    /// The token endpoint answered an OAuth error (`error`, `error_description`) or a non-2xx status.
    case tokenEndpoint(status: Int, error: String?, description: String?)
    /// The token response lacked `access_token`.
    case missingAccessToken
    /// The token response lacked `refresh_token` (the connection could not be kept alive).
    case missingRefreshToken
    /// No credentials are stored: connect first.
    case notConnected
    /// The refresh token was rejected (`invalid_grant`/`invalid_token`): the credentials were removed.
    case refreshRejected(error: String, description: String?)
    /// The server's answer was not what OAuth prescribes.
    case invalidResponse(String)
    /// The request did not reach the server or no answer came back in time.
    case transport(String)
    /// Reading or writing the credential files failed.
    case storage(String)

    public var description: String {
        switch self {
        case .invalidRedirectUri:
            return "MCTL connect: redirectUri must be an absolute http(s) URL"
        case .registrationFailed(let status, let error, let description):
            return "MCTL connect: client registration failed (HTTP \(status)\(Self.detail(error, description)))"
        case .noPendingConnect:
            return "MCTL connect: no connect in progress (start it first)"
        case .stateMismatch:
            return "MCTL connect: state mismatch (the authorization answer does not belong to the pending connect)"
        case .tokenEndpoint(let status, let error, let description):
            return "MCTL connect: token endpoint refused the request (HTTP \(status)\(Self.detail(error, description)))"
        case .missingAccessToken:
            return "MCTL connect: the token response has no access_token"
        case .missingRefreshToken:
            return "MCTL connect: the token response has no refresh_token"
        case .notConnected:
            return "MCTL is not connected"
        case .refreshRejected(let error, let description):
            return "MCTL connect: the refresh token was rejected (\(error)\(description.map { ": " + $0 } ?? "")); connect again"
        case .invalidResponse(let message):
            return "MCTL connect: invalid response: \(message)"
        case .transport(let message):
            return "MCTL connect: request failed: \(message)"
        case .storage(let message):
            return "MCTL connect: storage: \(message)"
        }
    }

    /// The OAuth error code, for callers that branch on it (`invalid_grant`, `access_denied`, …).
    public var oauthError: String? {
        switch self {
        case .registrationFailed(_, let error, _), .tokenEndpoint(_, let error, _): return error
        case .refreshRejected(let error, _): return error
        default: return nil
        }
    }

    private static func detail(_ error: String?, _ description: String?) -> String {
        var text = error.map { ": " + $0 } ?? ""
        if let description, !description.isEmpty { text += (error == nil ? ": " : " — ") + description }
        return text
    }
}

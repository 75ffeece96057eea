import Foundation
import TalonCore

/// `credentials.json`: the fork's stored MCTL OAuth credentials (reference §3.2). Times are epoch
/// milliseconds. Its description redacts the tokens, so an accidental interpolation leaks nothing.
public struct MCTLCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var version: Int = 1
    public var apiBase: String
    public var clientId: String
    public var accessToken: String
    public var refreshToken: String
    public var scope: String?
    /// The access token's JWT `sub` (the GitHub login), decoded without verification, for display.
    public var login: String?
    public var connectedAt: Int64
    public var updatedAt: Int64
    public var expiresAt: Int64

    public init(
        apiBase: String, clientId: String, accessToken: String, refreshToken: String, scope: String?, login: String?,
        connectedAt: Int64, updatedAt: Int64, expiresAt: Int64
    ) {
        self.apiBase = apiBase
        self.clientId = clientId
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.scope = scope
        self.login = login
        self.connectedAt = connectedAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    public var description: String {
        "MCTLCredentials(apiBase: \(apiBase), clientId: \(clientId), login: \(login ?? "-"), expiresAt: \(expiresAt), tokens: redacted)"
    }

    public var debugDescription: String { description }

    /// Every key is written (absent values as `null`), like the fork's record.
    var json: JSONValue {
        [
            "version": .number(Double(version)), "apiBase": .string(apiBase), "clientId": .string(clientId),
            "accessToken": .string(accessToken), "refreshToken": .string(refreshToken), "scope": scope.map { .string($0) } ?? .null,
            "login": login.map { .string($0) } ?? .null, "connectedAt": .number(Double(connectedAt)),
            "updatedAt": .number(Double(updatedAt)), "expiresAt": .number(Double(expiresAt)),
        ]
    }

    init?(json: JSONValue) {
        guard let apiBase = json["apiBase"]?.stringValue, let clientId = json["clientId"]?.stringValue,
            let accessToken = json["accessToken"]?.stringValue, let refreshToken = json["refreshToken"]?.stringValue,
            let expiresAt = json["expiresAt"]?.doubleValue
        else { return nil }
        let updatedAt = Int64(json["updatedAt"]?.doubleValue ?? 0)
        self.init(
            apiBase: apiBase, clientId: clientId, accessToken: accessToken, refreshToken: refreshToken, scope: json["scope"]?.stringValue,
            login: json["login"]?.stringValue, connectedAt: Int64(json["connectedAt"]?.doubleValue ?? Double(updatedAt)),
            updatedAt: updatedAt, expiresAt: Int64(expiresAt))
        version = json["version"]?.intValue ?? 1
    }
}

/// `pending-connect.json`: what `complete` needs from `start` (the PKCE verifier stays server-side).
public struct MCTLPendingConnect: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var version: Int = 1
    public var apiBase: String
    public var clientId: String
    public var redirectUri: String
    public var state: String
    public var codeVerifier: String
    public var startedAt: Int64

    public init(apiBase: String, clientId: String, redirectUri: String, state: String, codeVerifier: String, startedAt: Int64) {
        self.apiBase = apiBase
        self.clientId = clientId
        self.redirectUri = redirectUri
        self.state = state
        self.codeVerifier = codeVerifier
        self.startedAt = startedAt
    }

    public var description: String {
        "MCTLPendingConnect(apiBase: \(apiBase), clientId: \(clientId), startedAt: \(startedAt), secrets: redacted)"
    }

    public var debugDescription: String { description }

    var json: JSONValue {
        [
            "version": .number(Double(version)), "apiBase": .string(apiBase), "clientId": .string(clientId),
            "redirectUri": .string(redirectUri), "state": .string(state), "codeVerifier": .string(codeVerifier),
            "startedAt": .number(Double(startedAt)),
        ]
    }

    init?(json: JSONValue) {
        guard let apiBase = json["apiBase"]?.stringValue, let clientId = json["clientId"]?.stringValue,
            let redirectUri = json["redirectUri"]?.stringValue, let state = json["state"]?.stringValue,
            let codeVerifier = json["codeVerifier"]?.stringValue, let startedAt = json["startedAt"]?.doubleValue
        else { return nil }
        self.init(
            apiBase: apiBase, clientId: clientId, redirectUri: redirectUri, state: state, codeVerifier: codeVerifier,
            startedAt: Int64(startedAt))
        version = json["version"]?.intValue ?? 1
    }
}

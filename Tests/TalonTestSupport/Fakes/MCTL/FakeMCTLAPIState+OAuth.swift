import Foundation
import Hummingbird
import TalonCore

/// The OAuth 2.1 authorization server of mctl-api (reference §3.4): RFC 8414 metadata, RFC 7591
/// registration, an authorize step that approves at once (GitHub sign-in is out of scope), and the
/// token endpoint with PKCE S256 and rotating refresh tokens.
extension FakeMCTLAPIState {
    func metadata() -> Response {
        let base = state.withLock { $0.baseURL }
        return FakeServerBoot.json(
            .ok,
            [
                "issuer": .string(base), "authorization_endpoint": .string(base + "/oauth/authorize"),
                "token_endpoint": .string(base + "/oauth/token"), "registration_endpoint": .string(base + "/oauth/register"),
                "scopes_supported": ["mctl"], "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none"],
            ])
    }

    func protectedResource() -> Response {
        let base = state.withLock { $0.baseURL }
        return FakeServerBoot.json(
            .ok,
            [
                "resource": .string(base + "/mcp"), "authorization_servers": [.string(base)], "scopes_supported": ["mctl"],
                "bearer_methods_supported": ["header"],
            ])
    }

    func register(_ request: FakeRequest) -> Response {
        let body = request.body ?? .null
        let uris = body["redirect_uris"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let valid =
            !uris.isEmpty
            && uris.allSatisfy { uri in
                guard let url = URL(string: uri), let scheme = url.scheme?.lowercased() else { return false }
                return (scheme == "http" || scheme == "https") && url.host != nil && url.fragment == nil
            }
        return state.withLock { state in
            state.registrationBodies.append(body)
            guard valid else { return Self.oauthError(.badRequest, "invalid_redirect_uri", "redirect_uris must be absolute http(s) URLs") }
            let clientId = Self.random("mctl_client_")
            let name = body["client_name"]?.stringValue ?? ""
            state.clients[clientId] = Client(name: name, redirectURIs: uris)
            return FakeServerBoot.json(
                .created,
                [
                    "client_id": .string(clientId), "client_name": .string(name), "redirect_uris": .array(uris.map { .string($0) }),
                    "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
                    "token_endpoint_auth_method": "none", "client_id_issued_at": .number(Date().timeIntervalSince1970.rounded(.down)),
                ])
        }
    }

    /// RFC 6749 §4.1.2: a bad client or redirect URI is answered here (never redirected to);
    /// other errors go back to the client's redirect URI with `error` and the client's `state`.
    func authorize(_ request: FakeRequest) -> Response {
        let query = request.query
        let clientState = query["state"]
        return state.withLock { state in
            guard let clientId = query["client_id"], let client = state.clients[clientId] else {
                return Self.oauthError(.badRequest, "invalid_client", "unknown client_id")
            }
            guard let redirect = query["redirect_uri"], client.redirectURIs.contains(redirect) else {
                return Self.oauthError(.badRequest, "invalid_request", "redirect_uri is not registered for this client")
            }
            func back(_ pairs: [(String, String)]) -> Response {
                let all = pairs + (clientState.map { [("state", $0)] } ?? [])
                let separator = redirect.contains("?") ? "&" : "?"
                return Response(status: .found, headers: [.location: redirect + separator + Self.encodeQuery(all)])
            }
            guard query["response_type"] == "code" else {
                return back([("error", "unsupported_response_type"), ("error_description", "only response_type=code is supported")])
            }
            guard let challenge = query["code_challenge"], !challenge.isEmpty, query["code_challenge_method"] == "S256" else {
                return back([("error", "invalid_request"), ("error_description", "PKCE with code_challenge_method=S256 is required")])
            }
            if !state.authorizeDenials.isEmpty {
                let error = state.authorizeDenials.removeFirst()
                return back([("error", error), ("error_description", "the user denied the request")])
            }
            let code = Self.random("mctl_code_")
            state.codes[code] = Code(
                clientId: clientId, redirectURI: redirect, challenge: challenge, login: state.login,
                expiresAt: Date().addingTimeInterval(600))
            return back([("code", code)])
        }
    }

    /// Takes the next scripted stall, recording the request now (it is handled after the wait).
    func takeTokenStall(_ request: FakeRequest) -> Double? {
        state.withLock { state in
            guard !state.tokenStalls.isEmpty else { return nil }
            Self.recordToken(request, state: &state)
            return state.tokenStalls.removeFirst()
        }
    }

    private static func recordToken(_ request: FakeRequest, state: inout State) {
        let form = decodeForm(request.bodyText)
        state.tokenRequests.append(
            FakeMCTLTokenRequest(grantType: form["grant_type"] ?? "", at: Date(), form: form, contentType: request.header("content-type")))
    }

    func token(_ request: FakeRequest, recorded: Bool = false) -> Response {
        let form = Self.decodeForm(request.bodyText)
        return state.withLock { state in
            if !recorded { Self.recordToken(request, state: &state) }
            if !state.tokenFailures.isEmpty {
                let failure = state.tokenFailures.removeFirst()
                return Self.oauthError(.init(code: failure.status), failure.error, "scripted failure")
            }
            guard request.header("content-type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                return Self.oauthError(.badRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
            }
            switch form["grant_type"] {
            case "authorization_code": return exchangeCode(form, state: &state)
            case "refresh_token": return rotate(form, state: &state)
            case nil: return Self.oauthError(.badRequest, "invalid_request", "grant_type is required")
            default: return Self.oauthError(.badRequest, "unsupported_grant_type", "unsupported grant_type")
            }
        }
    }

    private func exchangeCode(_ form: [String: String], state: inout State) -> Response {
        guard let code = form["code"], let verifier = form["code_verifier"], let clientId = form["client_id"],
            let redirect = form["redirect_uri"]
        else {
            return Self.oauthError(.badRequest, "invalid_request", "code, code_verifier, client_id and redirect_uri are required")
        }
        // Single use: the code is gone whatever the outcome.
        guard let issued = state.codes.removeValue(forKey: code), issued.expiresAt > Date() else {
            return Self.oauthError(.badRequest, "invalid_grant", "unknown, used or expired code")
        }
        guard issued.clientId == clientId else { return Self.oauthError(.badRequest, "invalid_grant", "client_id mismatch") }
        guard issued.redirectURI == redirect else { return Self.oauthError(.badRequest, "invalid_grant", "redirect_uri mismatch") }
        let computed = Secrets.base64URLEncode(HMACSHA256.sha256(Array(verifier.utf8)))
        guard verifier.count >= 43, verifier.count <= 128, computed == issued.challenge else {
            return Self.oauthError(.badRequest, "invalid_grant", "PKCE verification failed")
        }
        return issueTokens(clientId: clientId, login: issued.login, state: &state)
    }

    private func rotate(_ form: [String: String], state: inout State) -> Response {
        guard let token = form["refresh_token"], !token.isEmpty else {
            return Self.oauthError(.badRequest, "invalid_request", "refresh_token is required")
        }
        guard let live = state.refreshTokens[token] else {
            return Self.oauthError(.badRequest, "invalid_grant", "refresh token is invalid, revoked or already used")
        }
        if let clientId = form["client_id"], clientId != live.clientId {
            return Self.oauthError(.badRequest, "invalid_grant", "client_id mismatch")
        }
        state.refreshTokens[token] = nil
        return issueTokens(clientId: live.clientId, login: live.login, state: &state)
    }
}

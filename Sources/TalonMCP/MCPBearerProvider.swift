/// Supplies the bearer token of servers configured with `auth: "mctl"` (the MCTL OAuth credentials).
/// The MCP client asks for a token per HTTP request and, after an HTTP 401, asks once for a refreshed one
/// and retries; a second 401 fails the request.
public protocol MCPBearerProvider: Sendable {
    /// The current access token (the provider refreshes ahead of expiry as it sees fit).
    func accessToken() async throws -> String
    /// Called after a 401 for `staleToken`; returns a token to retry with. Concurrent callers with the same stale
    /// token should share one refresh, and a caller whose token was already rotated gets the new one.
    func refreshAfterUnauthorized(staleToken: String) async throws -> String
}

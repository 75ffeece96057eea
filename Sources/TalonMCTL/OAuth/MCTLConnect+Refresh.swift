import Logging
import TalonCore

/// Refreshing the access token (`grant_type=refresh_token`, the refresh token rotates each time)
/// and the background refresher that keeps it fresh (reference §3.1, §3.5).
extension MCTLConnect {
    /// One refresh, run only through `refreshShared`. The file is re-read around the request, as
    /// another writer (a second gateway process, a sidecar) may rotate the tokens meanwhile.
    func performRefresh() async -> Result<MCTLCredentials, MCTLConnectError> {
        guard let used = store.readCredentials() else { return .failure(.notConnected) }
        let fields = [("grant_type", "refresh_token"), ("refresh_token", used.refreshToken), ("client_id", used.clientId)]
        let tokens: MCTLOAuthHTTP.TokenResponse
        do {
            tokens = try await MCTLOAuthHTTP.token(used.apiBase + "/oauth/token", fields, timeoutSeconds: timeoutSeconds)
        } catch let error as MCTLConnectError {
            if case .tokenEndpoint(_, let code?, let description) = error, code == "invalid_grant" || code == "invalid_token" {
                return rejected(used, error: code, description: description)
            }
            logger.warning("mctl token refresh failed", metadata: ["error": "\(error)"])
            return .failure(error)
        } catch {
            return .failure(.transport("\(error)"))
        }
        guard let latest = store.readCredentials() else {
            // Disconnected while the request ran: do not bring the credentials back.
            return .failure(.notConnected)
        }
        if latest.refreshToken != used.refreshToken {
            // Another writer rotated first; its credentials are as good as ours and already stored.
            return .success(latest)
        }
        let now = Clocks.nowMs()
        var updated = used
        updated.accessToken = tokens.accessToken
        updated.refreshToken = tokens.refreshToken ?? used.refreshToken
        updated.scope = tokens.scope ?? used.scope
        updated.login = Self.login(of: tokens.accessToken) ?? used.login
        updated.updatedAt = now
        updated.expiresAt = Self.expiry(of: tokens, now: now)
        do {
            try store.writeCredentials(updated)
        } catch {
            logger.error("mctl token refresh: cannot store the new credentials", metadata: ["error": "\(error)"])
            return .failure(error as? MCTLConnectError ?? .storage("\(error)"))
        }
        logger.info("mctl access token refreshed", metadata: ["login": "\(updated.login ?? "-")", "expiresAt": "\(updated.expiresAt)"])
        return .success(updated)
    }

    /// The server refused `used.refreshToken`. Compare before delete: when the stored refresh token
    /// is no longer the one we sent, another writer rotated it and its credentials stay.
    private func rejected(_ used: MCTLCredentials, error: String, description: String?) -> Result<MCTLCredentials, MCTLConnectError> {
        if let latest = store.readCredentials(), latest.refreshToken != used.refreshToken {
            logger.info("mctl refresh token was rotated by another writer; keeping its credentials")
            return .success(latest)
        }
        do {
            try store.deleteCredentials()
        } catch {
            logger.error("mctl: cannot delete rejected credentials", metadata: ["error": "\(error)"])
        }
        logger.warning("mctl refresh token rejected; credentials removed, connect again", metadata: ["error": "\(error)"])
        return .failure(.refreshRejected(error: error, description: description))
    }

    /// Keeps the access token fresh until cancelled: every `checkInterval`, renews it when less than
    /// `renewWhenRemaining` is left; after a failed renewal waits `minBackoff`, doubling up to
    /// `maxBackoff`. Run it in a task of the gateway's lifetime and cancel that task to stop.
    public func runRefresher(timing: MCTLRefresherTiming = MCTLRefresherTiming()) async {
        var failures = 0
        let renewWithinMs = Self.milliseconds(timing.renewWhenRemaining)
        while !Task.isCancelled {
            var wait = timing.checkInterval
            if let credentials = store.readCredentials(), credentials.expiresAt - Clocks.nowMs() < renewWithinMs {
                do {
                    _ = try await refreshShared()
                    failures = 0
                } catch MCTLConnectError.refreshRejected, MCTLConnectError.notConnected {
                    // Nothing left to renew until someone connects again.
                    failures = 0
                } catch {
                    failures += 1
                    wait = timing.backoff(afterFailures: failures)
                    logger.warning(
                        "mctl token refresher: renewal failed, backing off",
                        metadata: ["failures": "\(failures)", "retryIn": "\(wait)", "error": "\(error)"])
                }
            }
            do {
                try await Task.sleep(for: wait)
            } catch {
                break
            }
        }
        logger.debug("mctl token refresher stopped")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

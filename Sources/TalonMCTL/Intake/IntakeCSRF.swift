import Foundation

/// The same-origin check of `POST /openclaw/intake` (the portal's order: `Origin`, then `Referer`,
/// then `Sec-Fetch-Site`). The first header present decides; later ones are not consulted, so a
/// cross-site `Origin` cannot be outvoted by a forged-looking `Referer`.
enum IntakeCSRF {
    enum Source: String, Sendable {
        case origin
        case referer
        case secFetchSite = "sec-fetch-site"
    }

    enum Verdict: Sendable, Equatable {
        case allowed(by: Source)
        /// Why, for the server's log and the 403 page (header values are not repeated).
        case refused(String)

        var isAllowed: Bool {
            if case .allowed = self { return true }
            return false
        }
    }

    /// `serverOrigin` is this server's own origin as `serverOrigin(...)` builds it (nil when the
    /// request's Host was unusable: then everything is refused).
    ///
    /// `Sec-Fetch-Site` is accepted only as `same-origin`. `none` (a user-typed navigation) is
    /// refused: a legitimate POST comes from our own form, whose browser sends `same-origin`
    /// (and an `Origin` anyway), so `none` on a POST means something unusual is going on.
    static func check(origin: String?, referer: String?, secFetchSite: String?, serverOrigin: String?) -> Verdict {
        guard let serverOrigin, let expected = IntakeURL.parse(serverOrigin)?.origin else {
            return .refused("this server's origin could not be determined from the request")
        }
        if let origin = origin?.trimmingCharacters(in: .whitespaces), !origin.isEmpty {
            // "null" (sandboxed frames, privacy-sensitive redirects) and anything with a path or
            // userinfo do not parse as our origin.
            guard let parsed = IntakeURL.parse(origin), parsed.path.isEmpty || parsed.path == "/", parsed.query == nil,
                parsed.fragment == nil, parsed.origin == expected
            else { return .refused("the Origin header is not this server's origin") }
            return .allowed(by: .origin)
        }
        if let referer = referer?.trimmingCharacters(in: .whitespaces), !referer.isEmpty {
            guard let parsed = IntakeURL.parse(referer), parsed.origin == expected else {
                return .refused("the Referer header is not from this server's origin")
            }
            return .allowed(by: .referer)
        }
        if let site = secFetchSite?.trimmingCharacters(in: .whitespaces).lowercased(), !site.isEmpty {
            return site == "same-origin" ? .allowed(by: .secFetchSite) : .refused("Sec-Fetch-Site is \(sanitized(site)), not same-origin")
        }
        return .refused("the request carries no Origin, Referer or Sec-Fetch-Site header")
    }

    /// This server's origin for the check above, from the request's `Host`, or from
    /// `X-Forwarded-Proto` / `X-Forwarded-Host` (first value of each) only when `trustProxy` is set:
    /// otherwise any client could claim any origin through them. `scheme` is what this listener
    /// itself speaks (plain http behind a TLS-terminating proxy). Nil for an unusable host.
    static func serverOrigin(
        host: String?, forwardedProto: String? = nil, forwardedHost: String? = nil, trustProxy: Bool = false, scheme: String = "http"
    ) -> String? {
        var effectiveScheme = scheme.lowercased()
        var effectiveHost = host
        if trustProxy {
            if let proto = firstValue(forwardedProto)?.lowercased() {
                guard proto == "http" || proto == "https" else { return nil }
                effectiveScheme = proto
            }
            if let forwarded = firstValue(forwardedHost) { effectiveHost = forwarded }
        }
        guard effectiveScheme == "http" || effectiveScheme == "https",
            let hostValue = effectiveHost?.trimmingCharacters(in: .whitespaces), !hostValue.isEmpty,
            hostValue.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let (name, port) = IntakeURL.splitAuthority(Substring(hostValue))
        else { return nil }
        let defaultPort = effectiveScheme == "https" ? 443 : 80
        let kept = port == defaultPort ? nil : port
        return kept.map { "\(effectiveScheme)://\(name):\($0)" } ?? "\(effectiveScheme)://\(name)"
    }

    private static func firstValue(_ header: String?) -> String? {
        guard let first = header?.split(separator: ",", maxSplits: 1).first else { return nil }
        let value = first.trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// A header value fit for a message: short, plain characters only.
    private static func sanitized(_ value: String) -> String {
        String(value.prefix(32).filter { $0.isASCII && ($0.isLetter || $0 == "-") })
    }
}

/// Where `POST /openclaw/intake` sends the browser after saving the token: the form's `returnTo`
/// plus `telegram_saved=1`, but only when it is an https URL on one of the tenant's own hosts.
/// Everything else (other hosts, scheme-relative `//evil`, `https://host@evil`, backslashes,
/// plain http, control characters, odd ports) gives nil and the server falls back to a safe page.
enum IntakeRedirect {
    /// The marker the OpenClaw dashboard looks for.
    static let savedParameter = "telegram_saved"

    /// A service's own hosts: `{team}-{service}.<domain>` for the primary domain and its mirror.
    static func tenantHosts(team: String, service: String, domains: [String] = ["mctl.ai", "mctl.me"]) -> [String] {
        domains.map { "\(team)-\(service).\($0)".lowercased() }
    }

    static func target(returnTo: String, tenantHosts: [String]) -> String? {
        guard returnTo.utf8.count <= 2048, let url = IntakeURL.parse(returnTo), url.scheme == "https", url.port == nil,
            tenantHosts.contains(where: { $0.lowercased() == url.host })
        else { return nil }
        // A path that is not absolute (only possible as "", since "?" and "#" end the authority) becomes "/".
        let path = url.path.isEmpty ? "/" : url.path
        // Keep the existing query minus any earlier marker, so the marker appears once.
        var pairs = (url.query ?? "").split(separator: "&", omittingEmptySubsequences: true).map(String.init)
        pairs.removeAll { $0 == savedParameter || $0.hasPrefix(savedParameter + "=") }
        pairs.append(savedParameter + "=1")
        // The fragment is dropped: it would only carry client-side state of the old page.
        return "https://\(url.host)\(path)?" + pairs.joined(separator: "&")
    }
}

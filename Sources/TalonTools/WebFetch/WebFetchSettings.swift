import TalonCore

/// `tools.web.fetch`: limits and the SSRF exceptions of `web_fetch`.
public struct WebFetchSettings: Sendable, Hashable {
    /// Fetch private/loopback/link-local targets too (trusted networks only).
    public var allowPrivateNetwork: Bool
    /// Host names (exact, or `*.example.com`) that skip the private-address check.
    public var allowHosts: [String]
    public var maxBytes: Int
    public var timeoutSeconds: Int
    /// Characters of extracted text returned to the model.
    public var maxChars: Int
    public var maxRedirects: Int

    public init(
        allowPrivateNetwork: Bool = false, allowHosts: [String] = [], maxBytes: Int = 2 * 1024 * 1024, timeoutSeconds: Int = 30,
        maxChars: Int = 50_000, maxRedirects: Int = 5
    ) {
        self.allowPrivateNetwork = allowPrivateNetwork
        self.allowHosts = allowHosts.map { $0.lowercased() }
        self.maxBytes = max(1024, maxBytes)
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.maxChars = max(100, maxChars)
        self.maxRedirects = max(0, min(maxRedirects, 10))
    }

    /// Reads `tools.web.fetch.{allowPrivateNetwork, allowHosts, maxBytes, timeoutSeconds, maxChars, maxRedirects}`.
    public init(tools: JSONValue) {
        let fetch = tools["web"]?["fetch"]
        let defaults = WebFetchSettings()
        self.init(
            allowPrivateNetwork: fetch?["allowPrivateNetwork"]?.boolValue ?? false,
            allowHosts: (fetch?["allowHosts"]?.arrayValue ?? []).compactMap(\.stringValue),
            maxBytes: fetch?["maxBytes"]?.intValue ?? defaults.maxBytes,
            timeoutSeconds: fetch?["timeoutSeconds"]?.intValue ?? defaults.timeoutSeconds,
            maxChars: fetch?["maxChars"]?.intValue ?? defaults.maxChars,
            maxRedirects: fetch?["maxRedirects"]?.intValue ?? defaults.maxRedirects)
    }

    func hostIsAllowlisted(_ host: String) -> Bool {
        let host = host.lowercased()
        return allowHosts.contains { pattern in
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst(1))) }
            return host == pattern
        }
    }
}

import Testing

@testable import TalonMCTL

@Suite struct IntakeCSRFTests {
    static let server = "https://app.mctl.ai"

    func check(origin: String? = nil, referer: String? = nil, site: String? = nil, server: String? = server) -> IntakeCSRF.Verdict {
        IntakeCSRF.check(origin: origin, referer: referer, secFetchSite: site, serverOrigin: server)
    }

    @Test func originDecidesFirst() {
        #expect(check(origin: "https://app.mctl.ai") == .allowed(by: .origin))
        #expect(check(origin: "HTTPS://App.MCTL.ai:443") == .allowed(by: .origin))
        #expect(!check(origin: "https://evil.example").isAllowed)
        // A matching Referer or Sec-Fetch-Site cannot outvote a foreign Origin.
        #expect(!check(origin: "https://evil.example", referer: "https://app.mctl.ai/openclaw/intake", site: "same-origin").isAllowed)
        #expect(!check(origin: "null", referer: "https://app.mctl.ai/x").isAllowed)
        #expect(!check(origin: "http://app.mctl.ai").isAllowed)  // scheme differs
        #expect(!check(origin: "https://app.mctl.ai:8443").isAllowed)  // port differs
        #expect(!check(origin: "https://app.mctl.ai.evil.example").isAllowed)
        #expect(!check(origin: "https://user@app.mctl.ai").isAllowed)
        #expect(!check(origin: "https://app.mctl.ai/path").isAllowed)
    }

    @Test func refererWhenNoOrigin() {
        #expect(check(referer: "https://app.mctl.ai/openclaw/intake?team=a&service=b") == .allowed(by: .referer))
        #expect(!check(referer: "https://evil.example/?https://app.mctl.ai/").isAllowed)
        #expect(!check(referer: "https://app.mctl.ai@evil.example/").isAllowed)
        #expect(!check(referer: "https://app.mctl.ai\\@evil.example/").isAllowed)
        #expect(!check(referer: "not a url", site: "same-origin").isAllowed)
    }

    @Test func secFetchSiteLast() {
        #expect(check(site: "same-origin") == .allowed(by: .secFetchSite))
        #expect(check(site: "Same-Origin") == .allowed(by: .secFetchSite))
        for site in ["same-site", "cross-site", "none", "bogus"] { #expect(!check(site: site).isAllowed) }
    }

    @Test func nothingOrNoServerOriginIsRefused() {
        #expect(!check().isAllowed)
        #expect(!check(origin: "", referer: "  ", site: "").isAllowed)
        #expect(!check(origin: "https://app.mctl.ai", server: nil).isAllowed)
    }

    @Test func serverOriginFromHostAndTrustedProxy() {
        #expect(IntakeCSRF.serverOrigin(host: "127.0.0.1:18790") == "http://127.0.0.1:18790")
        #expect(IntakeCSRF.serverOrigin(host: "Talon.Example:80") == "http://talon.example")
        #expect(IntakeCSRF.serverOrigin(host: "[::1]:18790") == "http://[::1]:18790")
        #expect(IntakeCSRF.serverOrigin(host: "a.example", scheme: "https") == "https://a.example")
        // Forwarded headers are ignored unless the proxy is trusted.
        #expect(
            IntakeCSRF.serverOrigin(host: "10.0.0.5:18790", forwardedProto: "https", forwardedHost: "evil.example")
                == "http://10.0.0.5:18790")
        #expect(
            IntakeCSRF.serverOrigin(
                host: "10.0.0.5:18790", forwardedProto: "https, http", forwardedHost: "app.mctl.ai, x", trustProxy: true)
                == "https://app.mctl.ai")
        #expect(IntakeCSRF.serverOrigin(host: "h", forwardedProto: "gopher", trustProxy: true) == nil)
        for bad in [nil, "", "user@host", "host:99999", "host:port", "ho st", "host/path"] {
            #expect(IntakeCSRF.serverOrigin(host: bad) == nil)
        }
    }
}

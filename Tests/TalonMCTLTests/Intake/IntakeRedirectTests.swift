import Testing

@testable import TalonMCTL

@Suite struct IntakeRedirectTests {
    static let hosts = IntakeRedirect.tenantHosts(team: "acme", service: "openclaw")

    func target(_ returnTo: String) -> String? { IntakeRedirect.target(returnTo: returnTo, tenantHosts: Self.hosts) }

    @Test func tenantHostsAreTheServiceHostAndItsMirror() {
        #expect(Self.hosts == ["acme-openclaw.mctl.ai", "acme-openclaw.mctl.me"])
    }

    @Test func ownHostsGetTheMarker() {
        #expect(target("https://acme-openclaw.mctl.ai/") == "https://acme-openclaw.mctl.ai/?telegram_saved=1")
        #expect(target("https://acme-openclaw.mctl.ai") == "https://acme-openclaw.mctl.ai/?telegram_saved=1")
        #expect(
            target("https://ACME-openclaw.mctl.me/chat?x=1&y=a%20b#frag")
                == "https://acme-openclaw.mctl.me/chat?x=1&y=a%20b&telegram_saved=1")
        #expect(target("https://acme-openclaw.mctl.ai/?") == "https://acme-openclaw.mctl.ai/?telegram_saved=1")
        #expect(target("https://acme-openclaw.mctl.ai/?telegram_saved=0&a=b") == "https://acme-openclaw.mctl.ai/?a=b&telegram_saved=1")
        #expect(target("https://acme-openclaw.mctl.ai:443/x") == "https://acme-openclaw.mctl.ai/x?telegram_saved=1")
    }

    @Test func openRedirectTricksAreRefused() {
        let tricks = [
            "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "https:/evil.example",
            "https:evil.example", "https://acme-openclaw.mctl.ai@evil.example/", "https://evil.example@acme-openclaw.mctl.ai/",
            "https://acme-openclaw.mctl.ai\\@evil.example/", "https://acme-openclaw.mctl.ai\\.evil.example/",
            "https://acme-openclaw.mctl.ai.evil.example/", "https://evil-acme-openclaw.mctl.ai/", "https://other-openclaw.mctl.ai/",
            "http://acme-openclaw.mctl.ai/", "javascript:alert(1)", "data:text/html,x", "ftp://acme-openclaw.mctl.ai/",
            "https://acme-openclaw.mctl.ai:8443/", "https://acme-openclaw.mctl.ai%2eevil.example/", " https://acme-openclaw.mctl.ai/",
            "https://acme-openclaw.mctl.ai/\n", "https://acme-openclaw.mctl.ai/\t", "https://acme-openclaw.mctl.ai\u{0}.evil.example/",
            "https://acme-openclaw.mctl.aі/", "", "https://", "https:///acme-openclaw.mctl.ai/", "mctl.ai",
            "https://acme-openclaw.mctl.ai/" + String(repeating: "a", count: 2100),
        ]
        for trick in tricks { #expect(target(trick) == nil, "\(trick.debugDescription)") }
    }

    @Test func pathTricksStayOnTheTenantHost() {
        // Odd paths are still on the tenant's host: allowed, and the host is what the browser uses.
        #expect(target("https://acme-openclaw.mctl.ai//evil.example/") == "https://acme-openclaw.mctl.ai//evil.example/?telegram_saved=1")
    }
}

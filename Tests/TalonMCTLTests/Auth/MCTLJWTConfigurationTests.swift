import Foundation
import Testing

@testable import TalonMCTL

@Suite struct MCTLJWTConfigurationTests {
    @Test func readsTheEnvironment() throws {
        let configuration = try MCTLJWTConfiguration.fromEnvironment([
            "MCTL_JWT_SECRET": " s3cret \n", "MCTL_JWKS_URL": "https://api.mctl.ai/.well-known/jwks.json",
            "MCTL_JWT_ISSUER": "https://api.mctl.ai", "MCTL_JWT_AUDIENCE": "",
        ])
        #expect(configuration.hs256Secret == Array("s3cret".utf8))
        #expect(configuration.jwksURL == "https://api.mctl.ai/.well-known/jwks.json")
        #expect(configuration.issuer == "https://api.mctl.ai")
        #expect(configuration.audience == nil)
        #expect(configuration.leewaySeconds == 60)
        #expect(configuration.isConfigured)
        // Short secret warned about, never printed.
        let warnings = configuration.startupWarnings.joined(separator: "\n") + configuration.summary
        #expect(warnings.contains("shorter than 32 bytes"))
        #expect(!warnings.contains("s3cret"))
    }

    @Test func emptyEnvironmentIsNotConfigured() throws {
        let configuration = try MCTLJWTConfiguration.fromEnvironment([:])
        #expect(!configuration.isConfigured)
        #expect(configuration.startupWarnings.count == 1)
    }

    @Test func badJWKSURLFailsAtStartup() {
        #expect(throws: MCTLJWTConfiguration.Invalid.self) { try MCTLJWTConfiguration.fromEnvironment(["MCTL_JWKS_URL": "jwks.json"]) }
        #expect(throws: MCTLJWTConfiguration.Invalid.self) {
            try MCTLJWTConfiguration.fromEnvironment(["MCTL_JWKS_URL": "file:///etc/jwks.json"])
        }
    }

    @Test func base64URLRoundTripsAndIsStrict() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = MCTLBase64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(MCTLBase64URL.decode(encoded) == bytes)
        }
        #expect(MCTLBase64URL.decode("_-8") == [0xFF, 0xEF])
        #expect(MCTLBase64URL.decode("YQ==") == nil)  // padding
        #expect(MCTLBase64URL.decode("Y") == nil)  // impossible length
        #expect(MCTLBase64URL.decode("YR") == nil)  // non-canonical trailing bits
        #expect(MCTLBase64URL.decode("a+b/") == nil)  // standard alphabet
        #expect(MCTLBase64URL.decode("ab cd") == nil)
    }
}

import Foundation
import TalonTestSupport
import Testing

/// The real `talon mctl serve` binary driven by the PyPI `mcp` client through the whole deploy story
/// (Tests/e2e/mctl_platform_test.py), generated manifests checked with `kubernetes-validate`.
@Suite("mctl serve with a real MCP client", .serialized)
struct MCTLPlatformE2ETests {
    static let ready = E2E.pythonAvailable(modules: ["mcp", "yaml", "kubernetes_validate"])

    @Test("deploy → intake → resume → second deploy, profiles, sizing, skills and identity over MCP", .enabled(if: ready))
    func deployStory() async throws {
        let repo = try GitOpsFixture.create(tenants: [MCTLServeHarness.roomy, MCTLServeHarness.tiny])
        let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-mctl-e2e-\(UUID().uuidString)").path
        defer {
            repo.remove()
            try? FileManager.default.removeItem(atPath: stateDir)
        }
        var environment = TalonProcess.baseEnvironment(stateDir: stateDir)
        environment["MCTL_JWT_SECRET"] = MCTLServeHarness.jwtSecret
        let process = try TalonProcess(
            arguments: ["mctl", "serve", "--gitops-repo", repo.root.path, "--port", "0", "--state-dir", stateDir], environment: environment)
        defer { process.terminate() }
        var port: Int?
        try await Wait.until(timeout: .seconds(30), "mctl serve listening") {
            if process.exitCode != nil { throw ProbeError("talon mctl serve exited early:\n\(process.stderr)") }
            port = Self.listeningPort(process.stderr)
            return port != nil
        }
        let result = try await E2E.runPython(
            "Tests/e2e/mctl_platform_test.py",
            [
                "--url", "http://127.0.0.1:\(port!)", "--repo", repo.root.path, "--owner-token", MCTLServeHarness.token("alice"),
                "--developer-token", MCTLServeHarness.token("bob"), "--team", "labs", "--low-quota-team", "tiny",
            ], timeout: 180)
        #expect(result.status == 0, "mctl platform e2e failed:\n\(result.output)\nserver log:\n\(process.stdout)")
        process.signal(SIGTERM)
        #expect(try await process.waitForExit(timeout: .seconds(20)) == 0)
    }

    static func listeningPort(_ log: String) -> Int? {
        guard let range = log.range(of: "mctl serve listening on http://127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }
}

/// `talon mctl mcp-stdio` with the PyPI `mcp` stdio client (Tests/e2e/mctl_stdio_test.py).
@Suite("mctl mcp-stdio with a real MCP client", .serialized)
struct MCTLStdioE2ETests {
    @Test("tools over stdin/stdout; the caller comes from MCTL_TOKEN", .enabled(if: MCTLPlatformE2ETests.ready))
    func stdio() async throws {
        let repo = try GitOpsFixture.create(tenants: [MCTLServeHarness.roomy])
        let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("talon-mctl-stdio-\(UUID().uuidString)").path
        defer {
            repo.remove()
            try? FileManager.default.removeItem(atPath: stateDir)
        }
        let result = try await E2E.runPython(
            "Tests/e2e/mctl_stdio_test.py",
            [
                "--talon", TalonProcess.binaryPath, "--repo", repo.root.path, "--state-dir", stateDir,
                "--token", MCTLServeHarness.token("alice"), "--secret", MCTLServeHarness.jwtSecret, "--team", "labs",
            ], timeout: 120)
        #expect(result.status == 0, "mcp-stdio e2e failed:\n\(result.output)")
    }
}

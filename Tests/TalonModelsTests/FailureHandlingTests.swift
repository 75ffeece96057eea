import Foundation
import Logging
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

@Suite("Retries, fallbacks and broken streams")
struct FailureHandlingTests {
    @Test func retriesA429AfterTheRetryAfterDelay() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(429, retryAfter: "1"), .text("finally"))
        let started = ContinuousClock.now
        let (events, error) = await harness.run(.hello())
        let elapsed = ContinuousClock.now - started
        #expect(error == nil)
        #expect(events.text == "finally")
        #expect(elapsed >= .milliseconds(950))
        #expect(harness.server.requests().count == 2)
        let warnings = harness.logLines.withLock { $0 }
        #expect(warnings.contains { $0.contains("retrying") })
        #expect(!warnings.contains { $0.contains("sk-test-secret") })
    }

    @Test func aLongRetryAfterMovesToTheFallbackAtOnce() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(429, retryAfter: "120"), .text("from fallback"))
        let started = ContinuousClock.now
        let (events, error) = await harness.run(.hello(), candidates: ["mock/primary", "mock/secondary"])
        #expect(error == nil)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(events.response?.modelRef == "mock/secondary")
        #expect(harness.server.requests().map(\.model) == ["primary", "secondary"])
    }

    @Test func serverErrorsAreRetriedThenTheFallbackIsUsed() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(500), .status(502), .status(503), .status(500), .text("fallback answer"))
        let (events, error) = await harness.run(.hello(), candidates: ["mock/primary", "mock/backup"])
        #expect(error == nil)
        #expect(events.text == "fallback answer")
        #expect(events.response?.modelRef == "mock/backup")
        #expect(harness.server.requests().map(\.model) == ["primary", "primary", "primary", "primary", "backup"])
        #expect(harness.logLines.withLock { $0 }.contains { $0.contains("fallback") })
    }

    @Test func serverErrorWithoutFallbackReportsTheMessage() async throws {
        let harness = try await ModelHarness.start(retryPolicy: RetryPolicy(maxRetries: 0))
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(500, body: "{\"error\":{\"message\":\"upstream exploded\"}}"))
        let (_, error) = await harness.run(.hello())
        #expect(error as? ModelError == .server(provider: "mock", status: 500, message: "upstream exploded"))
    }

    @Test func unauthorizedFailsAtOnceWithoutFallback() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(401), .text("must not be used"))
        let (events, error) = await harness.run(.hello(), candidates: ["mock/primary", "mock/backup"])
        #expect(events.isEmpty)
        let modelError = try #require(error as? ModelError)
        guard case .authentication(let provider, let status, _, let message) = modelError else {
            Issue.record("expected an authentication error, got \(modelError)")
            return
        }
        #expect(provider == "mock")
        #expect(status == 401)
        #expect(message == "mock error 401")
        #expect(modelError.description.contains("models.providers.mock.apiKey"))
        #expect(harness.server.requests().count == 1)
    }

    @Test func builtInProviderNamesItsEnvironmentVariable() async throws {
        let server = try await MockModelServer.start()
        defer { Task { await server.stop() } }
        server.enqueue(.status(401))
        // The built-in openai provider pointed at the mock (a non-local name would need a key anyway).
        let config = TalonConfig(models: ModelsConfig(providers: ["openai": ProviderConfig(baseUrl: server.baseURL + "/v1")]))
        let client = ModelClient(config: config, environment: ["OPENAI_API_KEY": "sk-env"], logger: .init(label: "t"))
        var thrown: (any Error)?
        do {
            for try await _ in client.stream(.hello(), candidates: [ModelRef(provider: "openai", model: "gpt-4o-mini")]) {}
        } catch { thrown = error }
        let error = try #require(thrown as? ModelError)
        #expect(error.description.hasPrefix("provider 'openai' rejected the credentials (HTTP 401): check OPENAI_API_KEY"))
        #expect(server.requests().first?.header("authorization") == "Bearer sk-env")
    }

    @Test func missingKeyForACloudProviderFailsWithoutARequest() async throws {
        let client = ModelClient(config: TalonConfig(), environment: [:], logger: .init(label: "t"))
        var thrown: (any Error)?
        do {
            for try await _ in client.stream(.hello(), candidates: [ModelRef(provider: "anthropic", model: "claude-sonnet-4-5")]) {}
        } catch { thrown = error }
        let error = try #require(thrown as? ModelError)
        #expect(error.description.contains("ANTHROPIC_API_KEY"))
        #expect(error.allowsFallback == false)
    }

    @Test func badRequestIsNotRetriedButMayFallBack() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.status(400, body: "{\"error\":{\"message\":\"context length exceeded\"}}"), .text("ok"))
        let (events, error) = await harness.run(.hello(), candidates: ["mock/a", "mock/b"])
        #expect(error == nil)
        #expect(events.response?.modelRef == "mock/b")
        #expect(harness.server.requests().count == 2)
    }

    @Test func malformedStreamIsAnErrorNotACrash() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.malformedSSE)
        let (_, error) = await harness.run(.hello())
        guard case .malformed(let provider, _)? = error as? ModelError else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(provider == "mock")
    }

    @Test(arguments: [WireAPI.openAICompletions, .openAIResponses, .anthropicMessages])
    func truncatedStreamIsMalformed(api: WireAPI) async throws {
        let harness = try await ModelHarness.start(api: api)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.truncatedStream)
        let (events, error) = await harness.run(.hello(), candidates: ["mock/a", "mock/b"])
        // Text was already delivered, so there is no fallback: the caller sees the error.
        #expect(events.text == "This answer is cut off")
        #expect(events.response == nil)
        guard case .malformed? = error as? ModelError else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(harness.server.requests().count == 1)
    }

    @Test func stalledStreamHitsTheIdleWatchdog() async throws {
        let harness = try await ModelHarness.start(timeoutSeconds: 1)
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.stall(seconds: 10))
        let started = ContinuousClock.now
        let (_, error) = await harness.run(.hello())
        let elapsed = ContinuousClock.now - started
        #expect(error as? ModelError == .idleTimeout(provider: "mock", seconds: 1))
        #expect(elapsed < .seconds(5))
    }

    @Test func cancellationStopsTheRequestPromptly() async throws {
        let harness = try await ModelHarness.start()
        defer { Task { await harness.stop() } }
        harness.server.enqueue(.slowText(Array(repeating: "tick ", count: 100), delayMs: 200))
        let received = LockedBox(0)
        let client = harness.client
        let task = Task {
            for try await event in client.stream(.hello(), candidates: [ModelRef(provider: "mock", model: "m")]) {
                if case .textDelta = event { received.withLock { $0 += 1 } }
            }
        }
        try await waitUntil { received.withLock { $0 } >= 1 }
        let started = ContinuousClock.now
        task.cancel()
        _ = await task.result
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(received.withLock { $0 } < 10)
    }

    @Test func connectionRefusedIsATransportErrorAfterRetries() async throws {
        let server = try await MockModelServer.start()
        let deadURL = server.baseURL + "/v1"
        await server.stop()
        let config = TalonConfig(models: ModelsConfig(providers: ["dead": ProviderConfig(baseUrl: deadURL)]))
        let client = ModelClient(config: config, environment: [:], logger: .init(label: "t"), retryPolicy: ModelHarness.fastRetries)
        var thrown: (any Error)?
        do {
            for try await _ in client.stream(.hello(), candidates: [ModelRef(provider: "dead", model: "m")]) {}
        } catch { thrown = error }
        guard case .transport(let provider, _)? = thrown as? ModelError else {
            Issue.record("expected transport, got \(String(describing: thrown))")
            return
        }
        #expect(provider == "dead")
    }
}

/// Polls `condition` every 10 ms for up to 5 s.
func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 5 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

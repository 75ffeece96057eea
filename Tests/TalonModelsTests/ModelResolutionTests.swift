import Foundation
import Logging
import NIOHTTP1
import TalonCore
import TalonTestSupport
import Testing

@testable import TalonModels

@Suite("Model refs, aliases, providers and policies")
struct ModelResolutionTests {
    private func client(_ config: TalonConfig = TalonConfig(), environment: [String: String] = [:]) -> ModelClient {
        ModelClient(config: config, environment: environment, logger: .init(label: "t"))
    }

    @Test func resolvesRefsAndBothAliasForms() throws {
        let config = TalonConfig(
            agents: AgentsConfig(
                defaults: AgentDefaults(models: [
                    "anthropic/claude-sonnet-4-5": ["alias": "sonnet"],
                    "fast": "openai/gpt-4o-mini",
                ])))
        let client = client(config)
        #expect(try client.resolve("sonnet") == ModelRef(provider: "anthropic", model: "claude-sonnet-4-5"))
        #expect(try client.resolve(" Sonnet ") == ModelRef(provider: "anthropic", model: "claude-sonnet-4-5"))
        #expect(try client.resolve("fast") == ModelRef(provider: "openai", model: "gpt-4o-mini"))
        #expect(try client.resolve("ollama/llama3.2:3b") == ModelRef(provider: "ollama", model: "llama3.2:3b"))
        #expect(throws: ModelError.unknownProvider("nowhere")) { try client.resolve("nowhere/model") }
        #expect(throws: ModelError.self) { try client.resolve("just-a-name") }
    }

    @Test func implicitDefaultFollowsTheEnvironment() {
        #expect(
            client(environment: ["OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"]).implicitDefault()?.description == "openai/gpt-4o-mini")
        #expect(client(environment: ["ANTHROPIC_API_KEY": "k"]).implicitDefault()?.description == "anthropic/claude-sonnet-4-5")
        #expect(client(environment: ["OPENAI_API_KEY": " "]).implicitDefault() == nil)
        #expect(client().implicitDefault() == nil)
        let configured = TalonConfig(models: ModelsConfig(providers: ["anthropic": ProviderConfig(apiKey: "from-config")]))
        #expect(client(configured).implicitDefault()?.description == "anthropic/claude-sonnet-4-5")
    }

    @Test func contextWindowComesFromTheProviderModels() {
        let config = TalonConfig(
            models: ModelsConfig(providers: [
                "local": ProviderConfig(baseUrl: "http://localhost:8000/v1", models: [["id": "qwen", "contextWindow": 32_768]])
            ]))
        let client = client(config)
        #expect(client.contextWindow(of: ModelRef(provider: "local", model: "qwen")) == 32_768)
        #expect(client.contextWindow(of: ModelRef(provider: "local", model: "other")) == 128_000)
        #expect(client.contextWindow(of: ModelRef(provider: "openai", model: "gpt-4o")) == 128_000)
    }

    @Test func configBlocksOverrideBuiltIns() throws {
        let config = ModelsConfig(providers: [
            "openai": ProviderConfig(baseUrl: "https://proxy.example.com/v1", api: "openai-responses", headers: ["X-A": "1"]),
            "OpenRouter": ProviderConfig(baseUrl: "https://openrouter.ai/api/v1", apiKey: "or-key"),
            "gemini": ProviderConfig(baseUrl: "https://g.example.com", api: "google-generative-ai"),
        ])
        let (providers, unusable) = ProviderSettings.resolve(config: config, environment: ["OPENAI_API_KEY": "env-key"])
        let openai = try #require(providers["openai"])
        #expect(openai.api == .openAIResponses)
        #expect(openai.baseURL == "https://proxy.example.com/v1")
        #expect(openai.credential == "env-key")
        #expect(openai.keySource == "OPENAI_API_KEY")
        #expect(openai.headers == ["X-A": "1"])
        let router = try #require(providers["openrouter"])
        #expect(router.api == .openAICompletions)
        #expect(router.credential == "or-key")
        #expect(providers["anthropic"]?.baseURL == "https://api.anthropic.com")
        #expect(providers["ollama"]?.baseURL == "http://127.0.0.1:11434/v1")
        #expect(unusable["gemini"]?.contains("google-generative-ai") == true)
        let replaced = ProviderSettings.resolve(config: ModelsConfig(mode: "replace", providers: [:]), environment: [:])
        #expect(replaced.providers.isEmpty)
    }

    @Test func unsupportedApiFailsWithItsReason() async throws {
        let config = TalonConfig(models: ModelsConfig(providers: ["gemini": ProviderConfig(baseUrl: "https://g", api: "google-vertex")]))
        let client = client(config)
        var thrown: (any Error)?
        do {
            for try await _ in client.stream(.hello(), candidates: [try client.resolve("gemini/x")]) {}
        } catch { thrown = error }
        #expect((thrown as? ModelError)?.description.contains("google-vertex") == true)
    }

    @Test func idleWatchdogDependsOnWhereTheServerRuns() {
        #expect(ProviderSettings(id: "a", api: .openAICompletions, baseURL: "https://api.openai.com/v1").idleTimeoutSeconds == 120)
        #expect(ProviderSettings(id: "b", api: .openAICompletions, baseURL: "http://127.0.0.1:11434/v1").idleTimeoutSeconds == 300)
        #expect(ProviderSettings(id: "c", api: .openAICompletions, baseURL: "http://192.168.1.20:8000/v1").idleTimeoutSeconds == 300)
        #expect(ProviderSettings(id: "d", api: .openAICompletions, baseURL: "http://[::1]:8000/v1").idleTimeoutSeconds == 300)
        #expect(ProviderSettings(id: "e", api: .openAICompletions, baseURL: "http://gpu.local:8000").idleTimeoutSeconds == 300)
        #expect(ProviderSettings(id: "f", api: .openAICompletions, baseURL: "http://172.40.0.1").idleTimeoutSeconds == 120)
        let configured = ProviderSettings(id: "g", api: .openAICompletions, baseURL: "http://localhost:1", timeoutSeconds: 7)
        #expect(configured.idleTimeoutSeconds == 7)
    }

    @Test func retryAfterParsesSecondsMillisecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(HTTPFailure.retryAfter(HTTPHeaders([("Retry-After", "3")]), now: now) == 3)
        #expect(HTTPFailure.retryAfter(HTTPHeaders([("retry-after-ms", "250")]), now: now) == 0.25)
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        #expect(HTTPFailure.retryAfter(HTTPHeaders([("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")]), now: now) == 30)
        #expect(HTTPFailure.retryAfter(HTTPHeaders([("Retry-After", "soon")]), now: now) == nil)
        #expect(HTTPFailure.retryAfter(HTTPHeaders(), now: now) == nil)
    }

    @Test func retryPolicyBacksOffAndGivesUp() {
        let policy = RetryPolicy.standard
        let server = ModelError.server(provider: "p", status: 503, message: "")
        #expect(policy.delay(after: server, attempt: 0, jitter: 0) == 0.5)
        #expect(policy.delay(after: server, attempt: 2, jitter: 0) == 2)
        #expect(policy.delay(after: server, attempt: 3, jitter: 0) == nil)
        #expect(RetryPolicy(maxRetries: 10).delay(after: server, attempt: 8, jitter: 0.25) == 8)
        #expect(policy.delay(after: .rateLimited(provider: "p", status: 429, retryAfterSeconds: 4), attempt: 0) == 4)
        #expect(policy.delay(after: .rateLimited(provider: "p", status: 429, retryAfterSeconds: 31), attempt: 0) == nil)
        #expect(policy.delay(after: .invalidRequest(provider: "p", status: 400, message: ""), attempt: 0) == nil)
        #expect(policy.delay(after: .malformed(provider: "p", message: ""), attempt: 0) == nil)
        #expect(policy.delay(after: .timeout(provider: "p"), attempt: 1, jitter: 0) == 1)
    }

    @Test func errorBodiesYieldTheirMessage() {
        #expect(HTTPFailure.errorMessage("{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"x\"}}") == "Incorrect API key")
        #expect(HTTPFailure.errorMessage("{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"overloaded\"}}") == "overloaded")
        #expect(HTTPFailure.errorMessage("  Bad Gateway \n") == "Bad Gateway")
    }
}

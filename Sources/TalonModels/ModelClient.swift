import Logging
import TalonCore

/// Resolves model refs against the configured and built-in providers and runs calls with
/// retries (429/529/5xx/timeouts, exponential backoff honouring `Retry-After`) and, per turn,
/// the fallback chain. INTERFACE STUB: the TalonModels work replaces the body, keeps the API.
public final class ModelClient: Sendable {
    public let providers: [String: any ModelProvider]
    let logger: Logger

    /// Production: built-in providers (`openai`, `anthropic`, `ollama`) plus `models.providers`,
    /// keys from `environment`.
    public convenience init(config: TalonConfig, environment: [String: String], logger: Logger) {
        self.init(providers: [:], aliases: [:], logger: logger)
    }

    /// Explicit providers (tests, embedding).
    public init(providers: [String: any ModelProvider], aliases: [String: String] = [:], logger: Logger) {
        self.providers = providers
        self.logger = logger
    }

    /// Turns a ref or alias (`"sonnet"` → `anthropic/claude-…` via `agents.defaults.models`) into a `ModelRef`.
    public func resolve(_ refOrAlias: String) throws(ModelError) -> ModelRef {
        guard let ref = ModelRef(parsing: refOrAlias) else { throw .notConfigured("invalid model reference '\(refOrAlias)': use provider/model") }
        guard providers[ref.provider] != nil else { throw .unknownProvider(ref.provider) }
        return ref
    }

    /// The model used when nothing is configured: the first provider with a key in the environment
    /// (`openai` → `openai/gpt-4o-mini`, `anthropic` → `anthropic/claude-sonnet-4-5`), else nil
    /// (the WebChat page then explains how to configure one).
    public func implicitDefault() -> ModelRef? { nil }

    /// Context window of a model (config `models[].contextWindow`, else a conservative default).
    public func contextWindow(of ref: ModelRef) -> Int { 128_000 }

    /// One turn: tries `candidates` in order (the first is the primary), retrying each as documented.
    /// Falls back only before any event was yielded and only when `ModelError.allowsFallback`.
    /// `request.model` is ignored; each candidate's model id is used.
    public func stream(_ request: ModelRequest, candidates: [ModelRef]) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        guard let ref = candidates.first, let provider = providers[ref.provider] else {
            return AsyncThrowingStream { $0.finish(throwing: ModelError.notConfigured("no model configured")) }
        }
        var request = request
        request.model = ref.model
        return provider.stream(request)
    }
}

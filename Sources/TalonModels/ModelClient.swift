import Logging
import TalonCore

/// Resolves model refs against the configured and built-in providers and runs calls with
/// retries (429/529/5xx/timeouts, exponential backoff honouring `Retry-After`) and, per turn,
/// the fallback chain.
public final class ModelClient: Sendable {
    public let providers: [String: any ModelProvider]
    /// Lowercased alias → `provider/model`.
    public let aliases: [String: String]
    public let retryPolicy: RetryPolicy
    let logger: Logger

    /// Production: built-in providers (`openai`, `anthropic`, `ollama`) plus `models.providers`,
    /// keys from `environment`.
    public convenience init(config: TalonConfig, environment: [String: String], logger: Logger, retryPolicy: RetryPolicy = .standard) {
        let resolved = ProviderSettings.resolve(config: config.models, environment: environment)
        var providers: [String: any ModelProvider] = resolved.providers.mapValues { HTTPModelProvider(settings: $0, logger: logger) }
        for (id, reason) in resolved.unusable {
            logger.warning("model provider unusable", metadata: ["provider": "\(id)", "reason": "\(reason)"])
            providers[id] = UnusableProvider(id: id, reason: reason)
        }
        self.init(
            providers: providers, aliases: ModelClient.aliases(config.agents.defaults.models), logger: logger, retryPolicy: retryPolicy)
    }

    /// Explicit providers (tests, embedding).
    public init(
        providers: [String: any ModelProvider], aliases: [String: String] = [:], logger: Logger, retryPolicy: RetryPolicy = .standard
    ) {
        self.providers = providers
        self.aliases = Dictionary(aliases.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    /// `agents.defaults.models`: `"provider/model": {alias: "sonnet"}` entries, or `"sonnet": "provider/model"`.
    static func aliases(_ models: [String: JSONValue]) -> [String: String] {
        var aliases: [String: String] = [:]
        for (key, value) in models {
            if let target = value.stringValue {
                aliases[key] = target
            } else if let alias = value["alias"]?.stringValue, !alias.isEmpty {
                aliases[alias] = key
            }
        }
        return aliases
    }

    /// Turns a ref or alias (`"sonnet"` → `anthropic/claude-…` via `agents.defaults.models`) into a `ModelRef`.
    public func resolve(_ refOrAlias: String) throws(ModelError) -> ModelRef {
        let trimmed = refOrAlias.trimmingSpacesForModels
        let target = aliases[trimmed.lowercased()] ?? trimmed
        guard let ref = ModelRef(parsing: target) else {
            throw .notConfigured("invalid model reference '\(refOrAlias)': use provider/model or a configured alias")
        }
        guard providers[ref.provider] != nil else { throw .unknownProvider(ref.provider) }
        return ref
    }

    /// The model used when nothing is configured: the first provider with a key in the environment
    /// (`openai` → `openai/gpt-4o-mini`, `anthropic` → `anthropic/claude-sonnet-4-5`), else nil
    /// (the WebChat page then explains how to configure one).
    public func implicitDefault() -> ModelRef? {
        let candidates = [
            ModelRef(provider: "openai", model: "gpt-4o-mini"), ModelRef(provider: "anthropic", model: "claude-sonnet-4-5"),
        ]
        return candidates.first { ref in
            guard let provider = providers[ref.provider] else { return false }
            guard let http = provider as? HTTPModelProvider else { return true }
            return http.settings.credential != nil
        }
    }

    /// Context window of a model (config `models[].contextWindow`, else a conservative default).
    public func contextWindow(of ref: ModelRef) -> Int {
        let info = (providers[ref.provider] as? HTTPModelProvider)?.settings.model(ref.model)
        return info?.contextWindow ?? 128_000
    }

    /// One turn: tries `candidates` in order (the first is the primary), retrying each as documented.
    /// Falls back only before any event was yielded and only when `ModelError.allowsFallback`.
    /// `request.model` is ignored; each candidate's model id is used.
    public func stream(_ request: ModelRequest, candidates: [ModelRef]) -> AsyncThrowingStream<ModelStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task { await self.runTurn(request, candidates: candidates, continuation: continuation) }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension String {
    fileprivate var trimmingSpacesForModels: String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}

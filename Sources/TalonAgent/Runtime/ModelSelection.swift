import TalonModels

/// Why no model could be chosen for a run.
struct ModelSelectionError: Error, Sendable {
    var kind: String
    var message: String

    static let noModel = ModelSelectionError(
        kind: "unknown",
        message: """
            No model is configured. Set OPENAI_API_KEY or ANTHROPIC_API_KEY in the gateway's environment, or add \
            models.providers.<id> and agents.defaults.model (for example "openai/gpt-4o-mini") to the config.
            """)
}

extension AgentRuntime {
    /// Candidates for a run, first is primary: the run's model > the session override > the agent's
    /// model (+ fallbacks) > `agents.defaults.model` (+ fallbacks) > the implicit default.
    /// Explicit picks (run, session) are strict: no fallbacks.
    func modelCandidates(requested: String?, overrides: SessionOverrides, agentId: String) throws(ModelSelectionError) -> [ModelRef] {
        func resolve(_ text: String) throws(ModelSelectionError) -> ModelRef {
            do {
                return try models.resolve(text)
            } catch {
                throw ModelSelectionError(kind: error.errorKind, message: error.description)
            }
        }
        if let requested = requested?.trimmedText, !requested.isEmpty { return [try resolve(requested)] }
        if let model = overrides.model { return [try resolve(model)] }
        if let selection = config.agents.entry(id: agentId)?.model ?? config.agents.defaults.model {
            var candidates = [try resolve(selection.primary)]
            for fallback in selection.fallbacks {
                do {
                    let ref = try resolve(fallback)
                    if !candidates.contains(ref) { candidates.append(ref) }
                } catch {
                    logger.warning("skipping unusable fallback model", metadata: ["model": "\(fallback)", "error": "\(error.message)"])
                }
            }
            return candidates
        }
        if let implicit = models.implicitDefault() { return [implicit] }
        throw .noModel
    }
}

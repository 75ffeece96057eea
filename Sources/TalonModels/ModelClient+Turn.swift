import Logging
import TalonCore

extension ModelClient {
    typealias Continuation = AsyncThrowingStream<ModelStreamEvent, any Error>.Continuation

    private enum Attempt {
        case finished
        case failed(ModelError, yieldedEvents: Bool)
    }

    /// Runs the candidates in order with retries; finishes `continuation` exactly once.
    func runTurn(_ request: ModelRequest, candidates: [ModelRef], continuation: Continuation) async {
        guard let primary = candidates.first else {
            continuation.finish(throwing: ModelError.notConfigured("no model configured"))
            return
        }
        guard providers[primary.provider] != nil else {
            continuation.finish(throwing: ModelError.unknownProvider(primary.provider))
            return
        }
        var lastError = ModelError.notConfigured("no model configured")
        for (position, ref) in candidates.enumerated() {
            guard let provider = providers[ref.provider] else {
                logger.warning("skipping fallback model with unknown provider", metadata: ["model": "\(ref)"])
                continue
            }
            var modelRequest = request
            modelRequest.model = ref.model
            var retry = 0
            while true {
                switch await attempt(provider, modelRequest, ref: ref, continuation: continuation) {
                case .finished:
                    continuation.finish()
                    return
                case .failed(let error, let yieldedEvents):
                    if yieldedEvents || !error.allowsFallback || Task.isCancelled {
                        continuation.finish(throwing: Task.isCancelled ? ModelError.cancelled : error)
                        return
                    }
                    lastError = error
                    if let delay = retryPolicy.delay(after: error, attempt: retry) {
                        logger.warning(
                            "model call failed, retrying",
                            metadata: [
                                "model": "\(ref)", "attempt": "\(retry + 1)", "delaySeconds": "\(Self.rounded(delay))",
                                "error": "\(error)",
                            ])
                        do {
                            try await Task.sleep(for: .milliseconds(Int((delay * 1000).rounded())))
                        } catch {
                            continuation.finish(throwing: ModelError.cancelled)
                            return
                        }
                        retry += 1
                        continue
                    }
                }
                break
            }
            if position + 1 < candidates.count {
                logger.warning(
                    "model failed, trying the next fallback",
                    metadata: ["model": "\(ref)", "fallback": "\(candidates[position + 1])", "error": "\(lastError)"])
            }
        }
        continuation.finish(throwing: lastError)
    }

    /// One call to one provider, forwarding its events as they come.
    private func attempt(
        _ provider: any ModelProvider, _ request: ModelRequest, ref: ModelRef, continuation: Continuation
    ) async -> Attempt {
        var yielded = false
        do {
            for try await event in provider.stream(request) {
                if case .finished(var response) = event {
                    if response.modelRef.isEmpty { response.modelRef = ref.description }
                    continuation.yield(.finished(response))
                    return .finished
                }
                continuation.yield(event)
                yielded = true
            }
            if Task.isCancelled { return .failed(.cancelled, yieldedEvents: yielded) }
            return .failed(.malformed(provider: ref.provider, message: "the stream ended without a result"), yieldedEvents: yielded)
        } catch {
            return .failed(HTTPFailure.normalize(error, provider: ref.provider), yieldedEvents: yielded)
        }
    }

    private static func rounded(_ seconds: Double) -> Double {
        (seconds * 100).rounded() / 100
    }
}

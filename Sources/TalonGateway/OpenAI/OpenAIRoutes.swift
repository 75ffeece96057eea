import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore
import TalonAgent
import TalonCore
import TalonModels

/// The OpenAI-compatible surface: `POST /v1/chat/completions` and `GET /v1/models`, off unless
/// `gateway.http.endpoints.chatCompletions.enabled`. Auth is the gateway's (bearer token/password).
struct OpenAIRoutes: Sendable {
    let services: GatewayServices

    static let bodyLimit = 20 * 1024 * 1024
    /// Session keys a client may not address over HTTP (internal lanes).
    static let reservedKeyPrefixes = ["subagent:", "cron:", "acp:"]

    func register(on router: Router<GatewayRequestContext>) {
        guard services.config.gateway.http.chatCompletionsEnabled else { return }
        router.get("/v1/models") { _, context in try models(context: context) }
        router.get("/v1/models/:id") { _, context in try model(id: context.parameters.get("id") ?? "", context: context) }
        router.post("/v1/chat/completions") { request, context in await completions(request, context: context) }
    }

    private func agentIds() -> [String] {
        var ids = [services.defaultAgentId]
        for entry in services.config.agents.entries where !ids.contains(entry.id) { ids.append(entry.id) }
        return ids
    }

    private func modelObject(_ id: String) -> JSONValue {
        ["id": .string(id), "object": "model", "created": .number(Double(services.startedAtMs / 1000)), "owned_by": "openclaw"]
    }

    private func modelIds() -> [String] {
        ["openclaw", "openclaw/default"] + agentIds().map { "openclaw/\($0)" }
    }

    func models(context: GatewayRequestContext) throws -> Response {
        if let denied = scopeCheck(context, Scopes.read) { return denied }
        return JSONResponse.make(.ok, ["object": "list", "data": .array(modelIds().map(modelObject))])
    }

    func model(id: String, context: GatewayRequestContext) throws -> Response {
        if let denied = scopeCheck(context, Scopes.read) { return denied }
        guard modelIds().contains(id) else {
            return Self.error(
                OpenAIError(status: .notFound, message: "model '\(id)' not found", type: "invalid_request_error", code: "model_not_found"))
        }
        return JSONResponse.make(.ok, modelObject(id))
    }

    func completions(_ request: Request, context: GatewayRequestContext) async -> Response {
        if let denied = scopeCheck(context, Scopes.write) { return denied }
        let parsed: OpenAIChatRequest
        let sessionKey: String
        do {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let body: JSONValue
            do { body = try JSON5.parse(String(buffer: buffer)) } catch {
                throw OpenAIError.invalid("request body is not valid JSON: \(error)")
            }
            parsed = try OpenAIChatRequest.parse(body, config: services.config)
            sessionKey = try self.sessionKey(request, parsed: parsed, context: context)
        } catch let error as OpenAIError {
            return Self.error(error)
        } catch {
            return Self.error(OpenAIError(status: .contentTooLarge, message: "request body too large", type: "invalid_request_error"))
        }
        let runId = UUIDText.random()
        let run = RunRequest(
            sessionKey: sessionKey, message: parsed.message, images: parsed.images, agentId: parsed.agentId,
            model: request.headers[HTTPField.Name("x-openclaw-model")!], extraSystemPrompt: parsed.systemPrompt,
            channel: request.headers[HTTPField.Name("x-openclaw-message-channel")!] ?? "openai-http", runId: runId)
        if parsed.stream {
            return stream(run, parsed: parsed)
        }
        let outcome = await services.runtime.run(run)
        return completionResponse(outcome, runId: runId, parsed: parsed)
    }

    /// Stateless per request unless `x-openclaw-session-key` or `user` names a stable session.
    private func sessionKey(_ request: Request, parsed: OpenAIChatRequest, context: GatewayRequestContext) throws(OpenAIError) -> String {
        if let header = request.headers[HTTPField.Name("x-openclaw-session-key")!]?.trimmingCharacters(in: .whitespaces).lowercased(),
            !header.isEmpty
        {
            guard !Self.reservedKeyPrefixes.contains(where: { header.hasPrefix($0) }) else {
                throw .invalid("x-openclaw-session-key may not start with subagent:, cron: or acp:")
            }
            guard header.count <= 512 else { throw .invalid("x-openclaw-session-key too long") }
            return header
        }
        if let user = parsed.user?.trimmingCharacters(in: .whitespaces).lowercased(), !user.isEmpty {
            let safe = String(user.prefix(128)).map { $0 == ":" ? "_" : $0 }
            return "agent:\(parsed.agentId):openai-user:\(String(safe))"
        }
        return "agent:\(parsed.agentId):openai:\(UUIDText.random())"
    }

    private func scopeCheck(_ context: GatewayRequestContext, _ scope: String) -> Response? {
        guard let identity = context.identity, identity.method == "trusted-proxy" else { return nil }
        let scopes = Set(Scopes.forPlatformRole(identity.role))
        guard !Scopes.grants(scopes, scope) else { return nil }
        return Self.error(OpenAIError(status: .forbidden, message: "missing scope: \(scope)", type: "forbidden"))
    }

    static func error(_ error: OpenAIError) -> Response {
        JSONResponse.make(error.status, error.json)
    }

    private func completionResponse(_ outcome: RunOutcome, runId: String, parsed: OpenAIChatRequest) -> Response {
        switch outcome {
        case .completed(let text, let usage, let stopReason, _):
            return JSONResponse.make(
                .ok,
                [
                    "id": .string("chatcmpl-\(runId)"), "object": "chat.completion", "created": .number(Double(services.clock() / 1000)),
                    "model": .string(parsed.requestModel),
                    "choices": [
                        [
                            "index": 0, "message": ["role": "assistant", "content": .string(text)],
                            "finish_reason": .string(Self.finishReason(stopReason)),
                        ]
                    ],
                    "usage": Self.usageJSON(usage),
                ])
        case .aborted:
            return Self.error(OpenAIError(status: .internalServerError, message: "the run was aborted", type: "api_error"))
        case .failed(let kind, let message):
            return Self.error(Self.runError(kind: kind, message: message))
        }
    }

    static func runError(kind: String, message: String) -> OpenAIError {
        switch kind {
        case "rate_limit": OpenAIError(status: .tooManyRequests, message: message, type: "rate_limit_error")
        case "timeout": OpenAIError(status: .gatewayTimeout, message: message, type: "timeout_error")
        case "context_length":
            OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", code: "context_length_exceeded")
        default: OpenAIError(status: .badGateway, message: message, type: "api_error")
        }
    }

    static func finishReason(_ reason: StopReason) -> String {
        switch reason {
        case .length: "length"
        case .refusal: "content_filter"
        default: "stop"
        }
    }

    static func usageJSON(_ usage: Usage) -> JSONValue {
        [
            "prompt_tokens": .number(Double(usage.inputTokens)), "completion_tokens": .number(Double(usage.outputTokens)),
            "total_tokens": .number(Double(usage.inputTokens + usage.outputTokens)),
        ]
    }
}

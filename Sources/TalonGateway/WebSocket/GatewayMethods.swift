import FoundationEssentials
import TalonAgent
import TalonCore
import TalonModels
import TalonStore

/// The WebSocket methods, shared by connections (and reusable by HTTP fallbacks).
struct GatewayMethods: Sendable {
    let services: GatewayServices
    let identity: ConnectionIdentity

    static let idempotencyTTLms: Int64 = 24 * 3600 * 1000

    var isOwnerView: Bool { identity.user == nil || identity.scopes.contains("mctl.owner") }

    /// `main`/absent → the caller's own main key; another user's WebChat key → FORBIDDEN unless owner.
    func resolveKey(_ raw: String?) throws -> String {
        let key = raw?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if key.isEmpty || key == "main" {
            if let user = identity.user { return SessionAccess.webchatKey(agentId: services.defaultAgentId, user: user) }
            return services.mainSessionKey
        }
        guard key.count <= 512 else { throw GatewayError.invalid("sessionKey too long") }
        if let user = identity.user?.lowercased(), !isOwnerView, SessionAccess.owner(ofKey: key) != user {
            throw GatewayError(
                "FORBIDDEN", "session \(key) belongs to another user",
                details: ["code": "SESSION_FORBIDDEN", "sessionKey": .string(key)])
        }
        return key
    }

    func health() async throws -> JSONValue {
        var storeOK = true
        do { try await services.store.ping(timeout: .seconds(2)) } catch { storeOK = false }
        return [
            "ok": .bool(storeOK), "status": storeOK ? "live" : "degraded",
            "uptimeMs": .number(Double(services.clock() - services.startedAtMs)),
            "store": ["backend": .string(services.store.backend), "ok": .bool(storeOK)],
        ]
    }

    func status() async -> JSONValue {
        [
            "version": .string(TalonVersion.current),
            "uptimeMs": .number(Double(services.clock() - services.startedAtMs)),
            "defaultAgentId": .string(services.defaultAgentId),
            "mainSessionKey": .string(services.mainSessionKey),
            "store": .string(services.store.backend),
            "connections": .number(Double(await services.hub.connectionCount)),
            "model": services.modelInfo(),
        ]
    }

    func chatSend(_ params: JSONValue) async throws -> JSONValue {
        guard let message = params["message"]?.stringValue else { throw GatewayError.invalid("chat.send needs message") }
        guard let idempotencyKey = params["idempotencyKey"]?.stringValue, !idempotencyKey.isEmpty else {
            throw GatewayError.invalid("chat.send needs idempotencyKey")
        }
        let key = try resolveKey(params["sessionKey"]?.stringValue)
        let thinking = try Self.thinking(params["thinking"])
        let timeout = params["timeoutMs"]?.intValue.map { max(1, $0 / 1000) }
        return try await startOnce(scope: "chat.send", idempotencyKey: idempotencyKey) { runId in
            RunRequest(
                sessionKey: key, message: message, agentId: params["agentId"]?.stringValue, thinking: thinking,
                timeoutSeconds: timeout, channel: "webchat", runId: runId)
        } answer: { runId, fresh in
            fresh
                ? ["runId": .string(runId), "status": "started"]
                : ["runId": .string(runId), "status": .string(await isActive(runId) ? "in_flight" : "ok")]
        }
    }

    /// Claims the idempotency key in the store before submitting, so a resend (even after a restart) never runs twice.
    private func startOnce(
        scope: String, idempotencyKey: String, build: (String) -> RunRequest, answer: (String, Bool) async -> JSONValue
    ) async throws -> JSONValue {
        let runId = UUIDText.random()
        let claim = try await services.store.claimDedupe(
            scope: scope, key: idempotencyKey, value: runId, nowMs: services.clock(), ttlMs: Self.idempotencyTTLms)
        switch claim {
        case .claimed:
            _ = await services.runtime.submit(build(runId))
            return await answer(runId, true)
        case .existing(let existing):
            return await answer(existing, false)
        }
    }

    func isActive(_ runId: String) async -> Bool {
        guard let status = await services.runtime.wait(runId: runId, timeout: .zero) else { return false }
        return status.state == .queued || status.state == .running
    }

    func chatHistory(_ params: JSONValue) async throws -> JSONValue {
        let key = try resolveKey(params["sessionKey"]?.stringValue)
        let limit = min(max(params["limit"]?.intValue ?? 200, 1), 1000)
        let maxChars = params["maxChars"]?.intValue
        let items = try await services.runtime.history(sessionKey: key, limit: limit)
        let session = try await services.runtime.session(key: key)
        let messages: [JSONValue] = items.map { item in
            var text = item.text
            if let maxChars, text.count > maxChars { text = String(text.prefix(maxChars)) }
            let role: String =
                switch item.kind {
                case "user": "user"
                case "assistant": "assistant"
                case "tool_call", "tool_result": "tool"
                default: "system"
                }
            var object: [String: JSONValue] = [
                "id": .string(item.id), "role": .string(role), "kind": .string(item.kind),
                "content": [["type": "text", "text": .string(text)]], "timestamp": .number(Double(item.timestampMs)),
            ]
            if let name = item.toolName { object["toolName"] = .string(name) }
            if let callId = item.toolCallId { object["toolCallId"] = .string(callId) }
            return .object(object)
        }
        return [
            "sessionKey": .string(key), "sessionId": session.map { .string($0.sessionId) } ?? .null, "messages": .array(messages),
        ]
    }

    func chatAbort(_ params: JSONValue) async throws -> JSONValue {
        let key = try resolveKey(params["sessionKey"]?.stringValue)
        let aborted = await services.runtime.abort(sessionKey: key, runId: params["runId"]?.stringValue)
        return ["ok": true, "aborted": .bool(!aborted.isEmpty), "runIds": .array(aborted.map(JSONValue.string))]
    }

    func sessionsList(_ params: JSONValue) async throws -> JSONValue {
        let limit = min(max(params["limit"]?.intValue ?? 100, 1), 1000)
        var sessions = try await services.runtime.listSessions(limit: isOwnerView ? limit : 1000)
        if !isOwnerView, let user = identity.user?.lowercased() {
            sessions = Array(sessions.filter { SessionAccess.owner(ofKey: $0.key) == user }.prefix(limit))
        }
        return ["count": .number(Double(sessions.count)), "sessions": .array(sessions.map(Self.sessionJSON))]
    }

    func sessionsReset(_ params: JSONValue) async throws -> JSONValue {
        let key = try resolveKey(params["key"]?.stringValue ?? params["sessionKey"]?.stringValue)
        let record = try await services.runtime.resetSession(key: key)
        return ["ok": true, "key": .string(key), "entry": Self.sessionJSON(record)]
    }

    func sessionsPatch(_ params: JSONValue) async throws -> JSONValue {
        let key = try resolveKey(params["key"]?.stringValue ?? params["sessionKey"]?.stringValue)
        let model: String?? =
            switch params["model"] {
            case nil: .none
            case .null?: .some(nil)
            case .string(let value)?: .some(value)
            default: throw GatewayError.invalid("model must be a string or null")
            }
        let thinking: ThinkingLevel?? =
            switch params["thinking"] {
            case nil: .none
            case .null?: .some(nil)
            case let value?: .some(try Self.thinking(value))
            }
        if case .some(.some(let ref)) = model {
            do { _ = try services.runtime.models.resolve(ref) } catch { throw GatewayError.invalid(error.description) }
        }
        let record = try await services.runtime.patchSession(key: key, model: model, thinking: thinking)
        return ["ok": true, "key": .string(key), "entry": Self.sessionJSON(record)]
    }

    func agentAccept(_ params: JSONValue) async throws -> (JSONValue, String) {
        guard let message = params["message"]?.stringValue else { throw GatewayError.invalid("agent needs message") }
        guard let idempotencyKey = params["idempotencyKey"]?.stringValue, !idempotencyKey.isEmpty else {
            throw GatewayError.invalid("agent needs idempotencyKey")
        }
        let key = try resolveKey(params["sessionKey"]?.stringValue)
        let thinking = try Self.thinking(params["thinking"])
        var runIdOut = ""
        let payload = try await startOnce(scope: "agent", idempotencyKey: idempotencyKey) { runId in
            RunRequest(
                sessionKey: key, message: message, agentId: params["agentId"]?.stringValue, thinking: thinking,
                timeoutSeconds: params["timeout"]?.intValue, extraSystemPrompt: params["extraSystemPrompt"]?.stringValue,
                channel: params["channel"]?.stringValue ?? "webchat", runId: runId)
        } answer: { runId, _ in
            ["runId": .string(runId), "status": "accepted", "acceptedAt": .number(Double(services.clock()))]
        }
        runIdOut = payload["runId"]?.stringValue ?? ""
        return (payload, runIdOut)
    }

    func agentFinal(runId: String, params: JSONValue) async -> JSONValue {
        // The run's own timeout bounds this; the extra margin covers queueing.
        let seconds = params["timeout"]?.intValue ?? services.config.agents.defaults.timeoutSeconds
        guard let status = await services.runtime.wait(runId: runId, timeout: .seconds(max(1, seconds) + 60)) else {
            return ["runId": .string(runId), "status": "error", "summary": "run not found"]
        }
        switch status.outcome {
        case .completed(let text, _, _, _)?: return ["runId": .string(runId), "status": "ok", "summary": .string(text)]
        case .aborted?: return ["runId": .string(runId), "status": "error", "summary": "aborted"]
        case .failed(_, let message)?: return ["runId": .string(runId), "status": "error", "summary": .string(message)]
        case nil: return ["runId": .string(runId), "status": "timeout"]
        }
    }

    func agentWait(_ params: JSONValue) async throws -> JSONValue {
        guard let runId = params["runId"]?.stringValue else { throw GatewayError.invalid("agent.wait needs runId") }
        let timeoutMs = min(max(params["timeoutMs"]?.intValue ?? 30_000, 0), 600_000)
        guard let status = await services.runtime.wait(runId: runId, timeout: .milliseconds(timeoutMs)) else {
            throw GatewayError("AGENT_RESULT_NOT_FOUND", "unknown run \(runId)")
        }
        var object: [String: JSONValue] = ["runId": .string(runId)]
        object["startedAt"] = status.startedAtMs.map { .number(Double($0)) } ?? .null
        object["endedAt"] = status.endedAtMs.map { .number(Double($0)) } ?? .null
        switch status.outcome {
        case .completed(let text, _, _, _)?:
            object["status"] = "ok"
            object["summary"] = .string(text)
        case .aborted?:
            object["status"] = "error"
            object["error"] = "aborted"
        case .failed(_, let message)?:
            object["status"] = "error"
            object["error"] = .string(message)
        case nil:
            object["status"] = "timeout"
        }
        return .object(object)
    }

    static func thinking(_ value: JSONValue?) throws -> ThinkingLevel? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue, let level = ThinkingLevel(rawValue: text.lowercased()) else {
            throw GatewayError.invalid("thinking must be one of off, minimal, low, medium, high")
        }
        return level
    }

    static func sessionJSON(_ record: SessionRecord) -> JSONValue {
        let overrides = (try? JSON5.parse(record.overridesJSON)) ?? .object([:])
        return [
            "key": .string(record.key), "sessionId": .string(record.sessionId), "agentId": .string(record.agentId),
            "createdAt": .number(Double(record.createdAtMs)), "updatedAt": .number(Double(record.updatedAtMs)),
            "model": overrides["model"] ?? .null, "thinking": overrides["thinking"] ?? .null,
        ]
    }
}

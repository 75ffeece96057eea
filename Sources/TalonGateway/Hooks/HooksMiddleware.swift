import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TalonAgent
import TalonCore
import TalonStore
import TalonTools

/// `POST <hooks.path>/<name>`: upstream's webhook endpoint (own token, mappings, templates, idempotency) plus
/// Talon's signed, replay-proof mctl-agent delivery. Runs before gateway auth: hooks carry their own token.
struct HooksMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let settings: HookSettings
    let store: any Store
    let runner: HookRunner
    let limiter: FailedAuthLimiter
    let exemptLoopback: Bool
    let defaultAgentId: String
    let clock: @Sendable () -> Int64

    static let idempotencyTTLms: Int64 = 24 * 3600 * 1000

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard settings.enabled, path == settings.path || path.hasPrefix(settings.path + "/") else {
            return try await next(request, context)
        }
        guard request.method == .post else {
            HookMetrics.rejected(reason: "method_not_allowed")
            return JSONResponse.error(
                .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "hooks accept POST only", headers: [.allow: "POST"])
        }
        if request.uri.queryParameters["token"] != nil {
            HookMetrics.rejected(reason: "token_in_query")
            return JSONResponse.error(
                .badRequest, code: "TOKEN_IN_QUERY", message: "send the hook token in Authorization or X-OpenClaw-Token, never in the URL")
        }
        let exempt = exemptLoopback && context.isLoopbackPeer
        let peer = context.peerIP
        if !exempt, let waitMs = await limiter.retryAfterMs(address: peer, nowMs: clock()) {
            HookMetrics.rejected(reason: "rate_limited")
            return AuthMiddleware.tooManyAttempts(waitMs: waitMs)
        }
        let presented =
            AuthMiddleware.bearer(request.headers[.authorization])
            ?? request.headers[HTTPField.Name("X-OpenClaw-Token")!].flatMap { $0.isEmpty ? nil : $0 }
        guard let presented, Secrets.constantTimeEquals(presented, settings.token) else {
            context.logger.notice("hook auth failed", metadata: ["peer": .string(peer), "path": .string(path)])
            if !exempt { _ = await limiter.recordFailure(address: peer, nowMs: clock()) }
            HookMetrics.rejected(reason: "unauthorized")
            return JSONResponse.error(.unauthorized, code: "UNAUTHORIZED", message: "invalid or missing hook token")
        }
        if !exempt { await limiter.recordSuccess(address: peer) }
        let name = path == settings.path ? "" : String(path.dropFirst(settings.path.count + 1))
        guard !name.isEmpty else {
            HookMetrics.rejected(reason: "not_found")
            return JSONResponse.error(.notFound, code: "NOT_FOUND", message: "no hook at \(path): use \(settings.path)/<name>")
        }

        let body: [UInt8]
        switch await readBody(request, limit: min(context.maxUploadSize, settings.maxBodyBytes)) {
        case .success(let bytes): body = bytes
        case .failure(let failure):
            HookMetrics.rejected(reason: failure.reason)
            return failure.response
        }
        let payload: JSONValue
        do {
            payload = try JSON5.parse(utf8: body)
        } catch {
            HookMetrics.rejected(reason: "bad_json")
            return JSONResponse.error(.badRequest, code: "INVALID_JSON", message: "body is not valid JSON: \(error)")
        }
        guard payload.objectValue != nil else {
            HookMetrics.rejected(reason: "bad_json")
            return JSONResponse.error(.badRequest, code: "INVALID_JSON", message: "body must be a JSON object")
        }
        let intake = HookIntake(
            settings: settings, store: store, runner: runner, defaultAgentId: defaultAgentId, clock: clock, logger: context.logger)
        return await intake.accept(name: name, path: path, payload: payload, body: body, headers: request.headers)
    }

    enum BodyFailure: Error {
        case tooLarge(Int)
        case timeout, unreadable

        var reason: String {
            switch self {
            case .tooLarge: "too_large"
            case .timeout: "timeout"
            case .unreadable: "unreadable"
            }
        }

        var response: Response {
            switch self {
            case .tooLarge(let limit):
                JSONResponse.error(
                    .contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "body exceeds \(limit) bytes", headers: [.connection: "close"])
            case .timeout: JSONResponse.error(.requestTimeout, code: "BODY_TIMEOUT", message: "body not received in time")
            case .unreadable: JSONResponse.error(.badRequest, code: "BODY_ERROR", message: "body could not be read")
            }
        }
    }

    /// Reads at most `limit` bytes, giving up after the configured body timeout (slow senders get 408).
    private func readBody(_ request: Request, limit: Int) async -> Result<[UInt8], BodyFailure> {
        let reader = Task { () -> Result<[UInt8], BodyFailure> in
            do {
                return .success(Array(try await request.body.collect(upTo: limit).readableBytesView))
            } catch let error as HTTPError where error.status == .contentTooLarge {
                return .failure(.tooLarge(limit))
            } catch {
                return .failure(.unreadable)
            }
        }
        let expired = ExpiryFlag()
        let deadline = ReadDeadlines.shared.arm(after: settings.bodyTimeout) {
            expired.fire()
            reader.cancel()
        }
        let result = await withTaskCancellationHandler {
            await reader.value
        } onCancel: {
            reader.cancel()
        }
        ReadDeadlines.shared.disarm(deadline)
        return expired.fired ? .failure(.timeout) : result
    }
}

/// Set once by a deadline, read by the request it timed.
private final class ExpiryFlag: Sendable {
    private let state = Atomic<Bool>(false)

    func fire() { state.store(true, ordering: .releasing) }
    var fired: Bool { state.load(ordering: .acquiring) }
}

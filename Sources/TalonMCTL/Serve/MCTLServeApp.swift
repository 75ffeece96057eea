import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore
import TalonCore

/// The HTTP surface of `talon mctl serve`: probes, `/mcp` (streamable HTTP), the REST API under
/// `/api/v1/openclaw/…` and the bot-token intake page. Every route but the probes needs an MCTL bearer JWT.
struct MCTLServeApp: Sendable {
    let platform: OpenClawPlatform
    let verifier: MCTLJWTVerifier
    let intake: IntakeRoutes
    let logger: Logger

    /// Largest JSON body accepted (a skill is at most 100 KB; JSON escaping can double it).
    static let maxJSONBody = 256 * 1024

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        for path in ["/health", "/healthz"] {
            router.get(RouterPath(path)) { _, _ in Self.json(200, ["ok": true, "status": "live"]) }
        }
        for path in ["/ready", "/readyz"] {
            router.get(RouterPath(path)) { _, _ in await self.ready() }
        }
        router.post("/mcp") { request, _ in await self.mcp(request) }
        router.get("/mcp") { request, _ in await self.mcp(request) }
        router.delete("/mcp") { request, _ in await self.mcp(request) }
        PlatformRESTRoutes(app: self).register(on: router)
        intake.register(on: router)
        return router
    }

    func ready() async -> Response {
        let failing = await platform.readinessProblems()
        if failing.isEmpty { return Self.json(200, ["ok": true, "status": "ready"]) }
        return Self.json(
            503, ["ok": false, "status": "not-ready", "failing": .array(failing.keys.sorted().map { .string($0) })])
    }

    /// A verified caller, or the answer to send instead.
    enum AuthOutcome {
        case caller(MCTLCaller)
        case refused(Response)
    }

    /// Verifies the bearer; on failure the 401 answer to send.
    func authenticate(_ request: Request) async -> AuthOutcome {
        switch await verifier.verify(bearerHeader: request.headers[.authorization]) {
        case .success(let caller): return .caller(caller)
        case .failure(let failure):
            logger.notice(
                "refused request", metadata: ["path": .string(request.uri.path), "reason": .string(failure.reason.rawValue)])
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = failure.wwwAuthenticate
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return .refused(
                Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: failure.responseBody))))
        }
    }

    func mcp(_ request: Request) async -> Response {
        let caller: MCTLCaller
        switch await authenticate(request) {
        case .caller(let verified): caller = verified
        case .refused(let response): return response
        }
        var body: Data?
        if request.method == .post {
            do {
                let buffer = try await request.body.collect(upTo: Self.maxJSONBody)
                body = Data(buffer: buffer)
            } catch {
                return Self.json(413, ["error": .string("request body is larger than \(Self.maxJSONBody) bytes")])
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let mcpRequest = MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: body, path: request.uri.path)
        let answer = await PlatformMCPServer(platform: platform, logger: logger).handle(mcpRequest, caller: caller)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let status = HTTPResponse.Status(code: answer.statusCode)
        switch answer {
        case .stream(let stream, _):
            // The stateless transport answers with JSON; streams are passed through for completeness.
            return Response(
                status: status, headers: fields,
                body: ResponseBody { writer in
                    for try await chunk in stream { try await writer.write(ByteBuffer(data: chunk)) }
                    try await writer.finish(nil)
                })
        default:
            let data = answer.bodyData ?? Data()
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
    }

    static func json(_ status: Int, _ body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
    }
}

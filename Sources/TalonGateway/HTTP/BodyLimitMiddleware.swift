import HTTPTypes
import Hummingbird

/// Rejects a request whose declared body is over its route's limit before any of the body is read,
/// and hands the limit to handlers (via `context.maxUploadSize`) for bodies without a Content-Length.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let defaultLimit: Int
    /// Longest matching prefix wins; routes added by later features register their own limits here.
    let limitsByPathPrefix: [(prefix: String, limit: Int)]

    func limit(for path: String) -> Int {
        var best: (length: Int, limit: Int)?
        for entry in limitsByPathPrefix where path.hasPrefix(entry.prefix) {
            if best == nil || entry.prefix.count > best!.length { best = (entry.prefix.count, entry.limit) }
        }
        return best?.limit ?? defaultLimit
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = limit(for: request.uri.path)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            context.logger.notice(
                "request body too large",
                metadata: ["path": .string(request.uri.path), "declared": .stringConvertible(declared), "limit": .stringConvertible(limit)]
            )
            return JSONResponse.error(
                .contentTooLarge,
                code: "PAYLOAD_TOO_LARGE",
                message: "request body of \(declared) bytes exceeds the limit of \(limit) bytes",
                headers: [.connection: "close"]
            )
        }
        var context = context
        context.maxUploadSize = limit
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            // A streamed (chunked) body crossed the limit while a handler was collecting it.
            return JSONResponse.error(
                .contentTooLarge,
                code: "PAYLOAD_TOO_LARGE",
                message: "request body exceeds the limit of \(limit) bytes",
                headers: [.connection: "close"]
            )
        }
    }
}

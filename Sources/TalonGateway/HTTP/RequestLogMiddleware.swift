import Hummingbird
import Logging

/// One debug line per request; probes are left out so they do not drown the log.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if context.logger.logLevel <= .debug, !Gateway.publicPaths.contains(request.uri.path) {
            context.logger.debug(
                "request",
                metadata: [
                    "method": .string(request.method.rawValue),
                    "path": .string(request.uri.path),
                    "status": .stringConvertible(response.status.code),
                    "peer": .string(context.peerIP),
                ]
            )
        }
        return response
    }
}

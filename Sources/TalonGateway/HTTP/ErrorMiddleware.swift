import HTTPTypes
import Hummingbird
import TalonStore

/// Turns errors escaping handlers into the gateway's JSON error shape; a lost store is a 503, never a crash.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return JSONResponse.error(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase)
        } catch let error as StoreError {
            if case .unavailable = error {
                context.logger.error("store unavailable", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
                return JSONResponse.error(
                    .serviceUnavailable,
                    code: "UNAVAILABLE",
                    message: "the store is unavailable; retry shortly",
                    headers: [.retryAfter: "5"]
                )
            }
            context.logger.error("store error", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            return JSONResponse.error(.internalServerError, code: "INTERNAL", message: "internal error")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            return JSONResponse.error(.internalServerError, code: "INTERNAL", message: "internal error")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "INVALID_REQUEST"
        case 401: "UNAUTHORIZED"
        case 403: "FORBIDDEN"
        case 404: "NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 408: "REQUEST_TIMEOUT"
        case 413: "PAYLOAD_TOO_LARGE"
        case 429: "RATE_LIMITED"
        case 503: "UNAVAILABLE"
        default: status.code >= 500 ? "INTERNAL" : "ERROR"
        }
    }
}

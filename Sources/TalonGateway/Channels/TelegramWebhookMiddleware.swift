import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TalonChannels
import TalonCore

/// `POST <channels.telegram.webhookPath>`: updates pushed by Telegram in webhook mode. Authenticated by the
/// `X-Telegram-Bot-Api-Secret-Token` header (constant time), not by gateway auth; answered 200 only once the
/// update is stored, so Telegram redelivers anything we could not keep.
struct TelegramWebhookMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!
    static let maxUpdateBytes = 1024 * 1024

    let channel: TelegramChannel

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let bot = channel.bot(forWebhookPath: request.uri.path) else { return try await next(request, context) }
        guard request.method == .post else {
            return JSONResponse.error(.methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "POST only", headers: [.allow: "POST"])
        }
        let given = request.headers[Self.secretHeader] ?? ""
        guard let expected = bot.settings.webhookSecret, Secrets.constantTimeEquals(given, expected) else {
            context.logger.warning("telegram webhook with a wrong or missing secret token", metadata: ["path": .string(request.uri.path)])
            return JSONResponse.error(.unauthorized, code: "UNAUTHORIZED", message: "wrong or missing X-Telegram-Bot-Api-Secret-Token")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxUpdateBytes)
        } catch {
            return JSONResponse.error(.contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "update too large")
        }
        guard let update = try? JSON5.parse(String(buffer: body)), update["update_id"]?.doubleValue != nil else {
            return JSONResponse.error(.badRequest, code: "INVALID_REQUEST", message: "the body is not a Telegram update")
        }
        do {
            try await bot.acceptWebhookUpdate(update)
        } catch {
            context.logger.error("could not store a telegram update; Telegram will redeliver it", metadata: ["error": "\(error)"])
            return JSONResponse.error(.serviceUnavailable, code: "UNAVAILABLE", message: "the update could not be stored; retry")
        }
        return Response(status: .ok)
    }
}

extension Readiness: ChannelHealthReporter {}

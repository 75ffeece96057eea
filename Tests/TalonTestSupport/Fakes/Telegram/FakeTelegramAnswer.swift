import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TalonCore

/// A Bot API answer: `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…}`,
/// with the HTTP status equal to the error code, as the real server sends.
struct FakeTelegramAnswer: Sendable {
    var status: Int
    var body: JSONValue
    var retryAfter: Int?

    var description: String? { body["description"]?.stringValue }

    static func ok(_ result: JSONValue, description: String? = nil) -> Self {
        var body: [String: JSONValue] = ["ok": true, "result": result]
        if let description { body["description"] = .string(description) }
        return Self(status: 200, body: .object(body))
    }

    /// A 429 gets `parameters.retry_after` and a `Retry-After` header, like telegram-bot-api.
    static func error(_ code: Int, _ description: String, retryAfter: Int? = nil) -> Self {
        var body: [String: JSONValue] = ["ok": false, "error_code": .number(Double(code)), "description": .string(description)]
        if let retryAfter { body["parameters"] = ["retry_after": .number(Double(retryAfter))] }
        return Self(status: code, body: .object(body), retryAfter: retryAfter)
    }

    static func badRequest(_ reason: String) -> Self { error(400, "Bad Request: " + reason) }
    static let unauthorized = error(401, "Unauthorized")
    static let notFound = error(404, "Not Found")
    static let pollConflict = error(
        409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
    static let webhookConflict = error(
        409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let retryAfter, let name = HTTPField.Name("Retry-After") { fields[name] = String(retryAfter) }
        return Response(
            status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
    }
}

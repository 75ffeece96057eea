import HTTPTypes
import Hummingbird
import NIOCore
import TalonCore

/// Builds JSON responses from `JSONValue` so every endpoint writes the same shapes without Codable boilerplate.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let text = value.serialized()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `{"ok":false,"error":{"code":…,"message":…}}`, the gateway's error shape outside `/v1/*`.
    static func error(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        make(
            status,
            .object(["ok": .bool(false), "error": .object(["code": .string(code), "message": .string(message)])]),
            headers: headers
        )
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TalonCore

/// Maps failed HTTP exchanges to `ModelError`s a user can act on.
enum HTTPFailure {
    /// Error bodies are read up to this size; the message is all we want from them.
    static let maxErrorBody = 64 * 1024

    static func error(
        status: Int, headers: HTTPHeaders, body: String, settings: ProviderSettings, now: Date = Date()
    ) -> ModelError {
        let message = errorMessage(body)
        switch status {
        case 401, 403:
            return .authentication(provider: settings.id, status: status, envVar: settings.keySource, message: message)
        case 429, 529:
            return .rateLimited(provider: settings.id, status: status, retryAfterSeconds: retryAfter(headers, now: now))
        case 408:
            return .timeout(provider: settings.id)
        case 500...599:
            return .server(provider: settings.id, status: status, message: message)
        default:
            return .invalidRequest(provider: settings.id, status: status, message: message)
        }
    }

    /// `error.message` of OpenAI (`{"error":{"message"}}`) and Anthropic (`{"type":"error","error":{…}}`)
    /// bodies; otherwise a short excerpt of the body.
    static func errorMessage(_ body: String) -> String {
        if let json = try? JSON5.parse(body) {
            if let message = json["error"]?["message"]?.stringValue { return message }
            if let message = json["error"]?.stringValue { return message }
            if let message = json["message"]?.stringValue { return message }
            if let message = json["detail"]?.stringValue { return message }
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }

    /// Seconds to wait from `retry-after-ms`, `Retry-After` seconds or an HTTP-date.
    static func retryAfter(_ headers: HTTPHeaders, now: Date = Date()) -> Double? {
        if let ms = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return ms / 1000
        }
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// Anything thrown while talking to the server, as a `ModelError`.
    static func normalize(_ error: any Error, provider: String) -> ModelError {
        if let error = error as? ModelError { return error }
        if error is CancellationError || Task.isCancelled { return .cancelled }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return .cancelled
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded: return .timeout(provider: provider)
            default: return .transport(provider: provider, message: String(describing: error))
            }
        }
        return .transport(provider: provider, message: String(describing: error))
    }
}

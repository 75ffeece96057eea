import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TalonCore

/// What a Bot API call can fail with.
public enum TelegramAPIError: Error, Sendable, CustomStringConvertible {
    /// Telegram answered `{ok:false}`: its error code, description and `parameters.retry_after` (429).
    case api(code: Int, description: String, retryAfter: Int?)
    /// No usable answer: connection refused, timeout, non-JSON body.
    case transport(String)

    public var description: String {
        switch self {
        case .api(let code, let text, _): "Telegram API error \(code): \(text)"
        case .transport(let text): "Telegram API unreachable: \(text)"
        }
    }

    /// Worth retrying later: 429, 5xx and network trouble (4xx other than 429 will fail the same way again).
    public var isRetryable: Bool {
        switch self {
        case .api(let code, _, _): code == 429 || code >= 500
        case .transport: true
        }
    }

    public var retryAfter: Int? {
        if case .api(_, _, let seconds) = self { return seconds }
        return nil
    }

    /// Telegram rejected our HTML (`can't parse entities`).
    public var isParseError: Bool {
        if case .api(400, let text, _) = self { return text.lowercased().contains("can't parse entities") }
        return false
    }
}

/// A thin Bot API client: JSON in, `result` out. The token lives in the URL path only, so error texts
/// and logs name the method, never the URL.
public struct TelegramBotAPI: Sendable {
    public let apiRoot: String
    private let token: String
    private let client: HTTPClient

    public init(apiRoot: String, token: String, client: HTTPClient = ChannelHTTPClient.shared) {
        self.apiRoot = apiRoot
        self.token = token
        self.client = client
    }

    /// Calls `method` with JSON `params`; `timeout` bounds the whole exchange (long polls add their own wait).
    public func call(_ method: String, _ params: JSONValue = .object([:]), timeout: Duration = .seconds(30)) async throws -> JSONValue {
        var request = HTTPClientRequest(url: "\(apiRoot)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: params.serialized()))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .init(timeout))
            body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        } catch {
            throw TelegramAPIError.transport("\(method): \(Self.describe(error))")
        }
        let text = String(buffer: body)
        guard let json = try? JSON5.parse(text), json.objectValue != nil else {
            throw TelegramAPIError.transport("\(method): HTTP \(response.status.code) with a body that is not JSON")
        }
        if json["ok"]?.boolValue == true { return json["result"] ?? .null }
        throw TelegramAPIError.api(
            code: json["error_code"]?.intValue ?? Int(response.status.code),
            description: json["description"]?.stringValue ?? "HTTP \(response.status.code)",
            retryAfter: json["parameters"]?["retry_after"]?.intValue)
    }

    /// Downloads a file by its `file_path`, reading at most `maxBytes` (more → `tooLarge`).
    public func download(filePath: String, maxBytes: Int, timeout: Duration = .seconds(60)) async throws -> [UInt8] {
        let request = HTTPClientRequest(url: "\(apiRoot)/file/bot\(token)/\(filePath)")
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            guard response.status == .ok else {
                throw TelegramAPIError.api(code: Int(response.status.code), description: "file download failed", retryAfter: nil)
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                throw MediaError.tooLarge(bytes: length, limit: maxBytes)
            }
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= maxBytes else { throw MediaError.tooLarge(bytes: nil, limit: maxBytes) }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            return bytes
        } catch let error as TelegramAPIError {
            throw error
        } catch let error as MediaError {
            throw error
        } catch {
            throw TelegramAPIError.transport("file download: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return String(describing: error) }
        return String(describing: error)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// The MCP streamable-HTTP client transport over AsyncHTTPClient. The SDK's `HTTPClientTransport` cannot be used
/// on Linux: FoundationNetworking has no streaming `bytes(for:)`, so it hands SSE response bodies to the client
/// unparsed. Each message is a POST; the answer is JSON, an SSE stream (parsed as it arrives), or 202 for
/// notifications. Keeps `Mcp-Session-Id` and `MCP-Protocol-Version`; `auth: mctl` adds the bearer and retries once
/// after a refresh on 401.
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let endpoint: URL
    private let headers: [String: String]
    private let bearer: (any MCPBearerProvider)?
    private let http: HTTPClient
    private let messages: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false
    private var sessionID: String?
    private var protocolVersion: String?
    private var bodyReaders: [Int: Task<Void, Never>] = [:]
    private var nextReader = 0

    static let maxJSONBody = 32 << 20

    init(endpoint: URL, headers: [String: String], bearer: (any MCPBearerProvider)?, http: HTTPClient, logger: Logger) {
        self.endpoint = endpoint
        self.headers = headers
        self.bearer = bearer
        self.http = http
        self.logger = logger
        (messages, sink) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws { connected = true }

    func disconnect() async {
        guard connected else { return }
        connected = false
        for reader in bodyReaders.values { reader.cancel() }
        bodyReaders = [:]
        sink.finish()
        // Ends the server-side session; best effort, a server may not support it (405) or be gone.
        if sessionID != nil {
            var request = request(method: .DELETE)
            if let token = try? await bearerToken() {
                request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
            }
            _ = try? await http.execute(request, timeout: .seconds(2))
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    func send(_ data: Data) async throws {
        guard connected else { throw MCPTransportFailure.closed }
        var token = try await bearerToken()
        var response = try await post(data, token: token)
        if response.status == .unauthorized, let bearer, let stale = token {
            logger.info("mcp server answered 401; refreshing the bearer token once")
            _ = try? await response.body.collect(upTo: 64 << 10)  // drained, so the connection can be reused
            do {
                token = try await bearer.refreshAfterUnauthorized(staleToken: stale)
            } catch {
                throw MCPTransportFailure.unauthorized("the token refresh failed: \(error)")
            }
            response = try await post(data, token: token)
            if response.status == .unauthorized {
                throw MCPTransportFailure.unauthorized("the server rejected the refreshed token too")
            }
        }
        try await handle(response)
    }

    private func bearerToken() async throws -> String? {
        guard let bearer else { return nil }
        do {
            return try await bearer.accessToken()
        } catch {
            throw MCPTransportFailure.unauthorized("no access token: \(error)")
        }
    }

    private func request(method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = method
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        return request
    }

    private func post(_ data: Data, token: String?) async throws -> HTTPClientResponse {
        var request = request(method: .POST)
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: data))
        do {
            // Long deadline: a tool call's own timeout (in the server runtime) is what bounds the wait.
            return try await http.execute(request, deadline: .now() + .hours(24), logger: nil)
        } catch {
            throw MCPTransportFailure.unreachable("\(endpoint.absoluteString): \(error)")
        }
    }

    private func handle(_ response: HTTPClientResponse) async throws {
        if let session = response.headers.first(name: "Mcp-Session-Id") { sessionID = session }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        switch response.status.code {
        case 202, 204:
            return
        case 200..<300 where contentType.hasPrefix("text/event-stream"):
            startReading(response.body)
        case 200..<300:
            let body = try await response.body.collect(upTo: Self.maxJSONBody)
            guard body.readableBytes > 0 else { return }
            deliver(Data(body.readableBytesView))
        case 404 where sessionID != nil:
            sessionID = nil
            throw MCPTransportFailure.sessionExpired
        default:
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            let detail = body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
            throw MCPTransportFailure.httpStatus(Int(response.status.code), String(detail))
        }
    }

    /// An SSE answer stays open until the server has sent the response (and maybe notifications before it).
    private func startReading(_ body: HTTPClientResponse.Body) {
        let id = nextReader
        nextReader += 1
        bodyReaders[id] = Task {
            var parser = SSEParser()
            do {
                for try await chunk in body {
                    for event in parser.feed(chunk.readableBytesView) where event.event == nil || event.event == "message" {
                        deliver(Data(event.data.utf8))
                    }
                }
            } catch {
                if !Task.isCancelled { logger.debug("mcp sse response ended", metadata: ["error": "\(error)"]) }
            }
            bodyReaders[id] = nil
        }
    }

    private func deliver(_ data: Data) {
        guard connected else { return }
        if protocolVersion == nil { protocolVersion = Self.negotiatedVersion(in: data) }
        sink.yield(data)
    }

    /// The `protocolVersion` of an initialize result, which later requests must carry as a header.
    private static func negotiatedVersion(in data: Data) -> String? {
        guard let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let result = message["result"] as? [String: Any]
        else { return nil }
        return result["protocolVersion"] as? String
    }
}

/// Why a remote server could not be reached; the runtime reconnects on the next use.
enum MCPTransportFailure: Error, CustomStringConvertible {
    case closed
    case unreachable(String)
    case unauthorized(String)
    case sessionExpired
    case httpStatus(Int, String)

    var description: String {
        switch self {
        case .closed: "the connection is closed"
        case .unreachable(let detail): "cannot reach \(detail)"
        case .unauthorized(let detail): "unauthorized (HTTP 401): \(detail)"
        case .sessionExpired: "the server ended the MCP session (HTTP 404)"
        case .httpStatus(let code, let body): "HTTP \(code)\(body.isEmpty ? "" : ": \(body)")"
        }
    }
}

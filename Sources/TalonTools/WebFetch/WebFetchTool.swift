import AsyncHTTPClient
import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonModels

/// One process-wide client that never follows redirects itself: `web_fetch` follows them by hand so
/// every hop passes the SSRF guard. Used for hops that need no pinned address (IP literals, allowlisted hosts).
/// Never shut down (like `HTTPClient.shared`).
private let webFetchClient: HTTPClient = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: WebFetchTool.clientConfiguration(pinning: [:]))

/// `web_fetch`: GET a URL and return its readable text (HTML is reduced to text), with size,
/// time and length limits and the SSRF guard on every redirect hop.
public struct WebFetchTool: AgentTool {
    public let settings: WebFetchSettings
    let logger: Logger
    /// Host name → addresses (4 or 16 bytes); the system resolver unless a test gives another.
    let resolver: @Sendable (String) async -> [[UInt8]]

    public init(settings: WebFetchSettings = WebFetchSettings(), logger: Logger) {
        self.init(settings: settings, logger: logger, resolver: NetworkGuard.resolve)
    }

    init(settings: WebFetchSettings, logger: Logger, resolver: @escaping @Sendable (String) async -> [[UInt8]]) {
        self.settings = settings
        self.logger = logger
        self.resolver = resolver
    }

    /// No redirects followed by the client; `pinning` maps a host name to the address checked for it, so the
    /// connection goes there (TLS still verifies the name) instead of to a second lookup's answer.
    static func clientConfiguration(pinning: [String: String]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = pinning
        return configuration
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "web_fetch",
            description: "Fetch a web page (http/https GET) and return its readable text. Use for reading a URL the user gave or found.",
            parameters: [
                "type": "object",
                "properties": [
                    "url": ["type": "string", "description": "The http(s) URL to fetch."],
                    "maxChars": ["type": "integer", "description": "Optional cap on returned characters."],
                ],
                "required": ["url"],
            ])
    }

    struct FetchError: Error, CustomStringConvertible {
        var description: String
    }

    public func invoke(arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        guard let text = arguments["url"]?.stringValue?.trimmingCharacters(in: .whitespaces), let url = URL(string: text) else {
            return ToolOutput(text: "error: 'url' (string) is required", isError: true)
        }
        let maxChars = min(arguments["maxChars"]?.intValue.flatMap { $0 > 0 ? $0 : nil } ?? settings.maxChars, settings.maxChars)
        let seconds = settings.timeoutSeconds
        do {
            return try await withThrowingTaskGroup(of: ToolOutput.self) { group in
                group.addTask { try await fetch(url, maxChars: maxChars) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    throw FetchError(description: "timed out after \(seconds) s")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let refusal as NetworkGuard.Refusal {
            return ToolOutput(text: "error: \(refusal.description)", isError: true)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return ToolOutput(text: "error: fetching \(url.absoluteString) failed: \(error)", isError: true)
        }
    }

    /// Follows up to `maxRedirects` redirects by hand, checking each target first.
    func fetch(_ start: URL, maxChars: Int) async throws -> ToolOutput {
        var current = start
        for _ in 0...settings.maxRedirects {
            let pinned = try await check(current)
            let hop = try await withClient(pinnedTo: pinned) { client in try await self.hop(current, maxChars: maxChars, client: client) }
            switch hop {
            case .done(let output): return output
            case .redirect(let next):
                logger.debug("web_fetch redirect", metadata: ["from": "\(current)", "to": "\(next)"])
                current = next
            }
        }
        throw FetchError(description: "too many redirects (more than \(settings.maxRedirects))")
    }

    private enum Hop: Sendable {
        case done(ToolOutput)
        case redirect(URL)
    }

    /// Runs `body` with the shared client, or with a short-lived one pinned to the checked address.
    private func withClient<T: Sendable>(
        pinnedTo pinned: (host: String, address: String)?, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        guard let pinned else { return try await body(webFetchClient) }
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: Self.clientConfiguration(pinning: [pinned.host: pinned.address]))
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// One request: the rendered answer, or where it redirects to.
    private func hop(_ current: URL, maxChars: Int, client: HTTPClient) async throws -> Hop {
        var request = HTTPClientRequest(url: current.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "Talon-web_fetch/1.0")
        request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5")
        let response = try await client.execute(request, timeout: .seconds(Int64(settings.timeoutSeconds)))
        let status = Int(response.status.code)
        if (300..<400).contains(status), let location = response.headers.first(name: "location") {
            guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                throw FetchError(description: "bad redirect location '\(location)'")
            }
            return .redirect(next)
        }
        var body = Data()
        var truncated = false
        for try await chunk in response.body {
            let room = settings.maxBytes - body.count
            if chunk.readableBytes > room {
                body.append(contentsOf: chunk.readableBytesView.prefix(room))
                truncated = true
                break
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        return .done(
            render(url: current, status: status, contentType: contentType, body: body, truncated: truncated, maxChars: maxChars))
    }

    /// The SSRF check of one hop; returns the host name and the checked address to connect to (nil: no pinning,
    /// for IP literals and allowlisted hosts, which the operator trusts by name).
    private func check(_ url: URL) async throws -> (host: String, address: String)? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw NetworkGuard.Refusal(description: "only http and https URLs can be fetched")
        }
        guard let host = url.host, !host.isEmpty else { throw NetworkGuard.Refusal(description: "the URL has no host") }
        if settings.hostIsAllowlisted(host) { return nil }
        let address = try await NetworkGuard.vet(host: host, enforce: !settings.allowPrivateNetwork, resolver: resolver)
        return address.map { (host, $0) }
    }

    private func render(url: URL, status: Int, contentType: String, body: Data, truncated: Bool, maxChars: Int) -> ToolOutput {
        let isText =
            contentType.isEmpty || contentType.hasPrefix("text/") || contentType.contains("json") || contentType.contains("xml")
            || contentType.contains("javascript")
        guard isText else {
            return ToolOutput(text: "error: \(url.absoluteString) returned \(contentType) (not text), \(body.count) bytes", isError: true)
        }
        let raw = String(decoding: body, as: UTF8.self)
        let looksHTML = contentType.contains("html") || (contentType.isEmpty && raw.prefix(512).lowercased().contains("<html"))
        var text = looksHTML ? HTMLText.extract(raw) : raw
        if text.count > maxChars { text = String(text.prefix(maxChars)) + "\n…[truncated at \(maxChars) characters]" }
        var header = "URL: \(url.absoluteString)\nStatus: \(status)\n"
        if !contentType.isEmpty { header += "Content-Type: \(contentType)\n" }
        if truncated { header += "Note: the response was cut at \(settings.maxBytes) bytes\n" }
        return ToolOutput(text: header + "\n" + text, isError: status >= 400)
    }
}

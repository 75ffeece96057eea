import AsyncHTTPClient
import Foundation
import Logging
import TalonAgent
import TalonCore
import TalonModels

/// One process-wide client that never follows redirects itself: `web_fetch` follows them by hand so
/// every hop passes the SSRF guard. Never shut down (like `HTTPClient.shared`).
private let webFetchClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// `web_fetch`: GET a URL and return its readable text (HTML is reduced to text), with size,
/// time and length limits and the SSRF guard on every redirect hop.
public struct WebFetchTool: AgentTool {
    public let settings: WebFetchSettings
    let logger: Logger

    public init(settings: WebFetchSettings = WebFetchSettings(), logger: Logger) {
        self.settings = settings
        self.logger = logger
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
            try await check(current)
            var request = HTTPClientRequest(url: current.absoluteString)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: "Talon-web_fetch/1.0")
            request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5")
            let response = try await webFetchClient.execute(request, timeout: .seconds(Int64(settings.timeoutSeconds)))
            let status = Int(response.status.code)
            if (300..<400).contains(status), let location = response.headers.first(name: "location") {
                guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    throw FetchError(description: "bad redirect location '\(location)'")
                }
                logger.debug("web_fetch redirect", metadata: ["from": "\(current)", "to": "\(next)"])
                current = next
                continue
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
            return render(url: current, status: status, contentType: contentType, body: body, truncated: truncated, maxChars: maxChars)
        }
        throw FetchError(description: "too many redirects (more than \(settings.maxRedirects))")
    }

    private func check(_ url: URL) async throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw NetworkGuard.Refusal(description: "only http and https URLs can be fetched")
        }
        guard let host = url.host, !host.isEmpty else { throw NetworkGuard.Refusal(description: "the URL has no host") }
        if settings.allowPrivateNetwork || settings.hostIsAllowlisted(host) { return }
        try await NetworkGuard.check(host: host)
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

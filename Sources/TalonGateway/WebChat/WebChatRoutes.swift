import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TalonCore

/// Serves the WebChat / Control UI page (`/`, `/overview`, `/webchat.js`, `/control.js`, `/webchat.css`) from the
/// package's resources, read
/// once at start. The files stay plain HTML/CSS/JS: no build step.
struct WebChatAssets: Sendable {
    struct Asset: Sendable {
        let contentType: String
        let body: ByteBuffer
    }

    let assets: [String: Asset]

    static let files: [(route: String, file: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/webchat.js", "webchat.js", "text/javascript; charset=utf-8"),
        ("/webchat.css", "webchat.css", "text/css; charset=utf-8"),
        ("/control.js", "control.js", "text/javascript; charset=utf-8"),
        // The Control UI's landing page after the MCTL OAuth redirect (`/overview?mctl_oauth=1&code=…&state=…`).
        ("/overview", "index.html", "text/html; charset=utf-8"),
    ]

    /// Looks next to the executable (SwiftPM's `Talon_TalonGateway.resources`), then `$TALON_WEBCHAT_DIR`.
    static func load(environment: [String: String], logger: Logger) -> WebChatAssets {
        var candidates: [String] = []
        if let dir = environment["TALON_WEBCHAT_DIR"], !dir.isEmpty { candidates.append(dir) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("Talon_TalonGateway.resources/Assets").path)
        candidates.append(executable.appendingPathComponent("../share/talon/webchat").standardized.path)
        for dir in candidates {
            var assets: [String: Asset] = [:]
            for file in files {
                guard let data = FileManager.default.contents(atPath: dir + "/" + file.file) else { break }
                assets[file.route] = Asset(contentType: file.type, body: ByteBuffer(bytes: data))
            }
            if assets.count == files.count {
                logger.debug("webchat assets loaded", metadata: ["dir": .string(dir)])
                return WebChatAssets(assets: assets)
            }
        }
        logger.warning("webchat assets not found; / serves a notice", metadata: ["searched": .string(candidates.joined(separator: ","))])
        let notice =
            "<!doctype html><meta charset=utf-8><title>Talon</title><p>Talon is running, but the WebChat files were not found next to the binary (Talon_TalonGateway.resources). Set TALON_WEBCHAT_DIR to the folder holding index.html.</p>"
        return WebChatAssets(assets: ["/": Asset(contentType: "text/html; charset=utf-8", body: ByteBuffer(string: notice))])
    }

    static var publicPaths: Set<String> { Set(files.map(\.route)) }

    /// The banner placeholder in `index.html`; filled in at serve time when no model is configured, so the page says
    /// how to configure one even before (or without) a WebSocket connection.
    static let bannerPlaceholder = #"<div id="model-banner" class="banner warn" role="alert" hidden></div>"#

    /// - Parameter noModelHint: set when no model is configured.
    func register(on router: Router<GatewayRequestContext>, noModelHint: String?) {
        var assets = self.assets
        for route in ["/", "/overview"] {
            guard let noModelHint, let page = assets[route] else { continue }
            // The standard library's `replacing`: Foundation's `replacingOccurrences` bridges through NSString at start-up.
            let html = String(buffer: page.body).replacing(
                Self.bannerPlaceholder,
                with: #"<div id="model-banner" class="banner warn" role="alert">"# + Self.escapeHTML(noModelHint) + "</div>")
            assets[route] = Asset(contentType: page.contentType, body: ByteBuffer(string: html))
        }
        for (route, asset) in assets {
            let handler: @Sendable (Request, GatewayRequestContext) async throws -> Response = { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: asset.contentType, .cacheControl: "no-cache",
                        .init("X-Content-Type-Options")!: "nosniff",
                        .init("Content-Security-Policy")!:
                            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'",
                    ],
                    body: .init(byteBuffer: asset.body))
            }
            router.get(RouterPath(route), use: handler)
            router.head(RouterPath(route), use: handler)
        }
    }

    static func escapeHTML(_ text: String) -> String { HTMLEscape.escape(text) }
}

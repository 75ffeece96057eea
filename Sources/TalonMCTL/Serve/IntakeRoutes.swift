import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TalonCore

/// The bot-token intake page (mctl-portal's `/openclaw/intake`): the owner pastes the Telegram bot token, it goes
/// straight to the secrets backend, and the browser returns to the instance. The token is never echoed or logged.
struct IntakeRoutes: Sendable {
    let platform: OpenClawPlatform
    let verifier: MCTLJWTVerifier
    /// Trust `X-Forwarded-Proto`/`X-Forwarded-Host` when computing this server's origin (behind the platform's ingress).
    let trustForwardedHeaders: Bool
    let logger: Logger

    static let path = "/openclaw/intake"
    /// Browsers cannot send a bearer header on navigation; the same JWT is accepted from this cookie.
    static let cookieName = "mctl_token"

    func register(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(Self.path)) { request, _ in await show(request) }
        router.post(RouterPath(Self.path)) { request, _ in await save(request) }
    }

    private func authenticate(_ request: Request) async -> MCTLServeApp.AuthOutcome {
        var header = request.headers[.authorization]
        if header == nil, let cookie = Self.cookie(Self.cookieName, in: request.headers[.cookie]) {
            header = "Bearer " + cookie
        }
        switch await verifier.verify(bearerHeader: header) {
        case .success(let caller): return .caller(caller)
        case .failure(let failure):
            logger.notice("intake refused", metadata: ["reason": .string(failure.reason.rawValue)])
            return .refused(Self.page(401, title: "Sign in required", message: "Sign in to MCTL to save the bot token."))
        }
    }

    /// Names, tenant and owner role; on failure the page to answer with.
    private func authorize(team: String?, service: String?, caller: MCTLCaller) async -> Response? {
        guard let team, PlatformArguments.isDNSLabel(team), let service, PlatformArguments.isDNSLabel(service) else {
            return Self.page(400, title: "Bad request", message: "team and service must be valid names.")
        }
        do {
            let tenant = try await platform.tenant(team)
            try platform.requireOwner(caller, of: tenant)
            return nil
        } catch let failure as PlatformFailure {
            return Self.page(failure.status, title: "Not allowed", message: failure.message)
        } catch {
            return Self.page(500, title: "Error", message: "cannot read the tenant")
        }
    }

    func show(_ request: Request) async -> Response {
        let caller: MCTLCaller
        switch await authenticate(request) {
        case .caller(let verified): caller = verified
        case .refused(let response): return response
        }
        let query = request.uri.queryParameters
        let team = query["team"].map(String.init)
        let service = query["service"].map(String.init)
        if let refused = await authorize(team: team, service: service, caller: caller) { return refused }
        let html = IntakeForm.render(
            team: team ?? "", service: service ?? "", returnTo: query["returnTo"].map(String.init) ?? "",
            signature: query[IntakeLinkSigner.field[...]].map(String.init), action: Self.path, notice: nil)
        return Self.html(200, html)
    }

    func save(_ request: Request) async -> Response {
        // Same-origin first: a cross-site form post is refused whoever it claims to be.
        let serverOrigin = IntakeCSRF.serverOrigin(
            host: request.head.authority,
            forwardedProto: request.headers[HTTPField.Name("X-Forwarded-Proto")!],
            forwardedHost: request.headers[HTTPField.Name("X-Forwarded-Host")!], trustProxy: trustForwardedHeaders)
        let verdict = IntakeCSRF.check(
            origin: request.headers[HTTPField.Name("Origin")!], referer: request.headers[HTTPField.Name("Referer")!],
            secFetchSite: request.headers[HTTPField.Name("Sec-Fetch-Site")!], serverOrigin: serverOrigin)
        if case .refused(let reason) = verdict {
            logger.notice("intake refused: not same-origin", metadata: ["reason": .string(reason)])
            return Self.page(403, title: "Refused", message: "Cross-origin form submissions are refused.")
        }
        let caller: MCTLCaller
        switch await authenticate(request) {
        case .caller(let verified): caller = verified
        case .refused(let response): return response
        }
        let form: [String: String]
        do {
            let buffer = try await request.body.collect(upTo: FormURLEncoded.maxBodyBytes)
            form = FormURLEncoded.parse(String(buffer: buffer))
        } catch {
            return Self.page(413, title: "Too large", message: "The form is too large.")
        }
        let team = form["team"]
        let service = form["service"]
        if let refused = await authorize(team: team, service: service, caller: caller) { return refused }
        guard let team, let service else { return Self.page(400, title: "Bad request", message: "team and service are required.") }
        let token = (form["telegram_bot_token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard TelegramBotTokenShape.isValid(token) else {
            let html = IntakeForm.render(
                team: team, service: service, returnTo: form["returnTo"] ?? "", signature: form[IntakeLinkSigner.field], action: Self.path,
                notice: "That does not look like a Telegram bot token (<digits>:<35 characters>) — copy it from @BotFather.")
            return Self.html(400, html)
        }
        do {
            try await platform.writeSecret(
                OpenClawPlatform.telegramSecretPath(team: team, service: service), [OpenClawPlatform.telegramSecretKey: token])
        } catch let failure as PlatformFailure {
            logger.error("intake: saving the bot token failed", metadata: ["team": .string(team), "error": .string(failure.message)])
            return Self.page(502, title: "Not saved", message: "The secrets backend did not accept the token; try again.")
        } catch {
            return Self.page(500, title: "Not saved", message: "The token could not be saved.")
        }
        logger.info(
            "intake: telegram bot token saved", metadata: ["team": .string(team), "service": .string(service), "by": .string(caller.login)])
        let returnTo = form["returnTo"] ?? ""
        var hosts = IntakeRedirect.tenantHosts(team: team, service: service)
        // A custom host counts as the tenant's own only when the deploy tool signed this very link.
        if let signature = form[IntakeLinkSigner.field],
            platform.settings.linkSigner.isValid(signature, team: team, service: service, returnTo: returnTo),
            let host = IntakeURL.parse(returnTo)?.host
        {
            hosts.append(host)
        }
        guard let target = IntakeRedirect.target(returnTo: returnTo, tenantHosts: hosts) else {
            return Self.page(200, title: "Saved", message: "The Telegram bot token is saved. Resume the deployment to finish onboarding.")
        }
        var headers = HTTPFields()
        headers[.location] = target
        headers[.cacheControl] = "no-store"
        return Response(status: .found, headers: headers)
    }

    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
        }
        return nil
    }

    static func page(_ status: Int, title: String, message: String) -> Response {
        html(status, IntakeForm.renderMessage(title: title, message: message))
    }

    static func html(_ status: Int, _ body: String) -> Response {
        var headers = HTTPFields()
        for (name, value) in IntakeForm.responseHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

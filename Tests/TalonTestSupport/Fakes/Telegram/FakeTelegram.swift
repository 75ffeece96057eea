import Foundation
import Hummingbird
import NIOCore
import TalonCore

/// A loopback Telegram Bot API (https://core.telegram.org/bots/api) for end-to-end tests of the
/// Telegram channel: `/bot<token>/<method>` with JSON, form, multipart or query parameters, the
/// real long-poll and webhook rules, HTML entity checks, file downloads, scripted faults, inbound
/// update simulation and call inspection.
public final class FakeTelegram: Sendable {
    public let port: Int
    public let token: String
    public let botUsername: String
    public let botId: Int64
    let state: FakeTelegramState
    private let task: Task<Void, Never>

    /// Use as the Bot API root: requests go to `apiRoot + "/bot" + token + "/" + method`.
    public var apiRoot: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, token: String, botUsername: String, botId: Int64, state: FakeTelegramState, task: Task<Void, Never>) {
        self.port = port
        self.token = token
        self.botUsername = botUsername
        self.botId = botId
        self.state = state
        self.task = task
    }

    public static func start(
        token: String = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12", botUsername: String = "talon_test_bot",
        botId: Int64 = 999_000_111
    ) async throws -> FakeTelegram {
        let state = FakeTelegramState(token: token, botId: botId, botUsername: botUsername)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await Self.route(request, state: state)
        }
        router.get("**", use: handler)
        router.post("**", use: handler)
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-telegram")
        return FakeTelegram(port: port, token: token, botUsername: botUsername, botId: botId, state: state, task: task)
    }

    /// Ends a held long poll (it answers an empty list) and shuts the server down.
    public func stop() async {
        let busy = state.state.withLock { state in
            state.stopped = true
            state.wakePoller(.cancelled)
            return state.inFlight > 0
        }
        // Cancelling the server closes its connections at once: let answers in flight go out first
        // (the handler returns a moment before its response is written, hence the short grace).
        if busy {
            let deadline = ContinuousClock.now + .seconds(2)
            while state.state.withLock({ $0.inFlight > 0 }), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        await task.value
    }

    // MARK: - Serving

    private static func route(_ request: Request, state: FakeTelegramState) async throws -> Response {
        state.state.withLock { $0.inFlight += 1 }
        defer { state.state.withLock { $0.inFlight -= 1 } }
        let body = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        let token = state.state.withLock { $0.token }
        if path.hasPrefix("/file/bot") { return download(path: String(path.dropFirst("/file/bot".count)), token: token, state: state) }
        guard path.hasPrefix("/bot") else { return FakeTelegramAnswer.notFound.response() }
        let rest = path.dropFirst("/bot".count)
        guard let slash = rest.firstIndex(of: "/") else { return FakeTelegramAnswer.notFound.response() }
        let given = String(rest[..<slash])
        let method = String(rest[rest.index(after: slash)...])
        let contentType = request.headers[.contentType]
        let params = FakeTelegramParams.parse(query: request.uri.query, contentType: contentType, body: body)
        let canonical = FakeTelegramState.State.methods[method.lowercased()]
        let call = FakeTelegramCall(
            method: canonical ?? method, params: .object(params), at: .now, status: 0, errorDescription: nil,
            httpMethod: request.method.rawValue, contentType: contentType)
        let seq = state.state.withLock { $0.beginCall(call) }

        let answer: FakeTelegramAnswer
        if given != token {
            answer = .unauthorized
        } else if let canonical {
            if let fault = state.state.withLock({ $0.takeFault(canonical) }) {
                answer = fault
            } else if canonical == "getUpdates" {
                answer = await state.getUpdates(params)
            } else {
                answer = state.state.withLock { $0.answer(canonical, params) }
            }
        } else {
            answer = .notFound
        }
        state.state.withLock { $0.finishCall(seq, answer) }
        return answer.response()
    }

    /// `GET /file/bot<token>/<file_path>` serves the registered bytes.
    private static func download(path: String, token: String, state: FakeTelegramState) -> Response {
        guard let slash = path.firstIndex(of: "/") else { return FakeTelegramAnswer.notFound.response() }
        guard path[..<slash] == token else { return FakeTelegramAnswer.unauthorized.response() }
        let filePath = String(path[path.index(after: slash)...])
        let file: FakeTelegramFile? = state.state.withLock { state in
            guard let id = state.filePaths[filePath], let file = state.files[id] else { return nil }
            state.downloads.append(filePath)
            return file
        }
        guard let file else { return FakeTelegramAnswer.notFound.response() }
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream"],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    // MARK: - Faults

    /// The next `count` calls of `method` (`"*"` for any method) answer this error. A 429 carries
    /// `parameters.retry_after` and a `Retry-After` header; see `rateLimitNext` for the real text.
    public func failNext(_ method: String, count: Int = 1, errorCode: Int, description: String, retryAfter: Int? = nil) {
        let fault = FakeTelegramFault(
            method: method, remaining: count, errorCode: errorCode, description: description, retryAfter: retryAfter)
        state.state.withLock { $0.faults.append(fault) }
    }

    /// 429 `Too Many Requests: retry after N` with `parameters.retry_after = N`, as flood control answers.
    public func rateLimitNext(_ method: String, count: Int = 1, retryAfter: Int) {
        failNext(method, count: count, errorCode: 429, description: "Too Many Requests: retry after \(retryAfter)", retryAfter: retryAfter)
    }

    /// A server-side failure such as 502 `Bad Gateway` (also 500 `Internal Server Error`).
    public func serverErrorNext(_ method: String, count: Int = 1, errorCode: Int = 502, description: String = "Bad Gateway") {
        failNext(method, count: count, errorCode: errorCode, description: description)
    }

    /// The next `count` sendMessage/editMessageText calls with `parse_mode=HTML` fail to parse,
    /// whatever their markup.
    public func rejectHTMLNext(count: Int = 1) {
        state.state.withLock { $0.forcedHTMLRejections += count }
    }

    // MARK: - Inspection

    /// Calls in arrival order (the last 10,000 at most), optionally of one method.
    public func calls(_ method: String? = nil) -> [FakeTelegramCall] {
        state.state.withLock { state in state.calls.map(\.call).filter { method == nil || $0.method == method } }
    }

    /// Messages the bot sent, in order, optionally in one chat.
    public func sentMessages(chatId: Int64? = nil) -> [FakeTelegramMessage] {
        state.state.withLock { state in
            state.messageOrder.compactMap { state.messages[$0] }.filter { chatId == nil || $0.chatId == chatId }
        }
    }

    /// Updates queued and not yet confirmed by an offset.
    public var pendingUpdateCount: Int { state.state.withLock { $0.updates.count } }
    /// The queued updates themselves, oldest first.
    public var pendingUpdates: [JSONValue] { state.state.withLock { $0.updates } }
    /// The highest `offset` a getUpdates call confirmed (0 before any).
    public var confirmedOffset: Int64 { state.state.withLock { $0.confirmedOffset } }
    /// Long polls being held right now.
    public var activePollers: Int { state.state.withLock { $0.activePollers } }
    /// The most long polls ever held at once: 2 means two pollers overlapped (a 409 conflict).
    public var maxConcurrentPollers: Int { state.state.withLock { $0.maxConcurrentPollers } }
    /// The URL of the last setWebhook, while a webhook is set.
    public var webhookURL: String? { state.state.withLock { $0.webhook?.url } }
    public var webhookSecret: String? { state.state.withLock { $0.webhook?.secret } }
    /// `file_path`s downloaded through `/file/bot<token>/…`, in order.
    public var downloads: [String] { state.state.withLock { $0.downloads } }

    /// The commands last set for a scope type (`default`, `all_private_chats`, …) and language.
    public func myCommands(scope: String = "default", languageCode: String = "") -> [JSONValue] {
        state.state.withLock { $0.commands[scope + "|" + languageCode]?.arrayValue ?? [] }
    }

    /// Waits (polling, without blocking a thread) until at least `count` messages were sent.
    public func waitForMessages(count: Int, chatId: Int64? = nil, timeout: Duration = .seconds(10)) async throws
        -> [FakeTelegramMessage]
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = sentMessages(chatId: chatId)
            if messages.count >= count { return messages }
            guard ContinuousClock.now < deadline else {
                throw Wait.TimedOut(
                    description: "timed out after \(timeout) waiting for \(count) Telegram message(s); got \(messages.count): "
                        + messages.map(\.text).description)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket

/// A real WebSocket client for tests: frames in and out as text, with timeouts, and the close code the server sent.
public final class WSTestClient: Sendable {
    private enum Outgoing: Sendable {
        case text(String)
        case close
    }

    private let inbox = Inbox()
    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let task: Task<WebSocketCloseFrame?, any Error>

    /// Connects to `ws://127.0.0.1:<port><path>`; the returned client is live until the server or `close()` ends it.
    public init(port: Int, path: String = "/", headers: HTTPFields = [:], maxFrameSize: Int = 1 << 26) {
        let (stream, continuation) = AsyncStream.makeStream(of: Outgoing.self)
        self.outgoing = continuation
        let inbox = self.inbox
        var configuration = WebSocketClientConfiguration()
        configuration.maxFrameSize = maxFrameSize
        configuration.additionalHeaders = headers
        self.task = Task {
            defer { Task { await inbox.finish() } }
            return try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)\(path)", configuration: configuration, logger: Logger(label: "ws-test-client")
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: maxFrameSize) {
                            if case .text(let text) = message { await inbox.append(text) }
                        }
                    }
                    group.addTask {
                        for await item in stream {
                            switch item {
                            case .text(let text): try await outbound.write(.text(text))
                            case .close:
                                try await outbound.close(.normalClosure, reason: nil)
                                return
                            }
                        }
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    public func send(_ text: String) {
        outgoing.yield(.text(text))
    }

    /// The next text frame, or nil when the socket closed or `timeout` passed.
    public func next(timeout: Duration = .seconds(10)) async -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            switch await inbox.take() {
            case .message(let text): return text
            case .closed: return nil
            case .empty: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return nil
    }

    /// Frames until `predicate` matches one (returned), or nil on close/timeout. Skipped frames are dropped.
    public func next(timeout: Duration = .seconds(10), where predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let text = await next(timeout: deadline - ContinuousClock.now) else { return nil }
            if predicate(text) { return text }
        }
        return nil
    }

    public func close() {
        outgoing.yield(.close)
    }

    /// Waits for the connection to end; the server's close frame, if any.
    public func closeFrame(timeout: Duration = .seconds(10)) async -> (code: Int, reason: String?)? {
        let task = self.task
        let result = await withTaskGroup(of: WebSocketCloseFrame??.self) { group in
            group.addTask { try? await task.value }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .some(nil)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let frame = result ?? nil else { return nil }
        return (Int(UInt16(webSocketErrorCode: frame.closeCode)), frame.reason)
    }

    public var isClosed: Bool {
        get async { await inbox.isClosed }
    }

    private actor Inbox {
        enum Take {
            case message(String)
            case closed, empty
        }
        private var messages: [String] = []
        private var index = 0
        private(set) var isClosed = false

        func append(_ text: String) { messages.append(text) }
        func finish() { isClosed = true }

        func take() -> Take {
            if index < messages.count {
                index += 1
                return .message(messages[index - 1])
            }
            return isClosed ? .closed : .empty
        }
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import MCP
import TalonCore

/// One live session with a server: the SDK `Client`, its transport, and for stdio the child process.
/// A restart makes a new connection (with the next generation number); nothing here is reused.
final class MCPConnection: Sendable {
    let generation: Int
    let client: Client
    let process: StdioServerProcess?
    private let transport: any Transport

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Spawns the process (stdio) or prepares the HTTP transport; `open` then performs the handshake.
    init(
        config: MCPServerConfig, generation: Int, environment: [String: String], bearer: (any MCPBearerProvider)?, http: HTTPClient,
        logger: Logger, onExit: @escaping @Sendable (String) -> Void
    ) async throws {
        self.generation = generation
        client = Client(name: "talon", version: TalonVersion.current)
        switch config.transport {
        case .stdio(let command, let args, let env, let cwd):
            let process = try await StdioServerProcess(
                command: command, args: args, env: env, cwd: cwd, baseEnvironment: environment, logger: logger, onExit: onExit)
            self.process = process
            transport = process.transport
        case .streamableHTTP(let url, let headers, let auth):
            if auth == .mctl, bearer == nil {
                throw StartFailure(description: "auth \"mctl\" needs the MCTL credentials, which are not available (connect MCTL first)")
            }
            process = nil
            transport = StreamableHTTPTransport(
                endpoint: url, headers: headers, bearer: auth == .mctl ? bearer : nil, http: http, logger: logger)
        case .sse:
            throw StartFailure(description: "sse transport not supported yet (use streamable-http)")
        }
    }

    /// Connects (initialize handshake) and lists the tools, within `timeout`.
    func open(timeout: Duration, onToolsChanged: @escaping @Sendable () async -> Void) async throws -> [Tool] {
        await client.onNotification(ToolListChangedNotification.self) { _ in await onToolsChanged() }
        do {
            let client = client
            let transport = transport
            let result = try await withDeadline(
                timeout, abandon: { await client.disconnect() }, operation: { try await client.connect(transport: transport) })
            guard result.capabilities.tools != nil else { return [] }
            return try await listTools(timeout: timeout)
        } catch {
            throw StartFailure(description: await explain(error, during: "startup", timeout: timeout))
        }
    }

    /// Every page of `tools/list`.
    func listTools(timeout: Duration) async throws -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        for _ in 0..<100 {
            let request = cursor.map { ListTools.request(.init(cursor: $0)) } ?? ListTools.request(.init())
            let page = try await send(request, timeout: timeout)
            tools += page.tools
            guard let next = page.nextCursor, !next.isEmpty else { break }
            cursor = next
        }
        return tools
    }

    func call(_ name: String, arguments: [String: Value], timeout: Duration) async throws -> CallTool.Result {
        try await send(CallTool.request(.init(name: name, arguments: arguments)), timeout: timeout)
    }

    /// Sends a request; on timeout or caller cancellation the request is cancelled (`notifications/cancelled`).
    private func send<M: MCP.Method>(_ request: Request<M>, timeout: Duration) async throws -> M.Result {
        let context = try await client.send(request)
        let client = client
        return try await withDeadline(
            timeout, abandon: { try? await client.cancelRequest(context.requestID, reason: "timed out or cancelled by Talon") },
            operation: { try await context.value })
    }

    /// Disconnects the client (failing pending requests) and ends the child process.
    func close() async {
        await client.disconnect()
        await process?.stop()
    }

    /// A sentence for the model and the logs: a dead child's exit beats the SDK's "Client disconnected".
    /// `activity` (`startup`) is appended to a process exit; calls add their own context.
    func explain(_ error: any Error, during activity: String? = nil, timeout: Duration) async -> String {
        if let process, Self.isConnectionLoss(error), await process.hasExited(within: .seconds(1)) {
            return (process.exitReason ?? "exited") + (activity.map { " during \($0)" } ?? "")
        }
        switch error {
        case is DeadlineExceeded: return "\(activity ?? "the request") timed out after \(timeout.secondsText)"
        case let failure as StartFailure: return failure.description
        case let failure as MCPTransportFailure: return failure.description
        case let failure as StdioServerProcess.LaunchError: return failure.description
        case let failure as MCPError: return failure.errorDescription ?? "\(failure)"
        default: return "\(error)"
        }
    }

    /// The transport broke, as opposed to the server answering with a JSON-RPC error.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        switch error {
        case is MCPTransportFailure: return true
        case MCPError.transportError, MCPError.connectionClosed: return true
        case MCPError.internalError(let detail?):
            return detail.contains("Client disconnected") || detail.contains("not initialized") || detail.contains("not connected")
        default: return false
        }
    }
}

extension Duration {
    /// `60 s`, `1.5 s`: for messages.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000) s" : "\(Double(millis) / 1000) s"
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import MCP
import TalonAgent
import TalonCore

/// One configured server's life: started on first use, restarted after a crash with backoff (1 s doubling to 30 s,
/// reset by a successful call), stopped after `idleTimeout` without calls, and its tool list cached across restarts.
actor MCPServerRuntime {
    let config: MCPServerConfig
    private let environment: [String: String]
    private let bearer: (any MCPBearerProvider)?
    private let http: HTTPClient
    private let logger: Logger
    private let idleTimeout: Duration
    private let listWait: Duration

    enum Phase {
        case stopped
        case starting(generation: Int, task: Task<MCPConnection, any Error>)
        case running(MCPConnection)
        case failed(String)
    }

    private(set) var phase: Phase = .stopped
    private var generation = 0
    /// The connection of the current generation, from spawn on (also while starting), for crash handling and stop.
    private var live: MCPConnection?
    private(set) var tools: [Tool]?
    private var toolsStale = false
    private var failures = 0
    private var retryAt: ContinuousClock.Instant?
    private var lastUse = ContinuousClock.now
    private var inFlight = 0
    private var idleWatcher: Task<Void, Never>?
    /// Why connections of recent generations dropped, for the calls that were in flight.
    private var lostReasons: [Int: String] = [:]
    private var closed = false

    init(
        config: MCPServerConfig, environment: [String: String], bearer: (any MCPBearerProvider)?, http: HTTPClient, logger: Logger,
        idleTimeout: Duration, listWait: Duration = .seconds(15)
    ) {
        self.config = config
        self.environment = environment
        self.bearer = bearer
        self.http = http
        var logger = logger
        logger[metadataKey: "mcpServer"] = "\(config.name)"
        self.logger = logger
        self.idleTimeout = idleTimeout
        self.listWait = listWait
        if case .sse = config.transport { phase = .failed("sse transport not supported yet (use streamable-http)") }
    }

    // MARK: Tools and calls

    /// The cached tool list; the server is started when there is none yet (or it announced a change), unless a
    /// failed start is still backing off. A failing server yields its last known list, or none. Waits at most
    /// `listWait` for a start.
    func listedTools() async -> [Tool] {
        if let tools, !toolsStale { return tools }
        if toolsStale, case .running(let connection) = phase {
            do {
                let fresh = try await connection.listTools(timeout: config.timeout)
                tools = fresh
                toolsStale = false
                return fresh
            } catch {
                logger.warning("mcp tool list refresh failed", metadata: ["error": "\(error)"])
                return tools ?? []
            }
        }
        do {
            // A slow server must not hold up every agent run: wait a while, then go on without its tools (the
            // start continues, and the next request sees them).
            if case .starting(let task) = try startIfNeeded(waitForBackoff: false) {
                await BoundedWait.wait(for: task, atMost: listWait)
            }
        } catch {
            // The failure itself was logged when it happened; this repeats on every tool request.
            logger.debug("mcp server contributes no tools", metadata: ["reason": "\(error)"])
        }
        return tools ?? []
    }

    func call(tool: String, qualifiedName: String, arguments: [String: Value]) async throws -> ToolOutput {
        inFlight += 1
        lastUse = .now
        defer {
            inFlight -= 1
            lastUse = .now
        }
        let connection: MCPConnection
        do {
            connection = try await ensureConnection()
        } catch {
            try Task.checkCancellation()
            return ToolOutput(text: "error: MCP server '\(config.name)' is unavailable: \(error)", isError: true)
        }
        do {
            let result = try await connection.call(tool, arguments: arguments, timeout: config.timeout)
            failures = 0
            return MCPToolResult.output(result)
        } catch is DeadlineExceeded {
            return ToolOutput(
                text: "error: MCP tool '\(qualifiedName)' timed out after \(config.timeout.secondsText); the call was cancelled",
                isError: true)
        } catch {
            try Task.checkCancellation()
            if MCPConnection.isConnectionLoss(error) {
                let reason = await connectionLost(connection, reason: await connection.explain(error, timeout: config.timeout))
                let text =
                    connection.process == nil
                    ? "MCP server '\(config.name)' failed during the call: \(reason); Talon reconnects on the next use"
                    : "MCP server '\(config.name)' \(reason) during the call; it will be restarted on the next use"
                return ToolOutput(text: "error: " + text, isError: true)
            }
            let detail = await connection.explain(error, timeout: config.timeout)
            return ToolOutput(text: "error: MCP server '\(config.name)' rejected the call to '\(tool)': \(detail)", isError: true)
        }
    }

    // MARK: Lifecycle

    /// The running connection, starting one (single-flight) if needed.
    private func ensureConnection() async throws -> MCPConnection {
        switch try startIfNeeded(waitForBackoff: true) {
        case .running(let connection): connection
        case .starting(let task): try await task.value
        }
    }

    private enum Readiness {
        case running(MCPConnection)
        case starting(Task<MCPConnection, any Error>)
    }

    /// Starts the server unless it runs or is starting. The start task finishes the job itself (adopts the connection,
    /// or records the failure), so callers that stop waiting early change nothing.
    private func startIfNeeded(waitForBackoff: Bool) throws -> Readiness {
        switch phase {
        case .running(let connection): return .running(connection)
        case .starting(_, let task): return .starting(task)
        case .stopped, .failed: break
        }
        if case .sse = config.transport {
            throw MCPConnection.StartFailure(description: "sse transport not supported yet (use streamable-http)")
        }
        guard !closed else { throw MCPConnection.StartFailure(description: "the MCP client is shut down") }
        let delay = retryAt.map { max(.zero, $0 - .now) } ?? .zero
        if delay > .zero, !waitForBackoff {
            throw MCPConnection.StartFailure(description: "restarting after a failure in \(delay.secondsText)")
        }
        generation += 1
        let generation = generation
        let timeout = config.startupTimeout
        let task = Task {
            do {
                if delay > .zero { try await Task.sleep(for: delay) }
                let connection = try await self.spawn(generation: generation)
                let listed: [Tool]
                do {
                    listed = try await connection.open(timeout: timeout) { await self.toolsChanged(generation: generation) }
                } catch {
                    await connection.close()
                    throw error
                }
                return try await self.adopt(connection, tools: listed, generation: generation)
            } catch {
                self.startFailed(generation: generation, error: error)
                throw error
            }
        }
        phase = .starting(generation: generation, task: task)
        logger.info("mcp server starting", metadata: ["transport": "\(config.transport.kind)"])
        return .starting(task)
    }

    private func adopt(_ connection: MCPConnection, tools listed: [Tool], generation started: Int) async throws -> MCPConnection {
        guard generation == started, !closed else {
            await connection.close()
            throw MCPConnection.StartFailure(description: "stopped while starting")
        }
        if let reason = lostReasons[started] {  // the child died right after the handshake
            live = nil
            recordFailure(reason)
            await connection.close()
            throw MCPConnection.StartFailure(description: reason)
        }
        phase = .running(connection)
        tools = listed
        toolsStale = false
        lastUse = .now
        retryAt = nil
        watchIdle(generation: started)
        logger.info("mcp server running", metadata: ["tools": "\(listed.count)"])
        return connection
    }

    private func startFailed(generation started: Int, error: any Error) {
        guard generation == started, case .starting = phase else { return }
        live = nil
        recordFailure("\(error)")
    }

    /// Creates the connection of `generation` (spawning a stdio child), unless a stop made it obsolete.
    private func spawn(generation spawned: Int) async throws -> MCPConnection {
        guard generation == spawned, !closed else { throw CancellationError() }
        let connection = try await MCPConnection(
            config: config, generation: spawned, environment: environment, bearer: bearer, http: http, logger: logger,
            onExit: { reason in Task { await self.processExited(generation: spawned, reason: reason) } })
        guard generation == spawned, !closed else {
            await connection.close()
            throw CancellationError()
        }
        live = connection
        return connection
    }

    private func recordFailure(_ reason: String) {
        failures += 1
        let seconds = min(30, 1 << min(failures - 1, 5))
        retryAt = .now + .seconds(seconds)
        phase = .failed(reason)
        logger.warning("mcp server failed", metadata: ["reason": "\(reason)", "retryInSeconds": "\(seconds)"])
    }

    /// A stdio child exited. While starting, the handshake fails through the disconnect; while running, the server
    /// is marked failed and in-flight calls fail with the exit reason.
    private func processExited(generation exited: Int, reason: String) async {
        guard let connection = live, connection.generation == exited else { return }
        if case .starting = phase {
            lostReasons[exited] = reason
            await connection.client.disconnect()
            return
        }
        _ = await connectionLost(connection, reason: reason)
    }

    /// Marks `connection` dead (once) and returns why it died.
    @discardableResult
    private func connectionLost(_ connection: MCPConnection, reason: String) async -> String {
        if let known = lostReasons[connection.generation] { return known }
        lostReasons = lostReasons.filter { $0.key > connection.generation - 4 }
        lostReasons[connection.generation] = reason
        guard live === connection else { return reason }
        live = nil
        idleWatcher?.cancel()
        idleWatcher = nil
        recordFailure(reason)
        await connection.close()
        return reason
    }

    private func toolsChanged(generation changed: Int) {
        guard live?.generation == changed else { return }
        toolsStale = true
    }

    // MARK: Idle and stop

    private func watchIdle(generation watched: Int) {
        idleWatcher?.cancel()
        idleWatcher = Task {
            while !Task.isCancelled {
                let deadline = lastUse + idleTimeout
                try? await Task.sleep(until: deadline, clock: .continuous)
                if Task.isCancelled { return }
                if await self.stopIfIdle(generation: watched) { return }
            }
        }
    }

    private func stopIfIdle(generation watched: Int) async -> Bool {
        guard live?.generation == watched else { return true }
        guard inFlight == 0, ContinuousClock.now - lastUse >= idleTimeout else { return false }
        logger.info("mcp server idle; stopping", metadata: ["idle": "\(idleTimeout.secondsText)"])
        idleWatcher = nil
        await stop()
        return true
    }

    /// Stops the server (pending calls fail); the next use starts it again. The tool cache is kept.
    func stop() async {
        generation += 1
        idleWatcher?.cancel()
        idleWatcher = nil
        if case .starting(_, let task) = phase { task.cancel() }
        let connection = live
        live = nil
        if case .failed = phase {} else { phase = .stopped }
        await connection?.close()
    }

    /// Stops for good: `shutdown()` of the manager.
    func shutdown() async {
        closed = true
        await stop()
    }
}

import Foundation
import Logging
import MCP
import TalonCore
import TalonMCP

/// The platform tools as an MCP server. Over HTTP every request gets its own SDK `Server` with a stateless
/// transport: clients number their JSON-RPC ids from 0, so one shared transport would mix two clients' answers,
/// and nothing has to be remembered between requests (memory stays flat however many clients come and go).
struct PlatformMCPServer: Sendable {
    let platform: OpenClawPlatform
    let logger: Logger

    static let serverName = "talon-mctl"

    static let tools: [Tool] = PlatformToolCatalog.all.map { spec in
        Tool(
            name: spec.name, title: spec.title, description: spec.description, inputSchema: spec.inputSchema.mcpValue,
            annotations: .init(
                title: spec.title, readOnlyHint: spec.readOnly, destructiveHint: spec.destructive, idempotentHint: spec.idempotent,
                openWorldHint: false))
    }

    /// A server whose tool calls act as `caller`.
    func makeServer(caller: MCTLCaller) async -> Server {
        let server = Server(
            name: Self.serverName, version: TalonVersion.current,
            instructions: "MCTL managed OpenClaw deployment: onboarding, sizing, resource profiles, skills and identity.",
            capabilities: .init(tools: .init(listChanged: false)))
        let platform = platform
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: Self.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            let arguments = (params.arguments ?? [:]).mapValues(JSONValue.init(mcp:))
            let result = await platform.call(tool: params.name, arguments: arguments, caller: caller)
            return Self.toolResult(result)
        }
        return server
    }

    /// The REST body as text (and as structured content when it is an object); `isError` for failures.
    static func toolResult(_ result: PlatformResult) -> CallTool.Result {
        let text = result.body.serialized()
        let structured: Value? = if case .object = result.body { result.body.mcpValue } else { nil }
        return CallTool.Result(content: [.text(text)], structuredContent: structured, isError: result.isError)
    }

    /// One streamable-HTTP POST (GET and DELETE are answered 405 by the stateless transport).
    func handle(_ request: MCP.HTTPRequest, caller: MCTLCaller) async -> MCP.HTTPResponse {
        let server = await makeServer(caller: caller)
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
            ]))
        do {
            try await server.start(transport: transport)
        } catch {
            logger.error("mcp server did not start", metadata: ["error": .string("\(error)")])
            return .error(statusCode: 500, .internalError("MCP server did not start"))
        }
        let response = await transport.handleRequest(request)
        await server.stop()
        return response
    }
}

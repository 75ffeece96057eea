import Hummingbird
import Logging
import TalonAgent
import TalonCore

/// `POST /tools/invoke {tool|name, args?, sessionKey?}` → `200 {ok:true, result}`: runs one tool directly, as
/// upstream. Tools that change things on the host are denied over HTTP by default (upstream's list), on top of
/// `tools.allow`/`tools.deny`; `gateway.tools.allow` lifts that default per tool, `gateway.tools.deny` adds to it.
struct ToolsInvokeRoutes: Sendable {
    static let bodyLimit = 2 * 1024 * 1024
    static let defaultHTTPDeny: Set<String> = [
        "exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch", "sessions_spawn", "sessions_send", "cron",
        "gateway", "nodes",
    ]

    let runtime: AgentRuntime
    let config: TalonConfig

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/tools/invoke") { request, context in
            if let missing = HTTPScopes.missing(Scopes.write, in: context) { return HTTPScopes.forbidden(missing) }
            let body = try await request.body.collect(upTo: Self.bodyLimit)
            guard let json = try? JSON5.parse(String(buffer: body)), json.objectValue != nil else {
                return JSONResponse.error(.badRequest, code: "INVALID_REQUEST", message: "the body must be a JSON object")
            }
            guard let name = (json["tool"] ?? json["name"])?.stringValue, !name.isEmpty else {
                return JSONResponse.error(.badRequest, code: "INVALID_REQUEST", message: "tool is required")
            }
            guard httpAllows(name) else {
                return JSONResponse.error(.notFound, code: "NOT_FOUND", message: "tool \(name) is not available over HTTP")
            }
            var sessionKey = json["sessionKey"]?.stringValue ?? "main"
            if let user = context.identity?.user, sessionKey == "main" {
                sessionKey = "agent:\(config.agents.defaultAgentId):webchat:direct:\(user)"
            }
            let arguments = json["args"] ?? json["arguments"] ?? .object([:])
            guard let output = try await runtime.invokeTool(name: name, arguments: arguments, sessionKey: sessionKey) else {
                return JSONResponse.error(.notFound, code: "NOT_FOUND", message: "unknown or disallowed tool: \(name)")
            }
            context.logger.info("tool invoked over HTTP", metadata: ["tool": .string(name), "isError": "\(output.isError)"])
            return JSONResponse.make(
                .ok, ["ok": true, "result": ["text": .string(output.text), "isError": .bool(output.isError)]])
        }
    }

    private func httpAllows(_ name: String) -> Bool {
        let key = name.lowercased()
        let allow = Set((config.raw["gateway"]?["tools"]?["allow"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        let deny = Set((config.raw["gateway"]?["tools"]?["deny"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        if deny.contains(key) { return false }
        return !Self.defaultHTTPDeny.contains(key) || allow.contains(key)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TalonCore

/// mctl-api's `/mcp` endpoint (MCP streamable HTTP, JSON-RPC 2.0) behind the OAuth bearer, with two
/// read-only tools whose answers name the caller, so a test can see whose token was used.
extension FakeMCTLAPIState {
    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let protocolVersions = ["2025-06-18", "2025-03-26", "2024-11-05"]

    static let tools: [JSONValue] = [
        [
            "name": "mctl_list_services",
            "description": "List the services of the caller's tenants.",
            "inputSchema": ["type": "object", "properties": ["team": ["type": "string", "description": "Only this team"]]],
        ],
        [
            "name": "mctl_get_service",
            "description": "Describe one service.",
            "inputSchema": [
                "type": "object", "properties": ["name": ["type": "string", "description": "Service name"]], "required": ["name"],
            ],
        ],
    ]

    func mcp(_ request: FakeRequest) -> Response {
        let authorization = request.header("authorization")
        let body = request.body ?? .null
        let method = body["method"]?.stringValue ?? ""
        let sessionId = request.header("mcp-session-id")
        state.withLock {
            $0.mcpRequests.append(FakeMCTLMCPRequest(method: method, authorization: authorization, sessionId: sessionId))
        }
        guard let login = login(forAuthorization: authorization) else {
            let challenge = "Bearer error=\"invalid_token\", error_description=\"missing, unknown or expired access token\""
            return FakeServerBoot.json(
                .unauthorized, ["error": "invalid_token", "error_description": "missing, unknown or expired access token"],
                headers: [.wwwAuthenticate: challenge])
        }
        guard body["jsonrpc"]?.stringValue == "2.0", !method.isEmpty else {
            return FakeServerBoot.json(.badRequest, Self.rpcError(.null, -32600, "Invalid Request"))
        }
        if method != "initialize", let sessionId, !state.withLock({ $0.mcpSessions.contains(sessionId) }) {
            return FakeServerBoot.json(.notFound, Self.rpcError(body["id"] ?? .null, -32001, "Session not found"))
        }
        // Notifications and responses from the client carry no id and get no JSON-RPC answer.
        guard let id = body["id"], !id.isNull else { return Response(status: .accepted) }
        var headers: HTTPFields = [:]
        let answer: JSONValue
        switch method {
        case "initialize":
            let session = Self.random("mcp_")
            state.withLock { _ = $0.mcpSessions.insert(session) }
            headers[Self.sessionHeader] = session
            let requested = body["params"]?["protocolVersion"]?.stringValue ?? ""
            let version = Self.protocolVersions.contains(requested) ? requested : Self.protocolVersions[0]
            answer = Self.rpcResult(
                id,
                [
                    "protocolVersion": .string(version), "capabilities": ["tools": [:]],
                    "serverInfo": ["name": "mctl-api", "version": "fake"],
                ])
        case "ping":
            answer = Self.rpcResult(id, [:])
        case "tools/list":
            answer = Self.rpcResult(id, ["tools": .array(Self.tools)])
        case "tools/call":
            answer = call(id: id, params: body["params"] ?? .null, login: login)
        default:
            answer = Self.rpcError(id, -32601, "Method not found: \(method)")
        }
        return respond(answer, accept: request.header("accept"), headers: headers)
    }

    private func call(id: JSONValue, params: JSONValue, login: String) -> JSONValue {
        let arguments = params["arguments"] ?? [:]
        switch params["name"]?.stringValue {
        case "mctl_list_services":
            let team = arguments["team"]?.stringValue ?? "platform"
            return Self.rpcResult(id, .object(Self.text("services of team \(team) for \(login): api, web, worker")))
        case "mctl_get_service":
            guard let name = arguments["name"]?.stringValue, !name.isEmpty else {
                return Self.rpcResult(id, .object(Self.text("missing required argument: name", isError: true)))
            }
            let detail: JSONValue = ["name": .string(name), "status": "running", "replicas": 2, "requestedBy": .string(login)]
            var result = Self.text("service \(name) for \(login): \(detail.serialized())")
            result["structuredContent"] = detail
            return Self.rpcResult(id, .object(result))
        default:
            return Self.rpcError(id, -32602, "Unknown tool: \(params["name"]?.stringValue ?? "")")
        }
    }

    private static func text(_ text: String, isError: Bool = false) -> [String: JSONValue] {
        ["content": [["type": "text", "text": .string(text)]], "isError": .bool(isError)]
    }

    static func rpcResult(_ id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func rpcError(_ id: JSONValue, _ code: Int, _ message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .number(Double(code)), "message": .string(message)]]
    }

    /// JSON when the client accepts it (unless SSE is forced), otherwise one SSE `message` event.
    private func respond(_ answer: JSONValue, accept: String?, headers: HTTPFields) -> Response {
        let accept = accept?.lowercased() ?? "application/json"
        let forced = state.withLock { $0.streamResponses }
        let sse = accept.contains("text/event-stream") && (forced || !accept.contains("application/json"))
        guard sse else { return FakeServerBoot.json(.ok, answer, headers: headers) }
        var fields = headers
        fields[.contentType] = "text/event-stream"
        fields[.cacheControl] = "no-cache"
        let event = "event: message\ndata: \(answer.serialized())\n\n"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: event)))
    }

    /// `DELETE /mcp` ends a session (MCP streamable HTTP §session management).
    func endSession(_ request: FakeRequest) -> Response {
        guard login(forAuthorization: request.header("authorization")) != nil else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard let session = request.header("mcp-session-id"), state.withLock({ $0.mcpSessions.remove(session) != nil }) else {
            return Response(status: .notFound)
        }
        return Response(status: .ok)
    }
}

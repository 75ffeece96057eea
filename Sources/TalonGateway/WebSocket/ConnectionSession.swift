import Logging
import TalonAgent
import TalonCore
import TalonModels
import TalonStore

/// The authenticated side of one connection: scope checks and method dispatch.
actor ConnectionSession {
    let services: GatewayServices
    let identity: ConnectionIdentity
    let sender: FrameSender
    let logger: Logger
    private var inFlight = 0

    init(services: GatewayServices, identity: ConnectionIdentity, sender: FrameSender, logger: Logger) {
        self.services = services
        self.identity = identity
        self.sender = sender
        self.logger = logger
    }

    func beginRequest() -> Bool {
        guard inFlight < GatewayProtocol.maxInFlightRequests else { return false }
        inFlight += 1
        return true
    }

    func endRequest() { inFlight -= 1 }

    nonisolated func handle(id: JSONValue, method: String, params: JSONValue) async {
        if let scope = Scopes.required(for: method), !Scopes.grants(identity.scopes, scope) {
            await sender.send(GatewayProtocol.response(id: id, error: .missingScope(scope)))
            return
        }
        do {
            let payload = try await dispatch(id: id, method: method, params: params)
            await sender.send(GatewayProtocol.response(id: id, payload: payload))
        } catch let error as GatewayError {
            await sender.send(GatewayProtocol.response(id: id, error: error))
        } catch let error as StoreError {
            logger.error("request failed: store", metadata: ["method": .string(method), "error": .string(error.description)])
            await sender.send(GatewayProtocol.response(id: id, error: .unavailable("store unavailable, try again")))
        } catch {
            logger.error("request failed", metadata: ["method": .string(method), "error": .string("\(error)")])
            await sender.send(GatewayProtocol.response(id: id, error: GatewayError("UNAVAILABLE", "internal error")))
        }
    }

    private nonisolated func dispatch(id: JSONValue, method: String, params: JSONValue) async throws -> JSONValue {
        let methods = GatewayMethods(services: services, identity: identity)
        switch method {
        case "health": return try await methods.health()
        case "status": return await methods.status()
        case "chat.send": return try await methods.chatSend(params)
        case "chat.history": return try await methods.chatHistory(params)
        case "chat.abort": return try await methods.chatAbort(params)
        case "sessions.list": return try await methods.sessionsList(params)
        case "sessions.reset": return try await methods.sessionsReset(params)
        case "sessions.patch": return try await methods.sessionsPatch(params)
        case "agent":
            // Two-stage, as upstream: an `accepted` response now, the final one (same id) at the end.
            let (accepted, runId) = try await methods.agentAccept(params)
            await sender.send(GatewayProtocol.response(id: id, payload: accepted))
            return await methods.agentFinal(runId: runId, params: params)
        case "agent.wait": return try await methods.agentWait(params)
        case "pairing.list": return try await methods.pairingList(params)
        case "pairing.approve": return try await methods.pairingApprove(params)
        case "config.get": return try await methods.configGet(params)
        case "channels.status": return await methods.channelsStatus()
        case "mctl.connect.start": return try await methods.mctlConnectStart(params)
        case "mctl.connect.complete": return try await methods.mctlConnectComplete(params)
        case "mctl.connect.status": return await methods.mctlConnectStatus()
        case "mctl.connect.disconnect": return try await methods.mctlConnectDisconnect()
        case "mcp.status": return await methods.mcpStatus()
        default: throw GatewayError.invalid("unknown method: \(method)")
        }
    }
}

import Logging
import TalonAgent
import TalonChannels
import TalonCore
import TalonMCP
import TalonMCTL
import TalonModels
import TalonStore

/// What every WebSocket connection and HTTP API handler shares.
struct GatewayServices: Sendable {
    let settings: GatewaySettings
    let store: any Store
    let runtime: AgentRuntime
    let hub: EventHub
    let authenticator: ConnectAuthenticator
    let startedAtMs: Int64
    let clock: @Sendable () -> Int64
    let telegram: TelegramChannel
    let mctl: MCTLConnect
    let mcp: MCPServerManager

    var config: TalonConfig { settings.config }
    var defaultAgentId: String { config.agents.defaultAgentId }
    var mainKey: String { config.session.mainKey }
    var mainSessionKey: String { "agent:\(defaultAgentId):\(mainKey)".lowercased() }

    /// The model a run would use by default, and what to tell the user when there is none.
    func modelInfo() -> JSONValue {
        let configured = config.agents.defaults.model?.primary ?? runtime.models.implicitDefault()?.description
        return [
            "configured": .bool(configured != nil),
            "ref": configured.map(JSONValue.string) ?? .null,
            "hint": configured == nil ? .string(Self.noModelHint) : .null,
        ]
    }

    static let noModelHint =
        "No model configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY (or run Ollama on 127.0.0.1:11434 and set agents.defaults.model to \"ollama/<model>\"), or add models.providers and agents.defaults.model to openclaw.json, then restart the gateway."

    func helloPayload(protocol version: Int, identity: ConnectionIdentity, connId: String) async -> JSONValue {
        let now = clock()
        return [
            "type": "hello-ok",
            "protocol": .number(Double(version)),
            "server": ["version": .string(TalonVersion.current), "connId": .string(connId)],
            "features": [
                "methods": .array(GatewayProtocol.methods.map(JSONValue.string)),
                "events": .array(GatewayProtocol.events.map(JSONValue.string)),
            ],
            "snapshot": [
                "presence": [],
                "health": ["ok": true],
                "stateVersion": ["presence": 0, "health": 0],
                "uptimeMs": .number(Double(now - startedAtMs)),
                "sessionDefaults": [
                    "defaultAgentId": .string(defaultAgentId), "mainKey": .string(mainKey),
                    "mainSessionKey": .string(
                        identity.user.map { SessionAccess.webchatKey(agentId: defaultAgentId, user: $0) } ?? mainSessionKey),
                    "scope": .string(config.session.dmScope),
                ],
                "authMode": .string(settings.auth.modeName),
                "model": modelInfo(),
            ],
            "auth": ["role": .string(identity.role), "scopes": .array(identity.scopes.sorted().map(JSONValue.string))],
            "policy": [
                "maxPayload": .number(Double(GatewayProtocol.maxPayload)),
                "maxBufferedBytes": .number(Double(GatewayProtocol.maxBufferedBytes)),
                "tickIntervalMs": .number(Double(GatewayProtocol.tickIntervalMs)),
            ],
        ]
    }
}

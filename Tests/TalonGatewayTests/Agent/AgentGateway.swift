import Foundation
import TalonCore
import TalonTestSupport
import Testing

/// A real `talon gateway` process wired to a loopback mock model server, plus WebSocket helpers.
struct AgentGateway {
    static let token = "agent-test-token-0123456789"

    let dir: TempDir
    let mock: MockModelServer
    let gateway: GatewayUnderTest

    /// `models`/`agents` blocks default to one OpenAI-compatible provider `mock` serving `mock/test-model`.
    static func start(
        api: String = "openai-completions",
        extraConfig: String = "",
        agents: String? = nil,
        models: String? = nil,
        gatewayExtra: String = "",
        mock: MockModelServer? = nil,
        dir: TempDir? = nil,
        environment: [String: String] = [:]
    ) async throws -> AgentGateway {
        let mock = try await Self.mockOrNew(mock)
        let dir = try dir ?? TempDir()
        let base = api == "anthropic-messages" ? mock.baseURL : mock.baseURL + "/v1"
        let config = """
            {
              gateway: {
                auth: { mode: "token", token: "\(token)" \(gatewayExtra) }, http: { endpoints: { chatCompletions: { enabled: true } } },
              },
              models: \(models ?? #"{ providers: { mock: { baseUrl: "\#(base)", api: "\#(api)", apiKey: "mock-key", timeoutSeconds: 10 } } }"#),
              agents: \(agents ?? #"{ defaults: { model: "mock/test-model" } }"#),
              \(extraConfig)
            }
            """
        let gateway = try await GatewayUnderTest.start(stateDir: dir.path, config: config, environment: environment)
        return AgentGateway(dir: dir, mock: mock, gateway: gateway)
    }

    private static func mockOrNew(_ mock: MockModelServer?) async throws -> MockModelServer {
        if let mock { return mock }
        return try await MockModelServer.start()
    }

    var port: Int { gateway.port }

    /// Restarts the gateway process on the same state dir (and the same mock).
    func restarted(extraConfig: String = "") async throws -> AgentGateway {
        _ = try await gateway.stop()
        return try await AgentGateway.start(extraConfig: extraConfig, mock: mock, dir: dir)
    }

    func stop() async {
        _ = try? await gateway.stop()
        await mock.stop()
    }

    /// Connects and completes the handshake; returns the client and the hello-ok payload.
    func connect(path: String = "/", token: String? = AgentGateway.token, minProtocol: Int = 3, maxProtocol: Int = 4) async throws -> (
        WSClient, JSONValue
    ) {
        let client = WSClient(WSTestClient(port: port, path: path))
        let challenge = try #require(await client.nextFrame())
        #expect(challenge["event"]?.stringValue == "connect.challenge")
        var params: JSONValue = [
            "minProtocol": .number(Double(minProtocol)), "maxProtocol": .number(Double(maxProtocol)),
            "client": ["id": "test", "version": "1.0", "platform": "linux", "mode": "test"],
        ]
        if let token { params = params.merging(["auth": ["token": .string(token)]]) }
        let response = try await client.request("connect", params)
        guard response["ok"]?.boolValue == true, let payload = response["payload"] else {
            throw ProbeError("connect failed: \(response.serialized())")
        }
        return (client, payload)
    }
}

/// JSON-level wrapper over `WSTestClient`.
struct WSClient {
    let raw: WSTestClient
    init(_ raw: WSTestClient) { self.raw = raw }

    func send(_ frame: JSONValue) { raw.send(frame.serialized()) }

    func nextFrame(timeout: Duration = .seconds(10)) async -> JSONValue? {
        guard let text = await raw.next(timeout: timeout) else { return nil }
        return try? JSON5.parse(text)
    }

    /// Sends a request and returns its `res` frame (events before it are skipped).
    func request(_ method: String, _ params: JSONValue = .object([:]), timeout: Duration = .seconds(15)) async throws -> JSONValue {
        let id = UUID().uuidString
        send(["type": "req", "id": .string(id), "method": .string(method), "params": params])
        let text = await raw.next(timeout: timeout) { text in
            guard let frame = try? JSON5.parse(text) else { return false }
            return frame["type"]?.stringValue == "res" && frame["id"]?.stringValue == id
        }
        guard let text else { throw ProbeError("no response to \(method)") }
        return try JSON5.parse(text)
    }

    /// The payload of a successful request (fails the test otherwise).
    func call(_ method: String, _ params: JSONValue = .object([:])) async throws -> JSONValue {
        let response = try await request(method, params)
        guard response["ok"]?.boolValue == true, let payload = response["payload"] else {
            throw ProbeError("\(method) failed: \(response.serialized())")
        }
        return payload
    }

    /// Collects `event` frames until `until` matches one (included), or throws on timeout.
    func events(timeout: Duration = .seconds(20), until: (JSONValue) -> Bool) async throws -> [JSONValue] {
        var collected: [JSONValue] = []
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let frame = await nextFrame(timeout: deadline - ContinuousClock.now) else { break }
            guard frame["type"]?.stringValue == "event" else { continue }
            collected.append(frame)
            if until(frame) { return collected }
        }
        throw ProbeError("timed out waiting for event; got \(collected.map { $0.serialized() })")
    }

    /// Waits for the terminal `chat` event of `runId` and returns all chat events of that run.
    func chatEvents(runId: String, timeout: Duration = .seconds(20)) async throws -> [JSONValue] {
        try await events(timeout: timeout) { frame in
            frame["event"]?.stringValue == "chat" && frame["payload"]?["runId"]?.stringValue == runId
                && ["final", "error", "aborted"].contains(frame["payload"]?["state"]?.stringValue ?? "")
        }.filter { $0["event"]?.stringValue == "chat" && $0["payload"]?["runId"]?.stringValue == runId }
    }

    func close() { raw.close() }
}

extension JSONValue {
    func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
        mine.merge(theirs) { _, new in new }
        return .object(mine)
    }
}

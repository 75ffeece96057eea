import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("WebSocket protocol: handshake, frames, auth")
struct WebSocketHandshakeTests {
    @Test("challenge first, then hello-ok with methods, auth, policy and snapshot; res carries payload only")
    func helloOK() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let (client, hello) = try await agent.connect()
        defer { client.close() }
        #expect(hello["type"]?.stringValue == "hello-ok")
        #expect(hello["protocol"]?.intValue == 4)
        let methods = hello["features"]?["methods"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for method in [
            "health", "status", "chat.send", "chat.history", "chat.abort", "sessions.list", "sessions.reset", "sessions.patch", "agent",
            "agent.wait",
        ] {
            #expect(methods.contains(method), "missing \(method)")
        }
        #expect(hello["auth"]?["role"]?.stringValue == "operator")
        #expect(hello["auth"]?["scopes"]?.arrayValue?.contains("operator.write") == true)
        #expect(hello["policy"]?["tickIntervalMs"]?.intValue == 15000)
        #expect(hello["policy"]?["maxPayload"]?.intValue == 26_214_400)
        #expect(hello["snapshot"]?["sessionDefaults"]?["mainSessionKey"]?.stringValue == "agent:main:main")
        #expect(hello["snapshot"]?["model"]?["configured"]?.boolValue == true)

        let ok = try await client.request("health")
        #expect(ok["ok"]?.boolValue == true)
        #expect(ok["payload"] != nil)
        #expect(ok.objectValue?.keys.contains("error") == false)
        let bad = try await client.request("no.such.method")
        #expect(bad["ok"]?.boolValue == false)
        #expect(bad["error"]?["code"]?.stringValue == "INVALID_REQUEST")
        #expect(bad.objectValue?.keys.contains("payload") == false)
    }

    @Test("protocol 3 clients are answered with 3; other paths such as /gateway upgrade too")
    func protocolThree() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let (client, hello) = try await agent.connect(path: "/gateway", minProtocol: 3, maxProtocol: 3)
        defer { client.close() }
        #expect(hello["protocol"]?.intValue == 3)
    }

    @Test("a client outside 3…4 gets PROTOCOL_MISMATCH and the socket closes")
    func protocolMismatch() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let client = WSClient(WSTestClient(port: agent.port))
        _ = await client.nextFrame()
        let response = try await client.request(
            "connect", ["minProtocol": 5, "maxProtocol": 6, "client": ["id": "test", "version": "1", "platform": "x", "mode": "test"]])
        #expect(response["ok"]?.boolValue == false)
        #expect(response["error"]?["details"]?["code"]?.stringValue == "PROTOCOL_MISMATCH")
        #expect(response.objectValue?.keys.contains("payload") == false)
        let close = await client.raw.closeFrame()
        #expect(close?.code == 1008)
    }

    @Test("wrong and missing tokens are refused with AUTH_* codes and a close")
    func authFailures() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        for (token, code) in [("wrong-token", "AUTH_TOKEN_MISMATCH"), (nil, "AUTH_TOKEN_MISSING")] as [(String?, String)] {
            let client = WSClient(WSTestClient(port: agent.port))
            _ = await client.nextFrame()
            var params: JSONValue = [
                "minProtocol": 3, "maxProtocol": 4, "client": ["id": "test", "version": "1", "platform": "x", "mode": "test"],
            ]
            if let token { params = params.merging(["auth": ["token": .string(token)]]) }
            let response = try await client.request("connect", params)
            #expect(response["ok"]?.boolValue == false)
            #expect(response["error"]?["details"]?["code"]?.stringValue == code)
            #expect(await client.raw.closeFrame() != nil)
        }
        #expect(!agent.gateway.process.stdout.contains("wrong-token"))
    }

    @Test("a first frame that is not connect, garbage after connect, and oversize pre-auth frames close the socket")
    func malformedFrames() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }

        let notConnect = WSClient(WSTestClient(port: agent.port))
        _ = await notConnect.nextFrame()
        let refused = try await notConnect.request("health")
        #expect(refused["ok"]?.boolValue == false)
        #expect(await notConnect.raw.closeFrame()?.code == 1008)

        let (client, _) = try await agent.connect()
        client.raw.send("this is not json")
        let close = await client.raw.closeFrame()
        #expect(close?.code == 1008)
        #expect(close?.reason?.contains("invalid frame") == true)

        let big = WSClient(WSTestClient(port: agent.port))
        _ = await big.nextFrame()
        big.raw.send(String(repeating: "x", count: 70 * 1024))
        #expect(await big.raw.closeFrame()?.code == 1009)

        // The gateway is still serving.
        let (again, _) = try await agent.connect()
        #expect(try await again.request("health")["ok"]?.boolValue == true)
        again.close()
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("OpenAI-compatible HTTP API")
struct OpenAIHTTPTests {
    static let auth = ["Authorization": "Bearer \(AgentGateway.token)", "Content-Type": "application/json"]

    @Test("non-streaming completion answers in OpenAI's shape with usage")
    func completion() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let body = #"{"model":"openclaw","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi http"}]}"#
        let response = try await agent.gateway.http.request("POST", "/v1/chat/completions", headers: Self.auth, body: Data(body.utf8))
        #expect(response.status == 200)
        let json = try JSON5.parse(response.text)
        #expect(json["object"]?.stringValue == "chat.completion")
        #expect(json["model"]?.stringValue == "openclaw")
        #expect(json["choices"]?[0]?["message"]?["content"]?.stringValue == "echo: hi http")
        #expect(json["choices"]?[0]?["finish_reason"]?.stringValue == "stop")
        #expect((json["usage"]?["total_tokens"]?.intValue ?? 0) > 0)
        // The request's system message reached the model.
        #expect(agent.mock.requests().last?.bodyText.contains("be brief") == true)
    }

    @Test("stream: true sends chat.completion.chunk events ending with data: [DONE]")
    func streaming() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.streamedText(["one ", "two ", "three"], delayMs: 10))
        let body =
            #"{"model":"openclaw/main","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count"}]}"#
        let response = try await agent.gateway.http.request("POST", "/v1/chat/completions", headers: Self.auth, body: Data(body.utf8))
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        let lines = response.text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
        #expect(lines.last == "[DONE]")
        let chunks = lines.dropLast().compactMap { try? JSON5.parse($0) }
        #expect(chunks.allSatisfy { $0["object"]?.stringValue == "chat.completion.chunk" })
        let text = chunks.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.joined()
        #expect(text == "one two three")
        #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"]?.stringValue == "stop" })
        #expect(chunks.contains { $0["usage"]?["prompt_tokens"] != nil })
    }

    @Test("models list; errors in OpenAI's shape: bad JSON, bad model, wrong token")
    func modelsAndErrors() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        let models = try await agent.gateway.http.get("/v1/models", headers: Self.auth)
        #expect(models.status == 200)
        let ids = try JSON5.parse(models.text)["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("openclaw"))
        #expect(ids.contains("openclaw/main"))

        let garbage = try await agent.gateway.http.request("POST", "/v1/chat/completions", headers: Self.auth, body: Data("{not json".utf8))
        #expect(garbage.status == 400)
        #expect(try JSON5.parse(garbage.text)["error"]?["type"]?.stringValue == "invalid_request_error")

        let wrongModel = #"{"model":"gpt-4","messages":[{"role":"user","content":"x"}]}"#
        let badModel = try await agent.gateway.http.request("POST", "/v1/chat/completions", headers: Self.auth, body: Data(wrongModel.utf8))
        #expect(badModel.status == 400)
        #expect(try JSON5.parse(badModel.text)["error"]?["message"]?.stringValue?.contains("openclaw") == true)

        let unauthorized = try await agent.gateway.http.request(
            "POST", "/v1/chat/completions", headers: ["Authorization": "Bearer nope", "Content-Type": "application/json"],
            body: Data(wrongModel.utf8))
        #expect(unauthorized.status == 401)
        let error = try JSON5.parse(unauthorized.text)["error"]
        #expect(error?["message"]?.stringValue != nil)
        #expect(error?["type"]?.stringValue != nil)
    }

    @Test("off unless gateway.http.endpoints.chatCompletions.enabled")
    func disabledByDefault() async throws {
        let dir = try TempDir()
        let gateway = try await GatewayUnderTest.start(
            stateDir: dir.path, config: #"{ gateway: { auth: { mode: "token", token: "\#(AgentGateway.token)" } } }"#)
        defer { gateway.process.terminate() }
        let response = try await gateway.http.request(
            "POST", "/v1/chat/completions", headers: Self.auth, body: Data(#"{"model":"openclaw","messages":[]}"#.utf8))
        #expect(response.status == 404)
    }

    @Test("the official openai Python client works, streaming and not", .enabled(if: E2E.pythonAvailable(modules: ["openai"])))
    func pythonClient() async throws {
        let agent = try await AgentGateway.start()
        defer { Task { await agent.stop() } }
        agent.mock.enqueue(.text("echo: hi from openai"), .streamedText(["echo: ", "hi ", "from ", "openai"], delayMs: 5))
        let result = try await E2E.runPython(
            "Tests/e2e/openai_client_test.py",
            [
                "--base-url", "http://127.0.0.1:\(agent.port)/v1", "--api-key", AgentGateway.token, "--model", "openclaw", "--expect",
                "echo: hi from openai",
            ])
        #expect(result.status == 0, "openai client test failed:\n\(result.output)")
    }
}

import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram durability", .serialized)
struct TelegramDurabilityTests {
    static let users: [Int64] = [70_001, 70_002, 70_003]
    static var allowAll: String { "dmPolicy: \"allowlist\", allowFrom: [\(users.map { "\"\($0)\"" }.joined(separator: ", "))]," }

    /// SIGKILL while runs are in flight: after the restart every update is answered exactly once.
    @Test func killedWhileUpdatesArePendingAnswersEachExactlyOnce() async throws {
        let mock = try await MockModelServer.start()
        // Slow answers that echo the question, so replies can be matched to updates.
        mock.enqueue(dynamic: { request in .slowText(["echo: ", request.lastUserText ?? "?"], delayMs: 1500) })
        for _ in 0..<8 { mock.enqueue(dynamic: { request in .text("echo: \(request.lastUserText ?? "?")") }) }
        let tg = try await TelegramGateway.start(telegram: Self.allowAll, mock: mock)
        for (index, user) in Self.users.enumerated() { tg.telegram.sendText("question \(index)", from: user) }
        try await Wait.until(timeout: .seconds(20), "updates stored and a run started") {
            tg.telegram.confirmedOffset > 0 && !mock.requests().isEmpty
        }
        // Stored, acknowledged, not yet answered: kill without any chance to clean up.
        tg.gateway.process.signal(SIGKILL)
        _ = try await tg.gateway.process.waitForExit(timeout: .seconds(10))

        let restarted = try await TelegramGateway.start(telegram: Self.allowAll, fake: tg.telegram, mock: mock, dir: tg.agent.dir)
        defer { Task { await restarted.stop() } }
        for (index, user) in Self.users.enumerated() {
            let replies = try await tg.telegram.waitForMessages(count: 1, chatId: user, timeout: .seconds(30))
            #expect(replies[0].visibleText == "echo: question \(index)")
        }
        try await Task.sleep(for: .seconds(3))
        for user in Self.users {
            #expect(tg.telegram.sentMessages(chatId: user).count == 1, "exactly one answer for \(user)")
        }
    }

    /// Two gateways on one bot token (one state): one poller; the survivor takes over a killed one's lease.
    @Test func onePollerPerTokenAndTakeoverAfterAKill() async throws {
        let fake = try await FakeTelegram.start()
        let first = try await TelegramGateway.start(fake: fake)
        defer { Task { await fake.stop() } }
        try await Wait.until(timeout: .seconds(20), "first poller") { !fake.calls("getUpdates").isEmpty }
        let second = try await GatewayUnderTest.start(stateDir: first.agent.dir.path)
        defer { Task { _ = try? await second.stop() } }
        try await Task.sleep(for: .seconds(4))
        #expect(fake.maxConcurrentPollers == 1)
        #expect(!fake.calls("getUpdates").contains { $0.status == 409 }, "no competing getUpdates")

        first.gateway.process.signal(SIGKILL)
        _ = try await first.gateway.process.waitForExit(timeout: .seconds(10))
        first.mock.enqueue(.text("from the survivor"))
        fake.sendText("still there?", from: TelegramGateway.owner)
        let reply = try await fake.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(40))
        #expect(reply[0].visibleText == "from the survivor")
        #expect(fake.maxConcurrentPollers == 1)
        await first.mock.stop()
    }

    @Test func badTokenFailsTheChannelNotTheGateway() async throws {
        let fake = try await FakeTelegram.start()
        defer { Task { await fake.stop() } }
        let agent = try await AgentGateway.start(
            extraConfig: #"channels: { telegram: { botToken: "123:wrong-token", apiRoot: "\#(fake.apiRoot)" } },"#)
        defer { Task { await agent.stop() } }
        try await Wait.until(timeout: .seconds(20), "readyz reports the channel") {
            let ready = try await agent.gateway.http.request("GET", "/readyz")
            return ready.status == 503 && ready.text.contains("channel:telegram:default")
        }
        let ready = try await agent.gateway.http.request("GET", "/readyz")
        #expect(ready.text.contains("getMe"))
        #expect(!ready.text.contains("wrong-token"), "the token is never echoed")
        #expect(try await agent.gateway.http.request("GET", "/healthz").status == 200)
        #expect(!agent.gateway.process.stdout.contains("wrong-token"))
    }
}

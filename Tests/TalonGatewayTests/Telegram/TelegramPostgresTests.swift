import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram on PostgreSQL", .serialized)
struct TelegramPostgresTests {
    /// Two gateway processes (separate state dirs) on one database and one bot: one poller, each update answered once,
    /// and the survivor takes over when the poller is killed.
    @Test func oneServingProcessAcrossGatewaysSharingADatabase() async throws {
        let cluster = try await PostgresCluster.start()
        defer { Task { await cluster.destroy() } }
        let fake = try await FakeTelegram.start()
        defer { Task { await fake.stop() } }
        let mock = try await MockModelServer.start()
        defer { Task { await mock.stop() } }
        for index in 0..<6 { mock.enqueue(.text("answer \(index)")) }
        let environment = ["DATABASE_URL": cluster.url]
        let first = try await TelegramGateway.start(fake: fake, mock: mock, environment: environment)
        try await Wait.until(timeout: .seconds(20), "a poller") { fake.activePollers == 1 }
        let second = try await TelegramGateway.start(fake: fake, mock: mock, environment: environment)
        defer { second.gateway.process.terminate() }

        for index in 0..<3 { fake.sendText("question \(index)", from: TelegramGateway.owner) }
        let replies = try await fake.waitForMessages(count: 3, chatId: TelegramGateway.owner, timeout: .seconds(30))
        try await Task.sleep(for: .seconds(3))
        #expect(fake.sentMessages(chatId: TelegramGateway.owner).count == 3, "each update answered once: \(replies.map(\.text))")
        #expect(mock.requests().count == 3)
        #expect(fake.maxConcurrentPollers == 1)

        // Kill whichever process polls; the other takes over within the lease's lifetime.
        first.gateway.process.signal(SIGKILL)
        second.gateway.process.signal(SIGKILL)
        _ = try await first.gateway.process.waitForExit(timeout: .seconds(10))
        _ = try await second.gateway.process.waitForExit(timeout: .seconds(10))
        let third = try await TelegramGateway.start(fake: fake, mock: mock, environment: environment)
        defer { third.gateway.process.terminate() }
        fake.sendText("after the crash", from: TelegramGateway.owner)
        let after = try await fake.waitForMessages(count: 4, chatId: TelegramGateway.owner, timeout: .seconds(45))
        #expect(after[3].visibleText.hasPrefix("answer"))
    }
}

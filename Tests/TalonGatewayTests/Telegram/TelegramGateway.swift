import Foundation
import TalonCore
import TalonTestSupport
import Testing

/// A real `talon gateway` process with a Telegram bot pointed at the loopback fake Bot API, on a mock model.
struct TelegramGateway {
    static let owner: Int64 = 111_222_333
    static let group: Int64 = -1_001_234_567_890

    let agent: AgentGateway
    let telegram: FakeTelegram

    var mock: MockModelServer { agent.mock }
    var gateway: GatewayUnderTest { agent.gateway }

    /// `telegram` holds extra keys for `channels.telegram`; by default the owner is allowlisted.
    static func start(
        telegram extra: String = "dmPolicy: \"allowlist\", allowFrom: [\"\(owner)\"],", extraConfig: String = "",
        fake: FakeTelegram? = nil, mock: MockModelServer? = nil, dir: TempDir? = nil, environment: [String: String] = [:]
    ) async throws -> TelegramGateway {
        let bot: FakeTelegram
        if let fake { bot = fake } else { bot = try await FakeTelegram.start() }
        let agent = try await AgentGateway.start(
            extraConfig: """
                channels: { telegram: { botToken: "\(bot.token)", apiRoot: "\(bot.apiRoot)", pollTimeoutSeconds: 5, \(extra) } },
                \(extraConfig)
                """, mock: mock, dir: dir, environment: environment)
        return TelegramGateway(agent: agent, telegram: bot)
    }

    /// Restarts the gateway on the same state dir, fake and mock.
    func restarted(telegram extra: String = "dmPolicy: \"allowlist\", allowFrom: [\"\(owner)\"],") async throws -> TelegramGateway {
        _ = try await agent.gateway.stop()
        return try await Self.start(telegram: extra, fake: telegram, mock: agent.mock, dir: agent.dir)
    }

    func stop() async {
        await agent.stop()
        await telegram.stop()
    }

    /// Runs `talon <arguments>` against this gateway's state dir.
    func cli(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await TalonProcess.run(arguments, environment: TalonProcess.baseEnvironment(stateDir: agent.dir.path))
        return (result.0, result.1, result.2)
    }
}

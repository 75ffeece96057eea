import TalonCore

/// `channels.status` (scope `operator.read`): every configured channel account and its state.
extension GatewayMethods {
    func channelsStatus() async -> JSONValue {
        var accounts: [JSONValue] = []
        for bot in services.telegram.bots { accounts.append(await bot.status()) }
        return ["channels": .array(accounts)]
    }
}

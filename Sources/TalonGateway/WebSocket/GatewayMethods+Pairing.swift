import TalonChannels
import TalonCore

/// `pairing.list` / `pairing.approve`: channel pairing requests from unknown senders (scope `operator.pairing`).
extension GatewayMethods {
    func pairingList(_ params: JSONValue) async throws -> JSONValue {
        let channel = params["channel"]?.stringValue
        let requests = try await PairingStore(store: services.store).pending(channel: channel, nowMs: services.clock())
        return ["requests": .array(requests.map(Self.pairingJSON))]
    }

    func pairingApprove(_ params: JSONValue) async throws -> JSONValue {
        guard let code = params["code"]?.stringValue, !code.isEmpty else { throw GatewayError.invalid("code is required") }
        let channel = params["channel"]?.stringValue ?? "telegram"
        guard let request = try await PairingApproval.approve(channel: channel, code: code, store: services.store) else {
            throw GatewayError("NOT_FOUND", "no pending \(channel) pairing request with code \(code.uppercased())")
        }
        return ["ok": true, "approved": Self.pairingJSON(request)]
    }

    static func pairingJSON(_ request: PairingRequest) -> JSONValue {
        [
            "channel": .string(request.channel), "accountId": .string(request.account), "code": .string(request.code),
            "senderId": .string(request.senderId), "senderName": request.senderName.map(JSONValue.string) ?? .null,
            "createdAt": .string(Clocks.rfc3339(ms: request.createdAtMs)), "expiresAt": .string(Clocks.rfc3339(ms: request.expiresAtMs)),
        ]
    }
}

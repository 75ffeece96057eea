import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import TalonCore

/// One WebSocket client: challenge, `connect` handshake, then requests and events until either side closes.
struct GatewayConnection: Sendable {
    let services: GatewayServices
    let upgrade: UpgradeInfo
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let sender = FrameSender(outbound: outbound)
        let nonce = Secrets.randomToken(byteCount: 16)
        await sender.send(
            GatewayProtocol.event("connect.challenge", payload: ["nonce": .string(nonce), "ts": .number(Double(Clocks.nowMs()))]))

        // Nobody may hold a socket open without authenticating.
        let watchdog = Task {
            try await Task.sleep(for: GatewayProtocol.handshakeTimeout)
            await sender.close(.policyViolation, reason: "handshake timeout")
        }
        var iterator = inbound.makeAsyncIterator()
        let identity: ConnectionIdentity
        do {
            guard let first = try await iterator.nextMessage(maxSize: GatewayProtocol.preAuthMaxBytes) else {
                watchdog.cancel()
                return
            }
            watchdog.cancel()
            guard let established = await handshake(first, sender: sender) else { return }
            identity = established
        } catch {
            watchdog.cancel()
            logger.debug("websocket closed before connect", metadata: ["error": .string("\(error)")])
            return
        }

        let (subscriberId, events) = await services.hub.register(scopes: identity.scopes, user: identity.user)
        let session = ConnectionSession(services: services, identity: identity, sender: sender, logger: logger)
        await withDiscardingTaskGroup { group in
            group.addTask {
                var seq = 0
                for await item in events {
                    seq += 1
                    await sender.send(GatewayProtocol.event(item.event, payload: item.payload, seq: seq))
                }
            }
            defer { group.cancelAll() }
            do {
                while let message = try await iterator.nextMessage(maxSize: GatewayProtocol.maxPayload) {
                    guard case .text(let text) = message else {
                        await sender.close(.unacceptableData, reason: "binary frames are not supported")
                        break
                    }
                    guard let frame = try? JSON5.parse(text), frame.objectValue != nil else {
                        await sender.close(.policyViolation, reason: "invalid frame: not a JSON object")
                        break
                    }
                    switch frame["type"]?.stringValue {
                    case "req":
                        guard let id = frame["id"], id.stringValue != nil || id.doubleValue != nil,
                            let method = frame["method"]?.stringValue
                        else {
                            await sender.close(.policyViolation, reason: "invalid frame: req needs id and method")
                            return
                        }
                        guard await session.beginRequest() else {
                            await sender.send(
                                GatewayProtocol.response(id: id, error: .unavailable("too many requests in flight on this connection")))
                            continue
                        }
                        group.addTask {
                            await session.handle(id: id, method: method, params: frame["params"] ?? .object([:]))
                            await session.endRequest()
                        }
                    case "cancel":
                        continue  // Additive in v4; long requests here end on their own (agent.wait has a timeout).
                    default:
                        await sender.close(.policyViolation, reason: "invalid frame: unknown type")
                        return
                    }
                }
            } catch {
                logger.debug("websocket read ended", metadata: ["error": .string("\(error)")])
            }
        }
        await services.hub.unregister(subscriberId)
    }

    /// Validates the first frame; on success sends `hello-ok`, otherwise an error response and a close.
    private func handshake(_ message: WebSocketMessage, sender: FrameSender) async -> ConnectionIdentity? {
        // One unfragmented frame is not bounded by `nextMessage(maxSize:)`: check it here.
        if case .text(let text) = message, text.utf8.count > GatewayProtocol.preAuthMaxBytes {
            await sender.close(.messageTooLarge, reason: "frame exceeds 64 KiB before connect")
            return nil
        }
        guard case .text(let text) = message, let frame = try? JSON5.parse(text), frame.objectValue != nil else {
            await sender.close(.policyViolation, reason: "invalid frame: first frame must be a connect request")
            return nil
        }
        let id = frame["id"] ?? .null
        guard frame["type"]?.stringValue == "req", frame["method"]?.stringValue == "connect" else {
            await sender.send(GatewayProtocol.response(id: id, error: .invalid("first request must be connect")))
            await sender.close(.policyViolation, reason: "first request must be connect")
            return nil
        }
        let params = frame["params"] ?? .object([:])
        guard let minProtocol = params["minProtocol"]?.intValue, let maxProtocol = params["maxProtocol"]?.intValue else {
            await sender.send(GatewayProtocol.response(id: id, error: .invalid("connect params need minProtocol and maxProtocol")))
            await sender.close(.policyViolation, reason: "invalid connect params")
            return nil
        }
        guard let version = GatewayProtocol.negotiate(min: minProtocol, max: maxProtocol) else {
            let error = GatewayError(
                "INVALID_REQUEST",
                "protocol mismatch: client speaks \(minProtocol)…\(maxProtocol), gateway speaks \(GatewayProtocol.oldestSupported)…\(GatewayProtocol.current)",
                details: [
                    "code": "PROTOCOL_MISMATCH", "expectedProtocol": .number(Double(GatewayProtocol.current)),
                    "minProtocol": .number(Double(GatewayProtocol.oldestSupported)),
                    "maxProtocol": .number(Double(GatewayProtocol.current)),
                ])
            await sender.send(GatewayProtocol.response(id: id, error: error))
            await sender.close(.policyViolation, reason: "protocol mismatch")
            return nil
        }
        switch await services.authenticator.authenticate(params: params, upgrade: upgrade) {
        case .failure(let error):
            logger.notice(
                "websocket auth failed",
                metadata: ["peer": .string(upgrade.peerIP), "reason": .string(error.details?["code"]?.stringValue ?? error.code)])
            await sender.send(GatewayProtocol.response(id: id, error: error))
            await sender.close(.policyViolation, reason: "unauthorized")
            return nil
        case .success(let identity):
            let hello = await services.helloPayload(protocol: version, identity: identity, connId: Secrets.randomToken(byteCount: 8))
            await sender.send(GatewayProtocol.response(id: id, payload: hello))
            logger.info(
                "websocket connected",
                metadata: [
                    "peer": .string(upgrade.peerIP), "protocol": .stringConvertible(version),
                    "client": .string(params["client"]?["id"]?.stringValue ?? "unknown"),
                ])
            return identity
        }
    }
}

/// Serialises writes to one socket and swallows write errors (a closed peer just ends the connection).
actor FrameSender {
    private let outbound: WebSocketOutboundWriter
    private var closed = false

    init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    func send(_ frame: JSONValue) async {
        guard !closed else { return }
        do {
            try await outbound.write(.text(frame.serialized()))
        } catch {
            closed = true
        }
    }

    func close(_ code: WebSocketErrorCode, reason: String) async {
        guard !closed else { return }
        closed = true
        try? await outbound.close(code, reason: reason)
    }
}

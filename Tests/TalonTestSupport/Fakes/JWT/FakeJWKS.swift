import Foundation
import Hummingbird
import NIOCore
import Synchronization
import _CryptoExtras

/// A loopback JWKS endpoint (`GET /.well-known/jwks.json`) serving RS256 public keys as
/// `{"keys":[{kty,kid,use,alg,n,e}]}`. Counts fetches, can rotate its keys and can go down (503).
public final class FakeJWKS: Sendable {
    public static let path = "/.well-known/jwks.json"

    private struct State {
        var keys: [(kid: String, key: _RSA.Signing.PublicKey)]
        var fetchCount = 0
        var down = false
    }

    /// Shared between this object and the route handler.
    private final class StateBox: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    public let port: Int
    private let box: StateBox
    private let task: Task<Void, Never>

    public var url: String { "http://127.0.0.1:\(port)\(Self.path)" }
    /// GETs received so far (also while down).
    public var fetchCount: Int { box.state.withLock { $0.fetchCount } }

    private init(port: Int, box: StateBox, task: Task<Void, Never>) {
        self.port = port
        self.box = box
        self.task = task
    }

    public static func start(keys: [(kid: String, key: _RSA.Signing.PublicKey)]) async throws -> FakeJWKS {
        let box = StateBox(State(keys: keys))
        let router = Router()
        router.get(RouterPath(stringLiteral: path)) { _, _ -> Response in
            let (body, down) = box.state.withLock { state -> (String, Bool) in
                state.fetchCount += 1
                return (state.down ? "" : Self.document(state.keys), state.down)
            }
            if down { return Response(status: .serviceUnavailable) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let (port, task) = try await FakeServerBoot.start(router: router, label: "fake-jwks")
        return FakeJWKS(port: port, box: box, task: task)
    }

    /// Replaces the served key set (key rotation).
    public func setKeys(_ keys: [(kid: String, key: _RSA.Signing.PublicKey)]) { box.state.withLock { $0.keys = keys } }

    /// While down, every fetch answers 503 (still counted).
    public func setDown(_ down: Bool) { box.state.withLock { $0.down = down } }

    public func stop() { task.cancel() }

    /// The JWKS JSON for these keys.
    public static func document(_ keys: [(kid: String, key: _RSA.Signing.PublicKey)]) -> String {
        let entries: [[String: Any]] = keys.compactMap { entry in
            guard let primitives = try? entry.key.getKeyPrimitives() else { return nil }
            return [
                "kty": "RSA", "kid": entry.kid, "use": "sig", "alg": "RS256",
                "n": TestJWT.base64URL(Array(primitives.modulus)), "e": TestJWT.base64URL(Array(primitives.publicExponent)),
            ]
        }
        return String(decoding: TestJWT.json(["keys": entries]), as: UTF8.self)
    }
}

import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A loopback HashiCorp Vault with one KV v2 mount, faithful to the HTTP API the secrets backend uses
/// (Debian has no Vault server): `X-Vault-Token` checked (403 `{"errors":["permission denied"]}`),
/// `GET /v1/<mount>/data/<path>` with Vault's full response envelope and version metadata, a missing
/// secret as 404 `{"errors":[]}`, an unknown route as 404 with a "no handler" message, `POST`/`PUT`
/// creating a new version (with `options.cas`). Tests script failures and stalls, read the recorded
/// requests, and read or set stored secrets directly.
public final class FakeVault: Sendable {
    public let port: Int
    public let token: String
    public let mount: String
    let state: FakeVaultLockedState
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`, to pass as `VAULT_ADDR`.
    public var address: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, token: String, mount: String, state: FakeVaultLockedState, task: Task<Void, Never>) {
        self.port = port
        self.token = token
        self.mount = mount
        self.state = state
        self.task = task
    }

    /// Starts on 127.0.0.1 and a free port. With `namespace`, requests must carry that
    /// `X-Vault-Namespace` (else 403, as a token outside the namespace gets).
    public static func start(token: String = "fake-vault-root-token", mount: String = "secret", namespace: String? = nil) async throws
        -> FakeVault
    {
        let state = FakeVaultLockedState(FakeVaultState(token: token, mount: mount, namespace: namespace))
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let recorded = try await FakeServerBoot.record(request)
            let (stall, response) = state.withLock { $0.handle(recorded) }
            if let stall { try await Task.sleep(for: .seconds(stall)) }
            return response.hummingbird
        }
        router.get("/**", use: handler)
        router.post("/**", use: handler)
        router.put("/**", use: handler)
        router.delete("/**", use: handler)
        let (port, task) = try await FakeServerBoot.start(router: router, label: "talon.fake-vault")
        return FakeVault(port: port, token: token, mount: mount, state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        await task.value
    }

    // MARK: - Controls

    /// The next `count` requests answer `status` (Vault's texts: 503 "Vault is sealed", else
    /// "internal error"), before any token check.
    public func failNext(_ count: Int = 1, status: Int = 503) {
        state.withLock { $0.failures.append(contentsOf: Array(repeating: status, count: count)) }
    }

    /// The next request is recorded at once but answered only after `seconds`.
    public func stallNext(seconds: Double) {
        state.withLock { $0.stalls.append(seconds) }
    }

    /// Every request received so far, oldest first.
    public var requests: [FakeRequest] { state.withLock { $0.requests } }

    /// Stores a new version of `path` (no mount) holding string values.
    public func setSecret(path: String, data: [String: String]) {
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])) ?? Data("{}".utf8)
        state.withLock { $0.store(path: path, dataJSON: json) }
    }

    /// Stores a new version from a JSON object text, for values that are not strings (`{"port": 5432}`).
    public func setSecret(path: String, json: String) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) is [String: Any] else {
            throw FakeVaultError(description: "setSecret(json:) needs a JSON object")
        }
        state.withLock { $0.store(path: path, dataJSON: Data(json.utf8)) }
    }

    /// The latest live version's string values (other JSON values as their text); nil when missing
    /// or deleted.
    public func secret(path: String) -> [String: String]? {
        guard let json = state.withLock({ $0.latest(path)?.live }) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        return object.mapValues { value in (value as? String) ?? "\(value)" }
    }

    /// The latest version number of `path` (1 after the first write), nil when never written.
    public func version(path: String) -> Int? { state.withLock { $0.secrets[path]?.count } }

    /// Soft-deletes the latest version, as `DELETE /v1/<mount>/data/<path>` does: reads answer 404
    /// with the metadata and `data: null`.
    public func deleteLatest(path: String) {
        state.withLock { $0.deleteLatest(path) }
    }
}

/// The state behind its lock, in a class so the route closures can share it.
final class FakeVaultLockedState: Sendable {
    private let mutex: Mutex<FakeVaultState>
    init(_ state: FakeVaultState) { mutex = Mutex(state) }
    func withLock<T: Sendable>(_ body: (inout FakeVaultState) -> T) -> T { mutex.withLock { body(&$0) } }
}

public struct FakeVaultError: Error, CustomStringConvertible {
    public var description: String
}

/// A canned answer, built under the lock and turned into a Hummingbird response outside it.
struct FakeVaultResponse {
    var status: Int
    var body: Data

    var hummingbird: Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ status: Int, _ object: [String: Any]) -> FakeVaultResponse {
        FakeVaultResponse(status: status, body: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    static func errors(_ status: Int, _ messages: [String]) -> FakeVaultResponse { json(status, ["errors": messages]) }
}

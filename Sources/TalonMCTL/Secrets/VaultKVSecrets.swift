import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HashiCorp Vault KV v2 over HTTP: `GET`/`POST /v1/<mount>/data/<path>` with `X-Vault-Token` (and
/// `X-Vault-Namespace` for Vault Enterprise namespaces). Values that are not strings in Vault
/// (numbers, booleans, nested JSON) come back as their JSON text, so a secret written by other tools
/// still reads.
public struct VaultKVSecrets: PlatformSecrets, CustomStringConvertible, CustomReflectable {
    /// `VAULT_ADDR` without a trailing slash.
    public let address: String
    public let mount: String
    public let namespace: String?
    public let timeoutSeconds: Double
    private let token: String
    private let httpClient: HTTPClient

    public var backendName: String { "vault" }

    /// `httpClient` nil → a shared process-lifetime client that refuses redirects (nothing to shut down).
    public init(
        address: String, token: String, mount: String = "secret", namespace: String? = nil, timeoutSeconds: Double = 10,
        httpClient: HTTPClient? = nil
    ) {
        self.address = MCTLHTTP.trimmedBase(address)
        self.token = token
        self.mount = mount.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.timeoutSeconds = timeoutSeconds
        self.httpClient = httpClient ?? MCTLHTTP.shared
    }

    /// `VAULT_ADDR` unset or empty → nil (use another backend). Set → `VAULT_TOKEN` is required;
    /// `VAULT_NAMESPACE` and `VAULT_KV_MOUNT` (default `secret`) are optional.
    public static func fromEnvironment(_ environment: [String: String], httpClient: HTTPClient? = nil) throws -> VaultKVSecrets? {
        guard let address = environment["VAULT_ADDR"]?.trimmingCharacters(in: .whitespacesAndNewlines), !address.isEmpty else {
            return nil
        }
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else {
            throw PlatformSecretsError.invalidConfiguration("VAULT_ADDR must be an http(s) URL such as https://vault.example:8200")
        }
        guard let token = environment["VAULT_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw PlatformSecretsError.invalidConfiguration("VAULT_ADDR is set but VAULT_TOKEN is empty")
        }
        let mount = environment["VAULT_KV_MOUNT"].flatMap { $0.isEmpty ? nil : $0 } ?? "secret"
        return VaultKVSecrets(
            address: address, token: token, mount: mount, namespace: environment["VAULT_NAMESPACE"], httpClient: httpClient)
    }

    public var description: String { "VaultKVSecrets(\(address), mount: \(mount))" }
    /// Keeps the token out of `dump`, `print` and debugger summaries.
    public var customMirror: Mirror { Mirror(self, children: ["address": address, "mount": mount, "namespace": namespace as Any]) }

    public func read(path: String) async throws -> [String: String]? {
        let answer = try await send(.GET, path: path, body: nil)
        switch answer.status {
        case 200:
            guard let envelope = try? JSONDecoder().decode(VaultReadEnvelope.self, from: answer.body) else {
                throw PlatformSecretsError.badResponse(backend: "vault", detail: "the read of \"\(path)\" is not a KV v2 JSON answer")
            }
            // A deleted or destroyed latest version reads as `data: null`.
            guard let data = envelope.data?.data else { return nil }
            return data.compactMapValues { $0.stringValue }
        case 404:
            // A missing secret is 404 with an empty `errors` list; a missing mount or route carries
            // messages ("no handler for route …") and is a configuration problem, not "no secret".
            let messages = Self.errorMessages(answer.body, redacting: token)
            guard messages.isEmpty else { throw PlatformSecretsError.backendError(backend: "vault", status: 404, messages: messages) }
            return nil
        default:
            throw failure(answer, path: path)
        }
    }

    public func write(path: String, data: [String: String]) async throws {
        let body = try JSONEncoder().encode(VaultWriteBody(data: data))
        let answer = try await send(.POST, path: path, body: body)
        guard answer.ok else { throw failure(answer, path: path) }
    }

    // MARK: - HTTP

    private func send(_ method: HTTPMethod, path: String, body: Data?) async throws -> MCTLHTTP.Answer {
        let segments = try PlatformSecretPath.validated(path)
        let encodedPath = segments.map(MCTLHTTP.encodePathSegment).joined(separator: "/")
        let mountPath = mount.split(separator: "/").map { MCTLHTTP.encodePathSegment(String($0)) }.joined(separator: "/")
        var request = HTTPClientRequest(url: "\(address)/v1/\(mountPath)/data/\(encodedPath)")
        request.method = method
        request.headers.add(name: "X-Vault-Token", value: token)
        request.headers.add(name: "X-Vault-Request", value: "true")
        request.headers.add(name: "Accept", value: "application/json")
        if let namespace { request.headers.add(name: "X-Vault-Namespace", value: namespace) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            return try await MCTLHTTP.send(request, client: httpClient, timeoutSeconds: timeoutSeconds)
        } catch MCTLHTTP.Failure.timedOut(let seconds) {
            throw PlatformSecretsError.unreachable(backend: "vault at \(address)", detail: "no answer within \(seconds) s")
        } catch MCTLHTTP.Failure.transport(let detail) {
            throw PlatformSecretsError.unreachable(backend: "vault at \(address)", detail: detail)
        }
    }

    private func failure(_ answer: MCTLHTTP.Answer, path: String) -> PlatformSecretsError {
        let messages = Self.errorMessages(answer.body, redacting: token)
        switch answer.status {
        case 403:
            return .permissionDenied(backend: "vault", path: path, messages: messages)
        case 300..<400:
            return .badResponse(backend: "vault", detail: "HTTP \(answer.status) redirect (not followed, it would carry the token)")
        case 200..<300:
            return .badResponse(backend: "vault", detail: "HTTP \(answer.status) without the expected body")
        default:
            return .backendError(backend: "vault", status: answer.status, messages: messages)
        }
    }

    /// Vault's `{"errors": [...]}` messages, with any occurrence of the token removed (defence in
    /// depth: Vault does not echo it, a proxy in front of it might).
    static func errorMessages(_ body: Data, redacting token: String) -> [String] {
        guard let decoded = try? JSONDecoder().decode(VaultErrorBody.self, from: body) else { return [] }
        return (decoded.errors ?? []).map { message in
            token.isEmpty ? message : message.replacingOccurrences(of: token, with: "<redacted>")
        }
    }
}

private struct VaultReadEnvelope: Decodable {
    struct Inner: Decodable { var data: [String: VaultJSONValue]? }
    var data: Inner?
}

private struct VaultWriteBody: Encodable { var data: [String: String] }

private struct VaultErrorBody: Decodable { var errors: [String]? }

/// Any JSON value a KV v2 secret may hold, read back as text.
enum VaultJSONValue: Codable, Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case array([VaultJSONValue])
    case object([String: VaultJSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([VaultJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: VaultJSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// Strings as they are; numbers and booleans as JSON writes them; arrays and objects as compact
    /// JSON text; null → nil (the key is left out).
    var stringValue: String? {
        switch self {
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .array, .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) }
        case .null: return nil
        }
    }
}

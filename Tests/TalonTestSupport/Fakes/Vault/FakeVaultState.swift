import Foundation

/// One stored version of a KV v2 secret.
struct FakeVaultVersion {
    var dataJSON: Data
    var created: Date
    var deleted: Date?
    /// The data while the version is not deleted.
    var live: Data? { deleted == nil ? dataJSON : nil }
}

/// The fake Vault's state, only touched under its mutex.
struct FakeVaultState {
    let token: String
    let mount: String
    let namespace: String?
    /// Path (no mount) → versions, version N at index N−1.
    var secrets: [String: [FakeVaultVersion]] = [:]
    var requests: [FakeRequest] = []
    var failures: [Int] = []
    var stalls: [Double] = []

    init(token: String, mount: String, namespace: String?) {
        self.token = token
        self.mount = mount
        self.namespace = namespace
    }

    func latest(_ path: String) -> FakeVaultVersion? { secrets[path]?.last }

    mutating func store(path: String, dataJSON: Data) {
        secrets[path, default: []].append(FakeVaultVersion(dataJSON: dataJSON, created: Date()))
    }

    mutating func deleteLatest(_ path: String) {
        guard let count = secrets[path]?.count, count > 0 else { return }
        secrets[path]?[count - 1].deleted = Date()
    }

    /// Records the request, then answers it as Vault would (or as scripted).
    mutating func handle(_ request: FakeRequest) -> (stall: Double?, response: FakeVaultResponse) {
        requests.append(request)
        let stall = stalls.isEmpty ? nil : stalls.removeFirst()
        if !failures.isEmpty {
            let status = failures.removeFirst()
            return (stall, .errors(status, [status == 503 ? "Vault is sealed" : "internal error"]))
        }
        guard request.header("X-Vault-Token") == token, namespace == nil || request.header("X-Vault-Namespace") == namespace else {
            return (stall, .errors(403, ["permission denied"]))
        }
        let prefix = "/v1/\(mount)/data/"
        guard request.path.hasPrefix(prefix), request.path.count > prefix.count else {
            let route = request.path.hasPrefix("/v1/") ? String(request.path.dropFirst(4)) : request.path
            return (stall, .errors(404, ["no handler for route \"\(route)\". route entry not found."]))
        }
        let path = String(request.path.dropFirst(prefix.count))
        switch request.method {
        case "GET":
            return (stall, read(path, version: request.query["version"].flatMap { Int($0) }))
        case "POST", "PUT":
            return (stall, write(path, body: request.bodyText))
        default:
            return (stall, .errors(405, ["unsupported operation"]))
        }
    }

    private func read(_ path: String, version: Int?) -> FakeVaultResponse {
        guard let versions = secrets[path], !versions.isEmpty else { return .errors(404, []) }
        let number = version.flatMap { $0 > 0 ? $0 : nil } ?? versions.count
        guard number <= versions.count else { return .errors(404, []) }
        let stored = versions[number - 1]
        let metadata = Self.metadata(stored, version: number)
        guard let live = stored.live, let object = try? JSONSerialization.jsonObject(with: live) else {
            // A deleted version: 404 with the metadata and no data, as Vault answers.
            return .json(404, Self.envelope(["data": NSNull(), "metadata": metadata]))
        }
        return .json(200, Self.envelope(["data": object, "metadata": metadata]))
    }

    private mutating func write(_ path: String, body: String) -> FakeVaultResponse {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            return .errors(400, ["failed to parse JSON input: invalid character"])
        }
        guard let data = object["data"] as? [String: Any] else { return .errors(400, ["no data provided"]) }
        let current = secrets[path]?.count ?? 0
        if let options = object["options"] as? [String: Any], let cas = options["cas"] as? Int, cas != current {
            return .errors(400, ["check-and-set parameter did not match the current version"])
        }
        guard let json = try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]) else {
            return .errors(400, ["no data provided"])
        }
        store(path: path, dataJSON: json)
        return .json(200, Self.envelope(Self.metadata(secrets[path]!.last!, version: current + 1)))
    }

    private static func metadata(_ version: FakeVaultVersion, version number: Int) -> [String: Any] {
        [
            "created_time": timestamp(version.created), "custom_metadata": NSNull(),
            "deletion_time": version.deleted.map(timestamp) ?? "", "destroyed": false, "version": number,
        ]
    }

    /// Vault's response wrapper around `data`.
    private static func envelope(_ data: [String: Any]) -> [String: Any] {
        [
            "request_id": UUID().uuidString.lowercased(), "lease_id": "", "renewable": false, "lease_duration": 0,
            "data": data, "wrap_info": NSNull(), "warnings": NSNull(), "auth": NSNull(),
        ]
    }

    /// RFC 3339 with nanoseconds, as Vault writes `created_time`.
    private static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos = Int((date.timeIntervalSince1970 - seconds) * 1e9)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let base = formatter.string(from: Date(timeIntervalSince1970: seconds))
        return base.replacingOccurrences(of: "Z", with: String(format: ".%09dZ", nanos))
    }
}

import Foundation
import TalonCore
import Yams

/// A CPU/memory pair as Kubernetes quantities.
struct ResourceAmounts: Sendable, Equatable, Codable {
    var cpu: String
    var memory: String
}

/// A named sizing for an OpenClaw (or Talon) pod: requests, limits and the Node heap cap.
struct ResourceProfile: Sendable, Equatable, Codable {
    var name: String
    var requests: ResourceAmounts
    var limits: ResourceAmounts
    /// `--max-old-space-size` in MB; nil for runtimes that are not Node (a Talon profile).
    var nodeMaxOldSpaceMB: Int?

    /// `--max-old-space-size=N`, or nil when the profile sets no Node heap.
    var nodeOptions: String? {
        nodeMaxOldSpaceMB.map { "--max-old-space-size=\($0)" }
    }

    /// The API's `profileSpec`: `{name, requests{cpu,memory}, limits{cpu,memory}, nodeOptions?}`.
    var spec: JSONValue {
        var result: [String: JSONValue] = [
            "name": .string(name),
            "requests": ["cpu": .string(requests.cpu), "memory": .string(requests.memory)],
            "limits": ["cpu": .string(limits.cpu), "memory": .string(limits.memory)],
        ]
        if let nodeOptions { result["nodeOptions"] = .string(nodeOptions) }
        return .object(result)
    }

    /// Nil when every quantity parses and requests do not exceed limits; otherwise the reason.
    var validationProblem: String? {
        let pairs = [
            ("requests.cpu", requests.cpu), ("limits.cpu", limits.cpu), ("requests.memory", requests.memory),
            ("limits.memory", limits.memory),
        ]
        for (field, value) in pairs where K8sQuantity.value(value) == nil {
            return "profile \(name): \(field) \"\(value)\" is not a Kubernetes quantity"
        }
        if K8sQuantity.isAtLeast(limits.cpu, requests.cpu) == false { return "profile \(name): requests.cpu exceeds limits.cpu" }
        if K8sQuantity.isAtLeast(limits.memory, requests.memory) == false {
            return "profile \(name): requests.memory exceeds limits.memory"
        }
        if let heap = nodeMaxOldSpaceMB, heap <= 0 { return "profile \(name): nodeMaxOldSpaceMB must be positive" }
        return nil
    }
}

/// The profile table is configuration: the built-in rows are the platform code's newest table
/// (§2.6, which differs from its docs), and a file can add rows or override them by name.
struct ResourceProfileTable: Sendable, Equatable {
    private(set) var profiles: [ResourceProfile]

    static let startupName = "startup"

    static let builtIn = ResourceProfileTable(profiles: [
        ResourceProfile(
            name: "startup", requests: .init(cpu: "500m", memory: "1Gi"), limits: .init(cpu: "2", memory: "4Gi"), nodeMaxOldSpaceMB: 3072),
        ResourceProfile(
            name: "steady-medium", requests: .init(cpu: "350m", memory: "1Gi"), limits: .init(cpu: "1500m", memory: "3Gi"),
            nodeMaxOldSpaceMB: 2048),
        ResourceProfile(
            name: "steady-small", requests: .init(cpu: "250m", memory: "768Mi"), limits: .init(cpu: "1", memory: "2560Mi"),
            nodeMaxOldSpaceMB: 1792),
    ])

    init(profiles: [ResourceProfile]) {
        self.profiles = profiles
    }

    var names: [String] { profiles.map(\.name) }

    subscript(name: String) -> ResourceProfile? {
        profiles.first { $0.name == name }
    }

    /// Adds a profile, replacing one of the same name in place.
    mutating func upsert(_ profile: ResourceProfile) {
        if let index = profiles.firstIndex(where: { $0.name == profile.name }) {
            profiles[index] = profile
        } else {
            profiles.append(profile)
        }
    }

    /// The built-in table extended by a file: JSON or YAML, either a list of profiles or
    /// `{profiles: [...]}`. Set `replaceBuiltIn: true` in the object form to drop the built-ins.
    static func load(contentsOf url: URL) throws(ResourceProfileTableError) -> ResourceProfileTable {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ResourceProfileTableError(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path)
    }

    /// See `load(contentsOf:)`; YAML is a superset of JSON, so one decoder reads both.
    static func parse(_ text: String, file: String = "<inline>") throws(ResourceProfileTableError) -> ResourceProfileTable {
        struct Wrapped: Decodable {
            var profiles: [ResourceProfile]
            var replaceBuiltIn: Bool?
        }
        let decoder = YAMLDecoder()
        var table = builtIn
        let extra: [ResourceProfile]
        if let list = try? decoder.decode([ResourceProfile].self, from: text) {
            extra = list
        } else {
            do {
                let wrapped = try decoder.decode(Wrapped.self, from: text)
                if wrapped.replaceBuiltIn == true { table = ResourceProfileTable(profiles: []) }
                extra = wrapped.profiles
            } catch {
                throw ResourceProfileTableError(file: file, reason: "expected a list of profiles or {profiles: [...]}: \(error)")
            }
        }
        for profile in extra {
            if let problem = profile.validationProblem { throw ResourceProfileTableError(file: file, reason: problem) }
            table.upsert(profile)
        }
        guard table[startupName] != nil else {
            throw ResourceProfileTableError(file: file, reason: "the table must keep a \"startup\" profile (deploys start with it)")
        }
        return table
    }
}

struct ResourceProfileTableError: Error, Sendable, Equatable, CustomStringConvertible {
    var file: String
    var reason: String
    var description: String { "invalid resource profile file \(file): \(reason)" }
}

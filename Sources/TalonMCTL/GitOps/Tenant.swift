import Foundation
import Yams

/// A member's role in a tenant, as the platform's GitOps tenant values spell it.
enum TenantRole: String, Sendable, Codable, CaseIterable {
    case owner
    case developer
    case viewer
}

/// One `tenant.members[]` entry.
struct TenantMember: Sendable, Equatable, Codable {
    var userId: String
    var role: TenantRole
}

/// A tenant read from `platform-gitops/tenants/<team>/values.yaml`. Only the fields the OpenClaw
/// tools need are modelled; unknown keys are ignored so platform-side additions never break us.
struct Tenant: Sendable, Equatable {
    var name: String
    var members: [TenantMember]
    /// Quota values keyed as in the file (`requests.cpu`, `limits.memory`, …), always as strings.
    var quotas: [String: String]
    /// `networking.*` scalars as strings (`allowInternetEgress` → "true").
    var networking: [String: String]

    /// Where the platform keeps a team's tenant values.
    static func valuesPath(team: String) -> String {
        "platform-gitops/tenants/\(team)/values.yaml"
    }

    func role(of userId: String) -> TenantRole? {
        members.first { $0.userId == userId }?.role
    }

    /// Parses the tenant values file; `file` only labels errors.
    static func parse(yaml text: String, file: String) throws(TenantParseError) -> Tenant {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw TenantParseError(file: file, reason: "invalid YAML: \(error)")
        }
        guard let root = node?.mapping else {
            throw TenantParseError(file: file, reason: "top level is not a mapping")
        }
        guard let tenant = root["tenant"]?.mapping else {
            throw TenantParseError(file: file, reason: "missing `tenant` mapping")
        }
        guard let name = tenant["name"]?.scalar?.string, !name.isEmpty else {
            throw TenantParseError(file: file, reason: "missing `tenant.name`")
        }
        var members: [TenantMember] = []
        if let list = tenant["members"] {
            guard let sequence = list.sequence else {
                throw TenantParseError(file: file, reason: "`tenant.members` is not a list")
            }
            for (index, entry) in sequence.enumerated() {
                guard let member = entry.mapping,
                    let userId = member["userId"]?.scalar?.string, !userId.isEmpty
                else {
                    throw TenantParseError(file: file, reason: "`tenant.members[\(index)]` has no userId")
                }
                // A role this server does not know grants nothing, rather than making the whole tenant unreadable.
                let roleText = (member["role"]?.scalar?.string ?? "").lowercased()
                guard let role = TenantRole(rawValue: roleText) else { continue }
                members.append(TenantMember(userId: userId, role: role))
            }
        }
        return Tenant(
            name: name,
            members: members,
            quotas: try scalars(tenant["quotas"], key: "tenant.quotas", file: file),
            networking: try scalars(tenant["networking"], key: "tenant.networking", file: file)
        )
    }

    /// Flattens a mapping of scalars; nested mappings are skipped (tolerant of future shapes).
    private static func scalars(_ node: Node?, key: String, file: String) throws(TenantParseError) -> [String: String] {
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            if let text = node.scalar?.string, ["", "~", "null", "Null", "NULL"].contains(text) { return [:] }
            throw TenantParseError(file: file, reason: "`\(key)` is not a mapping")
        }
        var result: [String: String] = [:]
        flatten(mapping, prefix: "", into: &result)
        return result
    }

    /// `{requests: {cpu: 1}}` reads as `requests.cpu`, the same as the dotted key ResourceQuota uses.
    private static func flatten(_ mapping: Node.Mapping, prefix: String, into result: inout [String: String]) {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else { continue }
            if let value = valueNode.scalar?.string {
                result[prefix + name] = value
            } else if let nested = valueNode.mapping {
                flatten(nested, prefix: prefix + name + ".", into: &result)
            }
        }
    }
}

/// A tenant file that exists but cannot be understood; names the file and the reason.
struct TenantParseError: Error, Sendable, Equatable, CustomStringConvertible {
    var file: String
    var reason: String
    var description: String { "malformed tenant file \(file): \(reason)" }
}

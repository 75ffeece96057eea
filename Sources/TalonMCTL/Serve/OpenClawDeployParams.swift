import Foundation
import TalonCore

/// The parameters `mctl_deploy_openclaw` and `mctl_resume_openclaw_deploy` share (and their REST bodies).
struct OpenClawDeployParams: Sendable, Equatable {
    static let defaultComponent = "openclaw"
    static let defaultModel = "openai-codex/gpt-5.4"

    var team: String
    var component: String
    /// Deduplicated, in the order given.
    var ownerIDs: [String]
    var defaultModel: String
    var host: String

    /// Parses `team_name`*, `component_name`, `telegram_owner_ids` (CSV; also a JSON array), the deprecated
    /// `telegram_owner_id`, `default_model` and `host` (default `{team}-{component}.mctl.ai`).
    init(arguments: [String: JSONValue]) throws(PlatformFailure) {
        team = try PlatformArguments.name(arguments, "team_name", required: true) ?? ""
        component = try PlatformArguments.name(arguments, "component_name", required: false) ?? Self.defaultComponent
        var raw: [String] = []
        switch arguments["telegram_owner_ids"] {
        case .string(let csv): raw += csv.split(separator: ",").map { String($0) }
        case .array(let items): raw += items.map { $0.stringValue ?? $0.intValue.map(String.init) ?? "" }
        case .number(let number): raw.append(Int64(exactly: number).map(String.init) ?? "\(number)")
        case .null, .none: break
        default: throw .badRequest("telegram_owner_ids must be a comma-separated list of Telegram user ids")
        }
        if let single = arguments["telegram_owner_id"], !single.isNull {
            raw.append(single.stringValue ?? single.intValue.map(String.init) ?? "")
        }
        var seen = Set<String>()
        ownerIDs = []
        for entry in raw {
            let id = entry.trimmingCharacters(in: .whitespaces)
            if id.isEmpty { continue }
            guard id.count <= 20, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .badRequest("invalid telegram owner id \"\(id)\": expected 1-20 digits")
            }
            if seen.insert(id).inserted { ownerIDs.append(id) }
        }
        let model = arguments["default_model"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        defaultModel = model.isEmpty ? Self.defaultModel : model
        let givenHost = arguments["host"]?.stringValue?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if givenHost.isEmpty {
            host = "\(team)-\(component).mctl.ai"
        } else {
            guard PlatformArguments.isHostname(givenHost) else { throw .badRequest("host must be a DNS name like team-openclaw.mctl.ai") }
            host = givenHost
        }
    }

    var dashboardURL: String { "https://\(host)/" }
}

/// Argument readers shared by the operations: names are validated before they reach a file path.
enum PlatformArguments {
    /// A Kubernetes-style name (`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`), so it is safe as a path component.
    static func name(_ arguments: [String: JSONValue], _ key: String, required: Bool) throws(PlatformFailure) -> String? {
        guard let value = arguments[key], !value.isNull else {
            if required { throw .badRequest("\(key) is required") }
            return nil
        }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces) else { throw .badRequest("\(key) must be a string") }
        if text.isEmpty {
            if required { throw .badRequest("\(key) is required") }
            return nil
        }
        guard isDNSLabel(text) else { throw .badRequest("\(key) \"\(text)\" is not a valid name (lowercase letters, digits, '-')") }
        return text
    }

    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        guard alnum(bytes[0]), alnum(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }

    static func isHostname(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.count >= 2 && labels.allSatisfy { isDNSLabel(String($0)) }
    }
}

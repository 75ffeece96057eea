import Foundation
import TalonCore

/// Sizing recommendation and resource-profile changes.
extension OpenClawPlatform {
    func sizingRecommendation(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try PlatformArguments.name(arguments, "team_name", required: true) ?? ""
        let service = try PlatformArguments.name(arguments, "component_name", required: false) ?? OpenClawDeployParams.defaultComponent
        let lookback = try Self.lookbackHours(arguments["lookback_hours"])
        let tenant = try await tenant(team)
        try requireMember(caller, of: tenant)
        try await requireService(team: team, service: service)
        let recommendation: OpenClawSizingRecommendation
        do {
            recommendation = try await sizing.recommend(team: team, app: service, lookbackHours: lookback)
        } catch OpenClawSizingError.metrics(let error) {
            throw PlatformFailure(status: 502, message: "metrics query failed: \(error)")
        } catch {
            throw PlatformFailure.badRequest("\(error)")
        }
        guard case .object(var body)? = try? JSON5.parse(String(decoding: try JSONEncoder().encode(recommendation), as: UTF8.self))
        else { throw PlatformFailure(status: 500, message: "cannot encode the sizing recommendation") }
        body["profileSpec"] = profiles[recommendation.profile.rawValue]?.spec ?? .null
        // Without usage data the keys are still there (all zero), so clients read one shape.
        if body["stats"] == nil || body["stats"]?.isNull == true {
            body["stats"] = .object([
                "memoryMaxBytes": 0, "memoryP95Bytes": 0, "cpuMaxCores": 0, "cpuP95Cores": 0, "sampleCount": 0,
            ])
        }
        return .ok(body)
    }

    static func lookbackHours(_ value: JSONValue?) throws(PlatformFailure) -> Int {
        guard let value, !value.isNull else { return OpenClawSizing.defaultLookbackHours }
        let hours: Int? =
            switch value {
            case .number(let number): Int(exactly: number)
            case .string(let text): text.isEmpty ? OpenClawSizing.defaultLookbackHours : Int(text)
            default: nil
            }
        guard let hours, OpenClawSizing.lookbackRange.contains(hours) else {
            throw .badRequest(
                "lookback_hours must be a whole number from \(OpenClawSizing.lookbackRange.lowerBound) to \(OpenClawSizing.lookbackRange.upperBound)"
            )
        }
        return hours
    }

    func applyProfile(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let team = try PlatformArguments.name(arguments, "team_name", required: true) ?? ""
        let service = try PlatformArguments.name(arguments, "component_name", required: false) ?? OpenClawDeployParams.defaultComponent
        guard let name = arguments["profile"]?.stringValue, !name.isEmpty else { throw PlatformFailure.badRequest("profile is required") }
        guard let profile = profiles[name] else {
            throw PlatformFailure.badRequest("unknown profile \"\(name)\"; one of: \(profiles.names.joined(separator: ", "))")
        }
        let tenant = try await tenant(team)
        try requireOwner(caller, of: tenant)
        try await requireService(team: team, service: service)
        let path = ServiceValues.valuesPath(team: team, service: service)
        guard let current = try await repo.read(path) else { throw PlatformFailure.notFound("service \(team)/\(service) not found") }
        let patched: String?
        do {
            patched = try ServiceValuesPatch.apply(profile, toValuesYAML: current, file: path)
        } catch {
            throw PlatformFailure(status: 422, message: "cannot patch \(path): \(error)")
        }
        var body: [String: JSONValue] = [
            "teamName": .string(team), "componentName": .string(service), "profile": .string(profile.name),
            "profileSpec": profile.spec,
        ]
        guard let patched else {
            body["changed"] = false
            body["message"] = .string("\(team)/\(service) already runs the \(profile.name) profile; nothing to commit")
            return .ok(body)
        }
        let sha = try await commit(
            OpenClawCommitMessages.applyProfile(team: team, service: service, profile: profile.name), [.write(path: path, content: patched)]
        )
        body["changed"] = .bool(sha != nil)
        body["commit"] = sha.map { .string($0) } ?? .null
        body["workflow"] = sha.map { .string($0) } ?? .null
        body["message"] = .string("applied the \(profile.name) profile to \(team)/\(service)")
        return .ok(body)
    }
}

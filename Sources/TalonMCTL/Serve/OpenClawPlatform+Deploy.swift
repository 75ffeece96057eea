import Foundation
import TalonCore

/// Onboarding: start (checks, intake URL) and resume (database + service in one GitOps commit).
extension OpenClawPlatform {
    static let startupProfileName = "startup"
    static let telegramSecretKey = "telegram-bot-token"

    static func telegramSecretPath(team: String, service: String) -> String { "teams/\(team)/\(service)/telegram" }
    static func databaseSecretPath(team: String, service: String) -> String { "teams/\(team)/\(service)/database" }

    func botTokenIntakeURL(_ params: OpenClawDeployParams) -> String {
        var pairs = [("team", params.team), ("service", params.component), ("returnTo", params.dashboardURL)]
        // A custom host is not one the intake page trusts by name: the link carries a signature for it.
        if !IntakeRedirect.tenantHosts(team: params.team, service: params.component).contains(params.host) {
            let signature = settings.linkSigner.signature(team: params.team, service: params.component, returnTo: params.dashboardURL)
            pairs.append((IntakeLinkSigner.field, signature))
        }
        let query = pairs.map { "\($0.0)=\(MCTLHTTP.encodeQueryComponent($0.1))" }.joined(separator: "&")
        return settings.intakeBaseURL.url + "/openclaw/intake?" + query
    }

    /// Owner check, tenant, quota preflight: shared by start and resume.
    func preflight(_ params: OpenClawDeployParams, caller: MCTLCaller) async throws -> Tenant {
        let tenant = try await tenant(params.team)
        try requireOwner(caller, of: tenant)
        let missing = floor.check(tenant)
        if !missing.isEmpty {
            throw PlatformFailure.conflict(
                "tenant \(params.team) quota is below the OpenClaw startup floor",
                extra: [
                    "requiredProfile": .string(Self.startupProfileName),
                    "quotaRequirements": .array(
                        missing.map {
                            .object(["field": .string($0.field), "required": .string($0.required), "actual": .string($0.actual)])
                        }),
                ])
        }
        return tenant
    }

    func startDeploy(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let params = try OpenClawDeployParams(arguments: arguments)
        _ = try await preflight(params, caller: caller)
        if try await serviceExists(team: params.team, service: params.component) {
            throw PlatformFailure.conflict("service \(params.team)/\(params.component) already exists")
        }
        let intakeURL = botTokenIntakeURL(params)
        logger.info(
            "openclaw onboarding started",
            metadata: ["team": .string(params.team), "service": .string(params.component), "by": .string(caller.login)])
        return .ok([
            "teamName": .string(params.team),
            "componentName": .string(params.component),
            "telegramOwnerIDs": .array(params.ownerIDs.map { .string($0) }),
            "defaultModel": .string(params.defaultModel),
            "dashboardURL": .string(params.dashboardURL),
            "botTokenIntakeURL": .string(intakeURL),
            "nextStep": .string(
                "Open \(intakeURL) to save the Telegram bot token, then call mctl_resume_openclaw_deploy with the same parameters."),
            "startupProfile": .string(Self.startupProfileName),
            "quotaFloor": floor.json,
        ])
    }

    func resumeDeploy(_ arguments: [String: JSONValue], caller: MCTLCaller) async throws -> PlatformResult {
        let params = try OpenClawDeployParams(arguments: arguments)
        _ = try await preflight(params, caller: caller)
        if try await serviceExists(team: params.team, service: params.component) {
            throw PlatformFailure.conflict("service \(params.team)/\(params.component) already exists")
        }
        let saved = try await readSecret(Self.telegramSecretPath(team: params.team, service: params.component))
        guard let token = saved?[Self.telegramSecretKey], !token.isEmpty else {
            throw PlatformFailure.conflict(
                "the Telegram bot token has not been saved yet: open the intake page first",
                extra: ["botTokenIntakeURL": .string(botTokenIntakeURL(params))])
        }
        guard let startup = profiles[Self.startupProfileName] else {
            throw PlatformFailure(status: 500, message: "resource profile \"startup\" is not configured")
        }

        // The password goes to the secrets backend only; git holds the ExternalSecret that reads it.
        var input = OpenClawOnboardingInput(
            team: params.team, service: params.component, host: params.host, defaultModel: params.defaultModel, ownerIDs: params.ownerIDs)
        input.image = settings.image
        input.startupProfile = startup
        input.cnpgDir = settings.cnpgDir
        let changes: [GitOpsChange]
        do {
            changes = try await OpenClawOnboarding.changes(input, repo: repo)
        } catch let error as OpenClawOnboardingError {
            throw PlatformFailure.badRequest("\(error)")
        } catch {
            throw PlatformFailure(status: 500, message: "cannot generate the onboarding manifests: \(error)")
        }
        try await writeSecret(
            input.databaseVaultPath,
            DatabaseManifests.vaultSecret(team: params.team, app: params.component, password: Self.randomPassword()))
        if try await readSecret(input.hooksVaultPath)?["token"]?.isEmpty ?? true {
            try await writeSecret(input.hooksVaultPath, ["token": Secrets.randomToken()])
        }
        let sha = try await commit(OpenClawOnboarding.commitMessage(input), changes)
        let commit = sha ?? "unchanged"
        logger.info(
            "openclaw onboarded",
            metadata: ["team": .string(params.team), "service": .string(params.component), "commit": .string(commit)])
        return .ok(
            [
                "workflow": .string(commit),
                "databaseWorkflow": .string(commit),
                "commit": .string(commit),
                "dashboardURL": .string(params.dashboardURL),
                "message": .string(
                    "OpenClaw \(params.team)/\(params.component) committed to GitOps (database and service); it rolls out with the next sync."
                ),
                "nextSteps": [.string("Open the dashboard \(params.dashboardURL)"), "Overview -> Connect OpenAI Codex", "/connect codex"],
            ], status: 202)
    }

    /// 32 characters from [A-Za-z0-9], from the system CSPRNG.
    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    func readSecret(_ path: String) async throws -> [String: String]? {
        do {
            return try await secrets.read(path: path)
        } catch {
            throw PlatformFailure(status: 502, message: "secrets backend (\(secrets.backendName)) failed: \(error)")
        }
    }

    func writeSecret(_ path: String, _ data: [String: String]) async throws {
        do {
            try await secrets.write(path: path, data: data)
        } catch {
            throw PlatformFailure(status: 502, message: "secrets backend (\(secrets.backendName)) failed: \(error)")
        }
    }
}

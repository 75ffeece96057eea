import Foundation

/// Everything the resume step needs to generate a managed OpenClaw into the GitOps repo.
struct OpenClawOnboardingInput: Sendable, Equatable {
    var team: String
    var service: String
    var host: String
    var defaultModel: String
    var ownerIDs: [String]
    var imageRepository: String = "ghcr.io/mctlhq/mctl-openclaw"
    var imageTag: String = "latest"
    var startupProfile: ResourceProfile = ResourceProfileTable.builtIn[ResourceProfileTable.startupName]!
    var cnpgDir: String = "platform-gitops/infra-components/data/cnpg/shared"
    var mctlAPIURL: String = "https://api.mctl.ai"

    /// `image` as `repository:tag` (the default is `ghcr.io/mctlhq/mctl-openclaw:latest`).
    var image: String {
        get { "\(imageRepository):\(imageTag)" }
        set {
            // Split on the last ':' after the last '/', so registry ports are not mistaken for tags.
            let slash = newValue.lastIndex(of: "/") ?? newValue.startIndex
            if let colon = newValue[slash...].lastIndex(of: ":") {
                imageRepository = String(newValue[..<colon])
                imageTag = String(newValue[newValue.index(after: colon)...])
            } else {
                imageRepository = newValue
            }
        }
    }

    /// The host plus its mirror domain (`.mctl.ai` ↔ `.mctl.me`); just the host for other domains.
    var hosts: [String] {
        if let mirror = Self.mirrorHost(host) { return [host, mirror] }
        return [host]
    }

    static func mirrorHost(_ host: String) -> String? {
        if host.hasSuffix(".mctl.ai") { return String(host.dropLast(3)) + ".me" }
        if host.hasSuffix(".mctl.me") { return String(host.dropLast(3)) + ".ai" }
        return nil
    }

    var database: DatabaseManifests { DatabaseManifests(team: team, app: service, cnpgDir: cnpgDir) }
    var databaseSecretName: String { database.credentialsSecretName }
    var databaseVaultPath: String { database.vaultPath }
    /// Where the intake page stores `{"telegram-bot-token": …}`.
    var telegramVaultPath: String { "teams/\(team)/\(service)/telegram" }
    /// Where the caller stores `{"token": …}` for the mctl-agent hooks endpoint (optional: a
    /// random token is used in the pod when it is absent).
    var hooksVaultPath: String { "teams/\(team)/\(service)/hooks" }
}

/// Builds the single onboarding commit: database provisioning plus the service's files.
enum OpenClawOnboarding {
    /// Reads the current CNPG files from the repo and returns every change for one commit.
    /// The database password is not part of it: the caller writes `DatabaseManifests.vaultSecret`
    /// to the secrets backend first.
    static func changes(_ input: OpenClawOnboardingInput, repo: GitOpsRepo) async throws -> [GitOpsChange] {
        let database = input.database
        let cluster = try await repo.read(database.clusterPath)
        let databases = try await repo.read(database.databasesPath)
        let secrets = try await repo.read(database.secretsPath)
        return try changes(input, cluster: cluster, databases: databases, secrets: secrets)
    }

    /// Same as above from file contents (nil = file missing); pure, for tests.
    static func changes(_ input: OpenClawOnboardingInput, cluster: String?, databases: String?, secrets: String?) throws -> [GitOpsChange] {
        try OpenClawOnboardingValidation.check(input)
        var result = try input.database.changes(cluster: cluster, databases: databases, secrets: secrets)
        result.append(
            .write(
                path: ServiceValues.valuesPath(team: input.team, service: input.service), content: try OpenClawServiceValues.render(input)))
        result.append(
            .write(
                path: ServiceValues.catalogPath(team: input.team, service: input.service),
                content: try CatalogInfo.render(team: input.team, service: input.service, host: input.host)))
        return result
    }

    static func commitMessage(_ input: OpenClawOnboardingInput) -> String {
        OpenClawCommitMessages.onboard(team: input.team, service: input.service, imageTag: input.imageTag)
    }
}

/// Guards against names that would produce invalid Kubernetes objects or escape their paths.
enum OpenClawOnboardingValidation {
    /// The platform's own rule for team and app names (`wft-provision-database.yaml`).
    static var namePattern: Regex<Substring> { /^[a-z0-9][a-z0-9-]{0,30}$/ }
    static var ownerIDPattern: Regex<Substring> { /^[0-9]{1,20}$/ }
    static var hostPattern: Regex<Substring> { /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/ }

    static func check(_ input: OpenClawOnboardingInput) throws(OpenClawOnboardingError) {
        guard input.team.wholeMatch(of: namePattern) != nil else {
            throw .invalid("team name \"\(input.team)\" must match ^[a-z0-9][a-z0-9-]{0,30}$")
        }
        guard input.service.wholeMatch(of: namePattern) != nil else {
            throw .invalid("component name \"\(input.service)\" must match ^[a-z0-9][a-z0-9-]{0,30}$")
        }
        guard input.host.wholeMatch(of: hostPattern) != nil else { throw .invalid("host \"\(input.host)\" is not a DNS name") }
        // No owner ids is allowed: with `dmPolicy: pairing` the owner pairs with a code instead.
        for id in input.ownerIDs where id.wholeMatch(of: ownerIDPattern) == nil {
            throw .invalid("Telegram owner id \"\(id)\" must be 1-20 digits")
        }
        guard !input.defaultModel.isEmpty, !input.defaultModel.contains(where: \.isNewline) else {
            throw .invalid("default model is empty or multi-line")
        }
        guard !input.imageTag.isEmpty, !input.imageRepository.isEmpty else { throw .invalid("image repository and tag are required") }
    }
}

enum OpenClawOnboardingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}

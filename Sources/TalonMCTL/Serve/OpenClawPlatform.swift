import Foundation
import Logging
import Synchronization
import TalonCore

/// Where `talon mctl serve` keeps and finds things, resolved from flags and environment.
public struct OpenClawPlatformSettings: Sendable {
    /// Base of the bot-token intake URL handed out by `mctl_deploy_openclaw` (this server's public URL).
    /// Set once the listener is bound when it is derived from the bound port (`--port 0`).
    public var intakeBaseURL: PublicBaseURL
    /// The image new instances run.
    public var image: String
    /// CNPG manifests (shared cluster, databases, secrets), relative to the GitOps repo.
    public var cnpgDir: String
    /// Signs intake links whose `returnTo` is a custom host.
    var linkSigner: IntakeLinkSigner
}

/// This server's public base URL, without a trailing slash.
public final class PublicBaseURL: Sendable {
    private let value: Mutex<String>

    public init(_ url: String) { value = Mutex(url) }

    public var url: String { value.withLock { $0 } }

    func set(_ url: String) { value.withLock { $0 = url } }
}

/// The platform operations behind the MCP tools and the REST API: authorization against the tenant's members in
/// the GitOps repo, then one GitOps commit per change, secrets in the secrets backend, sizing from metrics.
struct OpenClawPlatform: Sendable {
    let repo: GitOpsRepo
    let secrets: any PlatformSecrets
    /// nil when no metrics backend is configured (sizing then answers `startup` with a note).
    let sizing: OpenClawSizing
    let profiles: ResourceProfileTable
    let floor: OpenClawQuotaFloor
    let settings: OpenClawPlatformSettings
    let logger: Logger

    /// Runs one tool; every failure becomes a result with a status, never a thrown error.
    func call(tool: String, arguments: [String: JSONValue], caller: MCTLCaller) async -> PlatformResult {
        do {
            switch tool {
            case "mctl_deploy_openclaw": return try await startDeploy(arguments, caller: caller)
            case "mctl_resume_openclaw_deploy": return try await resumeDeploy(arguments, caller: caller)
            case "mctl_get_openclaw_sizing_recommendation": return try await sizingRecommendation(arguments, caller: caller)
            case "mctl_apply_openclaw_resource_profile": return try await applyProfile(arguments, caller: caller)
            case "mctl_list_openclaw_skills": return try await listSkills(arguments, caller: caller)
            case "mctl_read_openclaw_skill": return try await readSkill(arguments, caller: caller)
            case "mctl_save_openclaw_skill": return try await saveSkill(arguments, caller: caller)
            case "mctl_delete_openclaw_skill": return try await deleteSkill(arguments, caller: caller)
            case "mctl_list_openclaw_identity": return try await listIdentity(arguments, caller: caller)
            case "mctl_read_openclaw_identity": return try await readIdentity(arguments, caller: caller)
            case "mctl_save_openclaw_identity": return try await saveIdentity(arguments, caller: caller)
            case "mctl_delete_openclaw_identity": return try await deleteIdentity(arguments, caller: caller)
            default: return .error(404, "unknown tool \"\(tool)\"")
            }
        } catch let failure as PlatformFailure {
            if failure.status >= 500 {
                logger.error("operation failed", metadata: ["tool": .string(tool), "error": .string(failure.message)])
            }
            return failure.result
        } catch {
            logger.error("operation failed", metadata: ["tool": .string(tool), "error": .string("\(error)")])
            return .error(500, "\(tool) failed: \(error)")
        }
    }

    /// Components that make the server not ready, with the reason.
    func readinessProblems() async -> [String: String] {
        var failing: [String: String] = [:]
        do {
            try await repo.validate()
        } catch {
            failing["gitops"] = "\(error)"
        }
        return failing
    }

    // MARK: Authorization

    /// The tenant from `platform-gitops/tenants/<team>/values.yaml`; 404 when there is none.
    func tenant(_ team: String) async throws -> Tenant {
        let path = Tenant.valuesPath(team: team)
        let text: String?
        do {
            text = try await repo.read(path)
        } catch {
            throw PlatformFailure(status: 500, message: "cannot read tenant \(team): \(error)")
        }
        guard let text else { throw PlatformFailure.notFound("tenant not found") }
        do {
            return try Tenant.parse(yaml: text, file: path)
        } catch {
            throw PlatformFailure(status: 500, message: "\(error)")
        }
    }

    /// mctl-api's `requireOpenClawOwner`: an admin, or a member with role owner.
    func requireOwner(_ caller: MCTLCaller, of tenant: Tenant) throws(PlatformFailure) {
        if caller.isAdmin { return }
        guard tenant.role(of: caller.login) == .owner else { throw PlatformFailure.ownerRequired }
    }

    /// Reading needs any membership (or admin).
    func requireMember(_ caller: MCTLCaller, of tenant: Tenant) throws(PlatformFailure) {
        if caller.isAdmin { return }
        guard tenant.role(of: caller.login) != nil else { throw PlatformFailure.memberRequired }
    }

    /// 404 unless `platform-gitops/services/<team>/<service>/values.yaml` exists.
    func requireService(team: String, service: String) async throws {
        guard try await serviceExists(team: team, service: service) else {
            throw PlatformFailure.notFound("service \(team)/\(service) not found")
        }
    }

    func serviceExists(team: String, service: String) async throws -> Bool {
        do {
            return try await ServiceValues.exists(in: repo, team: team, service: service)
        } catch {
            throw PlatformFailure(status: 500, message: "cannot read the GitOps repo: \(error)")
        }
    }

    /// One commit; a git failure becomes a 500 with git's reason.
    func commit(_ message: String, _ changes: [GitOpsChange]) async throws -> String? {
        do {
            return try await repo.commit(message: message, changes: changes)
        } catch {
            throw PlatformFailure(status: 500, message: "gitops commit failed: \(error)")
        }
    }
}

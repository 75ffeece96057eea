import Foundation

/// Commit subjects in the platform's conventional-commit style. The onboard and provision
/// messages are the ones the platform's workflows write (`tpl-git-commit.yaml`,
/// `wft-provision-database.yaml`); the rest follow the same `type: verb <team>/<thing>` shape:
/// `feat:` for something new appearing in the cluster, `chore:` for tuning and content edits.
enum OpenClawCommitMessages {
    /// `feat: onboard <team>/<svc> (<tag>)` — the resume step's single commit (database + service).
    static func onboard(team: String, service: String, imageTag: String) -> String {
        "feat: onboard \(team)/\(service) (\(imageTag))"
    }

    /// `feat: provision database <team>-<app>` — used when the database is provisioned on its own.
    static func provisionDatabase(databaseName: String) -> String {
        "feat: provision database \(databaseName)"
    }

    /// `chore: apply <profile> resource profile to <team>/<svc>`.
    static func applyProfile(team: String, service: String, profile: String) -> String {
        "chore: apply \(profile) resource profile to \(team)/\(service)"
    }

    /// `feat: save openclaw skill <name> for <team>`.
    static func saveSkill(team: String, name: String) -> String {
        "feat: save openclaw skill \(name) for \(team)"
    }

    /// `chore: delete openclaw skill <name> for <team>`.
    static func deleteSkill(team: String, name: String) -> String {
        "chore: delete openclaw skill \(name) for \(team)"
    }

    /// `feat: save openclaw identity <FILE> for <team>`.
    static func saveIdentity(team: String, file: String) -> String {
        "feat: save openclaw identity \(file) for \(team)"
    }

    /// `chore: delete openclaw identity <FILE> for <team>`.
    static func deleteIdentity(team: String, file: String) -> String {
        "chore: delete openclaw identity \(file) for \(team)"
    }
}

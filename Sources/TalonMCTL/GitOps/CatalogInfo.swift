import Foundation
import Yams

/// The Backstage catalog entry the portal shows for an onboarded service; the database
/// annotations are the ones the platform's provision workflow adds.
enum CatalogInfo {
    static func render(team: String, service: String, host: String, withDatabase: Bool = true) throws -> String {
        var annotations: [(String, Node)] = [
            ("backstage.io/kubernetes-id", GitOpsYAML.string("\(team)-\(service)")),
            ("backstage.io/kubernetes-namespace", GitOpsYAML.string(team)),
            ("platform.mctl.me/service-template", GitOpsYAML.string("openclaw")),
        ]
        if withDatabase {
            annotations += [
                ("platform.mctl.me/database", GitOpsYAML.string("true")),
                ("platform.mctl.me/database-team", GitOpsYAML.string(team)),
                ("platform.mctl.me/database-app", GitOpsYAML.string(service)),
            ]
        }
        let node = GitOpsYAML.map([
            ("apiVersion", GitOpsYAML.string("backstage.io/v1alpha1")),
            ("kind", GitOpsYAML.string("Component")),
            (
                "metadata",
                GitOpsYAML.map([
                    ("name", GitOpsYAML.string("\(team)-\(service)")),
                    ("description", GitOpsYAML.string("Managed OpenClaw assistant for team \(team)")),
                    ("annotations", GitOpsYAML.map(annotations)),
                    (
                        "links",
                        GitOpsYAML.list([
                            GitOpsYAML.map([("url", GitOpsYAML.string("https://\(host)/")), ("title", GitOpsYAML.string("Dashboard"))])
                        ])
                    ),
                ])
            ),
            (
                "spec",
                GitOpsYAML.map([
                    ("type", GitOpsYAML.string("service")),
                    ("lifecycle", GitOpsYAML.string("production")),
                    ("owner", GitOpsYAML.string(team)),
                ])
            ),
        ])
        return try GitOpsYAML.render(node)
    }
}

import Foundation
import Yams

/// Where a team's services live, and whether one exists (deploy → 409, sizing/profile/skills → 404).
enum ServiceValues {
    static func directory(team: String, service: String) -> String { "platform-gitops/services/\(team)/\(service)" }
    static func valuesPath(team: String, service: String) -> String { "\(directory(team: team, service: service))/values.yaml" }
    static func catalogPath(team: String, service: String) -> String { "\(directory(team: team, service: service))/catalog-info.yaml" }

    static func exists(in repo: GitOpsRepo, team: String, service: String) async throws -> Bool {
        try await repo.exists(valuesPath(team: team, service: service))
    }

    /// The values text, or nil when the service does not exist.
    static func read(in repo: GitOpsRepo, team: String, service: String) async throws -> String? {
        try await repo.read(valuesPath(team: team, service: service))
    }
}

/// The base-service chart values for a managed OpenClaw (§2.4, `service-templates/openclaw`).
/// Kept to what the pod needs to start: image, port, Recreate, secrets, resources, the config
/// map with `openclaw.json`, a setup init container that fills in tokens, and ingress.
enum OpenClawServiceValues {
    static func node(_ input: OpenClawOnboardingInput) throws -> Node {
        let configName = "\(input.service)-config"
        let json = try OpenClawConfigTemplate.render(
            allowedOrigins: input.hosts.map { "https://\($0)" }, defaultModel: input.defaultModel, ownerIDs: input.ownerIDs,
            mctlAPIURL: input.mctlAPIURL)
        let profile = input.startupProfile
        var env: [(String, Node)] = [
            ("APP_ENV", GitOpsYAML.string("production")),
            ("OPENCLAW_CONFIG_PATH", GitOpsYAML.string("/config-rw/openclaw.json")),
        ]
        if let nodeOptions = profile.nodeOptions { env.append(("NODE_OPTIONS", GitOpsYAML.string(nodeOptions))) }
        return GitOpsYAML.map([
            (
                "image",
                GitOpsYAML.map([("repository", GitOpsYAML.string(input.imageRepository)), ("tag", GitOpsYAML.string(input.imageTag))])
            ),
            ("podSecurityContext", GitOpsYAML.map([("fsGroup", GitOpsYAML.int(1000))])),
            ("service", GitOpsYAML.map([("port", GitOpsYAML.int(OpenClawConfigTemplate.gatewayPort))])),
            (
                "resources",
                GitOpsYAML.map([
                    (
                        "requests",
                        GitOpsYAML.map([
                            ("cpu", GitOpsYAML.string(profile.requests.cpu)), ("memory", GitOpsYAML.string(profile.requests.memory)),
                        ])
                    ),
                    (
                        "limits",
                        GitOpsYAML.map([
                            ("cpu", GitOpsYAML.string(profile.limits.cpu)), ("memory", GitOpsYAML.string(profile.limits.memory)),
                        ])
                    ),
                ])
            ),
            // Recreate: a second pod during a rolling update would not fit a single-pod tenant quota.
            ("strategy", GitOpsYAML.map([("type", GitOpsYAML.string("Recreate"))])),
            ("env", GitOpsYAML.map(env)),
            ("envFrom", GitOpsYAML.list([secretRef(input.databaseSecretName), secretRef("mctl-agent-api-token")])),
            ("probes", probes),
            ("initContainers", GitOpsYAML.list([setupContainer(configName: configName)])),
            (
                "extraVolumeMounts",
                GitOpsYAML.list([
                    mount("openclaw-config-rw", "/config-rw"), mount("openclaw-scripts", "/scripts", readOnly: true),
                    mount("state-data", "/home/node/.openclaw"),
                ])
            ),
            (
                "extraVolumes",
                GitOpsYAML.list([
                    GitOpsYAML.map([
                        ("name", GitOpsYAML.string("openclaw-config-tpl")),
                        ("configMap", GitOpsYAML.map([("name", GitOpsYAML.string(configName))])),
                    ]),
                    emptyDir("openclaw-config-rw"),
                    emptyDir("state-data"),
                    // The platform ships the MCP proxy script in this shared config map.
                    GitOpsYAML.map([
                        ("name", GitOpsYAML.string("openclaw-scripts")),
                        (
                            "configMap",
                            GitOpsYAML.map([
                                ("name", GitOpsYAML.string("openclaw-scripts")), ("optional", GitOpsYAML.bool(true)),
                                ("defaultMode", GitOpsYAML.int(0o755)),
                            ])
                        ),
                    ]),
                ])
            ),
            (
                "dbSecret",
                GitOpsYAML.map([
                    ("vaultPath", GitOpsYAML.string(input.databaseVaultPath)), ("secretName", GitOpsYAML.string(input.databaseSecretName)),
                ])
            ),
            ("dbInitJob", GitOpsYAML.map([("enabled", GitOpsYAML.bool(false))])),
            (
                "extraExternalSecrets",
                GitOpsYAML.map([
                    (
                        "openclaw-telegram-secret",
                        externalSecret(
                            target: "openclaw-telegram-secret", key: "OPENCLAW_TELEGRAM_TOKEN",
                            remote: "secret/data/\(input.telegramVaultPath)", property: "telegram-bot-token")
                    ),
                    (
                        "openclaw-hooks-secret",
                        externalSecret(
                            target: "openclaw-hooks-secret", key: "OPENCLAW_HOOKS_TOKEN", remote: "secret/data/\(input.hooksVaultPath)",
                            property: "token")
                    ),
                    (
                        "mctl-agent-api-token",
                        externalSecret(
                            target: "mctl-agent-api-token", key: "AGENT_API_TOKEN", remote: "secret/data/platform/mctl-agent/tokens",
                            property: "api-token")
                    ),
                ])
            ),
            // base-service renders each entry as one ConfigMap whose data keys are the entry's keys.
            ("configMaps", GitOpsYAML.map([(configName, GitOpsYAML.map([("openclaw.json", GitOpsYAML.literal(json))]))])),
            ("ingress", ingress(input)),
        ])
    }

    static func render(_ input: OpenClawOnboardingInput) throws -> String {
        let header =
            "# Service: \(input.service)\n# Team: \(input.team)\n# Template: openclaw (generated by talon mctl)\n# Chart: base-service\n"
        return header + (try GitOpsYAML.render(node(input)))
    }

    /// Reads `openclaw.json` back out of a values file (for tests and the API).
    static func openClawJSON(fromValuesYAML text: String, service: String) -> String? {
        guard let root = try? Yams.compose(yaml: text) else { return nil }
        return GitOpsYAML.value(in: root, at: ["configMaps", "\(service)-config", "openclaw.json"])?.scalar?.string
    }

    private static func ingress(_ input: OpenClawOnboardingInput) -> Node {
        GitOpsYAML.map([
            ("enabled", GitOpsYAML.bool(true)),
            (
                "forwardAuth",
                GitOpsYAML.map([
                    ("enabled", GitOpsYAML.bool(true)),
                    (
                        "address",
                        GitOpsYAML.string(
                            "https://app.mctl.ai/api/oidc-provider/forward-auth?tenant=\(input.team)&service=\(input.service)")
                    ),
                    ("trustForwardHeader", GitOpsYAML.bool(true)),
                    ("authResponseHeaders", GitOpsYAML.strings(["X-Forwarded-User", "X-Mctl-Team-Role"])),
                ])
            ),
            ("hosts", GitOpsYAML.strings(input.hosts)),
            ("annotations", GitOpsYAML.map([("cert-manager.io/cluster-issuer", GitOpsYAML.string("letsencrypt-prod"))])),
            (
                "tls",
                GitOpsYAML.list([
                    GitOpsYAML.map([("secretName", GitOpsYAML.string("\(input.service)-tls")), ("hosts", GitOpsYAML.strings(input.hosts))])
                ])
            ),
        ])
    }

    /// Copies the config template to a writable volume and fills in the tokens from Secrets. A
    /// missing hooks token becomes a random one, so the placeholder can never authenticate.
    private static func setupContainer(configName: String) -> Node {
        let script = """
            set -e
            cp /config-tpl/openclaw.json /config-rw/openclaw.json
            if [ -n "$TELEGRAM_TOKEN" ]; then
              sed -i "s|\(OpenClawConfigTemplate.telegramTokenPlaceholder)|$TELEGRAM_TOKEN|g" /config-rw/openclaw.json
            fi
            HOOKS="${HOOKS_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n')}"
            sed -i "s|\(OpenClawConfigTemplate.hooksTokenPlaceholder)|$HOOKS|g" /config-rw/openclaw.json
            mkdir -p /home/node/.openclaw
            chown -R 1000:1000 /config-rw /home/node/.openclaw

            """
        return GitOpsYAML.map([
            ("name", GitOpsYAML.string("setup")),
            ("image", GitOpsYAML.string("busybox:1.36")),
            ("command", GitOpsYAML.strings(["sh", "-c"])),
            ("args", GitOpsYAML.list([GitOpsYAML.literal(script)])),
            (
                "env",
                GitOpsYAML.list([
                    secretEnv("TELEGRAM_TOKEN", secret: "openclaw-telegram-secret", key: "OPENCLAW_TELEGRAM_TOKEN"),
                    secretEnv("HOOKS_TOKEN", secret: "openclaw-hooks-secret", key: "OPENCLAW_HOOKS_TOKEN"),
                ])
            ),
            (
                "volumeMounts",
                GitOpsYAML.list([
                    mount("openclaw-config-tpl", "/config-tpl", readOnly: true), mount("openclaw-config-rw", "/config-rw"),
                    mount("state-data", "/home/node/.openclaw"),
                ])
            ),
        ])
    }

    private static var probes: Node {
        func probe(_ path: String, _ delay: Int, _ period: Int, failureThreshold: Int? = nil) -> Node {
            var pairs: [(String, Node)] = [
                ("path", GitOpsYAML.string(path)), ("port", GitOpsYAML.string("http")),
                ("initialDelaySeconds", GitOpsYAML.int(delay)), ("periodSeconds", GitOpsYAML.int(period)),
            ]
            if let failureThreshold { pairs.append(("failureThreshold", GitOpsYAML.int(failureThreshold))) }
            return GitOpsYAML.map(pairs)
        }
        return GitOpsYAML.map([
            ("startup", probe("/healthz", 5, 5, failureThreshold: 24)),
            ("readiness", probe("/readyz", 10, 10)),
            ("liveness", probe("/healthz", 30, 20)),
        ])
    }

    private static func secretRef(_ name: String) -> Node {
        GitOpsYAML.map([("secretRef", GitOpsYAML.map([("name", GitOpsYAML.string(name))]))])
    }

    private static func secretEnv(_ name: String, secret: String, key: String) -> Node {
        GitOpsYAML.map([
            ("name", GitOpsYAML.string(name)),
            (
                "valueFrom",
                GitOpsYAML.map([
                    (
                        "secretKeyRef",
                        GitOpsYAML.map([
                            ("name", GitOpsYAML.string(secret)), ("key", GitOpsYAML.string(key)), ("optional", GitOpsYAML.bool(true)),
                        ])
                    )
                ])
            ),
        ])
    }

    private static func mount(_ name: String, _ path: String, readOnly: Bool = false) -> Node {
        var pairs: [(String, Node)] = [("name", GitOpsYAML.string(name)), ("mountPath", GitOpsYAML.string(path))]
        if readOnly { pairs.append(("readOnly", GitOpsYAML.bool(true))) }
        return GitOpsYAML.map(pairs)
    }

    private static func emptyDir(_ name: String) -> Node {
        GitOpsYAML.map([("name", GitOpsYAML.string(name)), ("emptyDir", GitOpsYAML.map([]))])
    }

    private static func externalSecret(target: String, key: String, remote: String, property: String) -> Node {
        GitOpsYAML.map([
            ("refreshInterval", GitOpsYAML.string("1h")),
            ("targetSecret", GitOpsYAML.string(target)),
            (
                "data",
                GitOpsYAML.list([
                    GitOpsYAML.map([
                        ("secretKey", GitOpsYAML.string(key)), ("remoteKey", GitOpsYAML.string(remote)),
                        ("property", GitOpsYAML.string(property)),
                    ])
                ])
            ),
        ])
    }
}

import Foundation

/// The `openclaw.json` a managed OpenClaw starts with (§2.4, keys as upstream's config schema).
/// Secrets are placeholders: the pod's setup init container replaces `__TELEGRAM_TOKEN__` and
/// `__HOOKS_TOKEN__` from Kubernetes Secrets, so no token is ever committed to git.
enum OpenClawConfigTemplate {
    static let telegramTokenPlaceholder = "__TELEGRAM_TOKEN__"
    static let hooksTokenPlaceholder = "__HOOKS_TOKEN__"
    static let gatewayPort = 18789
    /// Pod and service CIDRs of the platform's k3s clusters plus the Docker range: Traefik lives there.
    static let trustedProxies = ["10.42.0.0/16", "10.43.0.0/16", "172.16.0.0/12"]
    static let mctlAuthFile = "/home/node/.openclaw/mcp-auth/mctl/credentials.json"

    /// The config as a JSON object.
    static func object(
        allowedOrigins: [String], defaultModel: String, ownerIDs: [String], mctlAPIURL: String = "https://api.mctl.ai"
    ) -> [String: Any] {
        [
            "gateway": [
                "bind": "lan",
                "port": gatewayPort,
                "auth": [
                    "mode": "trusted-proxy",
                    "trustedProxy": ["userHeader": "X-Forwarded-User", "roleHeader": "X-Mctl-Team-Role"],
                ],
                "trustedProxies": trustedProxies,
                "controlUi": ["enabled": true, "allowedOrigins": allowedOrigins],
            ] as [String: Any],
            "agents": ["defaults": ["model": defaultModel]],
            // Codex OAuth is connected later from the Control UI (`/connect codex`); this only declares the profile.
            "auth": [
                "profiles": ["openai-codex:default": ["provider": "openai-codex", "mode": "oauth"]],
                "order": ["openai-codex": ["openai-codex:default"]],
            ],
            "channels": [
                "telegram": [
                    "enabled": true,
                    "botToken": telegramTokenPlaceholder,
                    "dmPolicy": "pairing",
                    "allowFrom": ownerIDs,
                ] as [String: Any]
            ],
            "hooks": hooks(defaultModel: defaultModel),
            "mcp": [
                "servers": [
                    "mctl": [
                        "command": "node",
                        "args": ["/scripts/mctl-mcp-proxy.js"],
                        "env": ["MCTL_API_URL": mctlAPIURL, "MCTL_AUTH_FILE": mctlAuthFile],
                    ] as [String: Any]
                ]
            ],
        ]
    }

    /// Pretty, key-sorted JSON text (stable across runs, so re-generation diffs cleanly).
    static func render(
        allowedOrigins: [String], defaultModel: String, ownerIDs: [String], mctlAPIURL: String = "https://api.mctl.ai"
    ) throws -> String {
        let value = object(allowedOrigins: allowedOrigins, defaultModel: defaultModel, ownerIDs: ownerIDs, mctlAPIURL: mctlAPIURL)
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The mctl-agent incident hook of §1.5: `POST /hooks/mctl-agent` starts an agent run in
    /// session `hook:mctl-agent:<ticket>` with a prompt that encodes the claim/result contract.
    static func hooks(defaultModel: String) -> [String: Any] {
        [
            "enabled": true,
            "path": "/hooks",
            "token": hooksTokenPlaceholder,
            "defaultSessionKey": "hook:mctl-agent:default",
            "allowedSessionKeyPrefixes": ["hook:"],
            "allowedAgentIds": ["main"],
            "mappings": [
                [
                    "id": "mctl-agent-event",
                    "match": ["path": "mctl-agent"],
                    "action": "agent",
                    "name": "MCTL Agent Incident",
                    "sessionKey": "hook:mctl-agent:{{payload.ticket.id}}",
                    "messageTemplate": incidentPrompt,
                    "deliver": false,
                    "model": defaultModel,
                    "thinking": "medium",
                    "timeoutSeconds": 180,
                ] as [String: Any]
            ],
        ]
    }

    /// The incident prompt: the incident, the callback contract, and the rules mctl-agent expects.
    static let incidentPrompt = """
        You are the external remediation agent for mctl-agent.

        Incident:
        - Event: {{payload.event_type}}
        - Ticket: {{payload.ticket.id}}
        - Team: {{payload.ticket.team}}
        - Service: {{payload.ticket.service}}
        - Severity: {{payload.ticket.severity}}
        - Summary: {{payload.ticket.summary}}
        - Analysis: {{payload.ticket.analysis}}

        Callback contract:
        - claim_url: {{payload.delivery.claim_url}}
        - result_url: {{payload.delivery.result_url}}
        - callback_auth_header: {{payload.delivery.callback_auth_header}}
        - callback_auth_value: {{payload.delivery.callback_auth_value}}
        - agent_id: openclaw-labs
        - event_id: {{payload.event_id}}

        Rules:
        1. Auto-claim only ticket.fix_failed and ticket.escalated; never auto-claim ticket.created.
        2. Claim with mctl_agent_external action=claim before reading files or exploring anything.
        3. If the claim returns 409 or ok=false, stop and summarize briefly.
        4. Gather evidence only after a successful claim.
        5. Prefer the mctl_* tools for evidence (service status, config, logs, incidents, workflows).
        6. Use GitHub tools only for a low-risk, repo-backed fix supported by the evidence.
        7. Use one deterministic branch per ticket; update an existing PR rather than opening another.
        8. Report status=pr_created only with a real repo, branch, pr_url, pr_number and commit_sha.
        9. Otherwise report status=needs_human with an operator-ready summary and next checks.
        10. If the workflow itself fails after the claim, report status=failed.
        11. Send exactly one result callback after a successful claim.
        12. Use idempotencyKey=openclaw:{{payload.ticket.id}}:{{payload.event_id}}.
        """
}

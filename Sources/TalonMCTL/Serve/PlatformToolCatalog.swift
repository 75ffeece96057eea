import TalonCore

/// One platform tool as MCP lists it: name, schema and the three behaviour hints, always set explicitly
/// (MCP reads an absent `destructiveHint` as true).
struct PlatformToolSpec: Sendable {
    var name: String
    var title: String
    var description: String
    var properties: [String: JSONValue]
    var required: [String]
    var readOnly: Bool
    var destructive: Bool
    var idempotent: Bool

    var inputSchema: JSONValue {
        .object([
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
        ])
    }
}

/// The platform's OpenClaw tools, with mctl-api's names, parameters and hints.
enum PlatformToolCatalog {
    private static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }

    private static let team = string("Tenant (team) name.")
    private static let component = string("Service name of the OpenClaw instance (default \"openclaw\").")
    private static let skillName = string("Skill name, kebab-case, 2-64 characters: ^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$.")
    private static let identityFile = JSONValue.object([
        "type": "string", "description": "Identity file.",
        "enum": .array(["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "TOOLS.md"]),
    ])
    private static let content = string("Markdown content (at most 100 KB).")

    private static let deployProperties: [String: JSONValue] = [
        "team_name": team,
        "component_name": component,
        "telegram_owner_ids": string("Comma-separated Telegram user ids of the owners (1-20 digits each)."),
        "telegram_owner_id": string("Deprecated: one Telegram owner id; use telegram_owner_ids."),
        "default_model": string("Default model (default \"openai-codex/gpt-5.4\")."),
        "host": string("Public host (default \"{team}-{component}.mctl.ai\")."),
    ]

    static let all: [PlatformToolSpec] = [
        PlatformToolSpec(
            name: "mctl_deploy_openclaw", title: "Start OpenClaw Onboarding",
            description:
                "Start onboarding an OpenClaw instance for a team: checks the owner role and the tenant quota, then returns the "
                + "bot-token intake URL. Resume with mctl_resume_openclaw_deploy once the Telegram bot token is saved.",
            properties: deployProperties, required: ["team_name"], readOnly: false, destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_resume_openclaw_deploy", title: "Resume OpenClaw Onboarding",
            description:
                "Finish onboarding after the bot token was saved: provisions the database and onboards the service in one GitOps commit.",
            properties: deployProperties, required: ["team_name"], readOnly: false, destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_get_openclaw_sizing_recommendation", title: "Get OpenClaw Sizing Recommendation",
            description: "Recommend a resource profile from the instance's observed memory and CPU (VictoriaMetrics).",
            properties: [
                "team_name": team, "component_name": component,
                "lookback_hours": ["type": "integer", "description": "Hours of history to analyse (default 24)."],
            ],
            required: ["team_name"], readOnly: true, destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_apply_openclaw_resource_profile", title: "Apply OpenClaw Resource Profile",
            description: "Set the instance's requests, limits and NODE_OPTIONS to a profile (one GitOps commit; no commit when unchanged).",
            properties: [
                "team_name": team, "component_name": component,
                "profile": ["type": "string", "description": "Resource profile.", "enum": ["startup", "steady-medium", "steady-small"]],
            ],
            required: ["team_name", "profile"], readOnly: false, destructive: false, idempotent: true),
        PlatformToolSpec(
            name: "mctl_list_openclaw_skills", title: "List OpenClaw Skills", description: "List the team's OpenClaw skills.",
            properties: ["team_name": team], required: ["team_name"], readOnly: true, destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_read_openclaw_skill", title: "Read OpenClaw Skill", description: "Read one skill's Markdown.",
            properties: ["team_name": team, "skill_name": skillName], required: ["team_name", "skill_name"], readOnly: true,
            destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_save_openclaw_skill", title: "Save OpenClaw Skill", description: "Create or replace a skill (one GitOps commit).",
            properties: ["team_name": team, "skill_name": skillName, "content": content],
            required: ["team_name", "skill_name", "content"], readOnly: false, destructive: false, idempotent: true),
        PlatformToolSpec(
            name: "mctl_delete_openclaw_skill", title: "Delete OpenClaw Skill", description: "Delete a skill (one GitOps commit).",
            properties: ["team_name": team, "skill_name": skillName], required: ["team_name", "skill_name"], readOnly: false,
            destructive: true, idempotent: true),
        PlatformToolSpec(
            name: "mctl_list_openclaw_identity", title: "List OpenClaw Identity Files",
            description: "List the team's identity files (AGENTS.md, SOUL.md, IDENTITY.md, USER.md, TOOLS.md).",
            properties: ["team_name": team], required: ["team_name"], readOnly: true, destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_read_openclaw_identity", title: "Read OpenClaw Identity File", description: "Read one identity file.",
            properties: ["team_name": team, "file_name": identityFile], required: ["team_name", "file_name"], readOnly: true,
            destructive: false, idempotent: false),
        PlatformToolSpec(
            name: "mctl_save_openclaw_identity", title: "Save OpenClaw Identity File",
            description: "Create or replace an identity file (one GitOps commit).",
            properties: ["team_name": team, "file_name": identityFile, "content": content],
            required: ["team_name", "file_name", "content"], readOnly: false, destructive: false, idempotent: true),
        PlatformToolSpec(
            name: "mctl_delete_openclaw_identity", title: "Delete OpenClaw Identity File",
            description: "Delete an identity file (one GitOps commit).",
            properties: ["team_name": team, "file_name": identityFile], required: ["team_name", "file_name"], readOnly: false,
            destructive: true, idempotent: true),
    ]
}

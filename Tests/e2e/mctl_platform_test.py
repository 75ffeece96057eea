"""The managed-deployment story through a real MCP client (PyPI `mcp`, streamable HTTP) against `talon mctl serve`.

deploy (developer refused, low quota refused with the requirements) -> intake form (cross-origin refused,
same-origin saved, redirect to the tenant's host) -> resume (one commit; files parse; manifests validate with
Tests/e2e/k8s_manifests_check.py) -> second deploy refused -> profile, sizing, skills, identity.
Exits non-zero with a message on the first failed expectation."""
import argparse, asyncio, contextlib, json, os, subprocess, sys, urllib.error, urllib.parse, urllib.request

import yaml
from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(method, url, token=None, body=None, headers=None):
    """One request without following redirects: (status, headers, text)."""
    request = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def attr(obj, snake, camel):
    """mcp 2.x names fields in snake_case, 1.x in camelCase."""
    return getattr(obj, snake, getattr(obj, camel, None))


class Tools:
    """One MCP session as one caller."""

    def __init__(self, url, token):
        self.url, self.token = url, token

    async def __aenter__(self):
        self.stack = contextlib.AsyncExitStack()
        await self.stack.__aenter__()
        http_client = await self.stack.enter_async_context(create_mcp_http_client(headers={"Authorization": f"Bearer {self.token}"}))
        streams = await self.stack.enter_async_context(streamable_http_client(self.url, http_client=http_client))
        self.session = await self.stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await self.session.initialize()
        return self

    async def __aexit__(self, *exc):
        return await self.stack.__aexit__(*exc)

    async def call(self, name, **arguments):
        """(is_error, parsed JSON of the text content)."""
        result = await self.session.call_tool(name, arguments)
        text = result.content[0].text if result.content else ""
        try:
            body = json.loads(text)
        except ValueError:
            fail(f"{name}: text content is not JSON: {text!r}")
        return bool(attr(result, "is_error", "isError")), body


EXPECTED_HINTS = {
    "mctl_deploy_openclaw": (False, False, False),
    "mctl_resume_openclaw_deploy": (False, False, False),
    "mctl_get_openclaw_sizing_recommendation": (True, False, False),
    "mctl_apply_openclaw_resource_profile": (False, False, True),
    "mctl_list_openclaw_skills": (True, False, False),
    "mctl_read_openclaw_skill": (True, False, False),
    "mctl_save_openclaw_skill": (False, False, True),
    "mctl_delete_openclaw_skill": (False, True, True),
    "mctl_list_openclaw_identity": (True, False, False),
    "mctl_read_openclaw_identity": (True, False, False),
    "mctl_save_openclaw_identity": (False, False, True),
    "mctl_delete_openclaw_identity": (False, True, True),
}


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="base URL of talon mctl serve")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--owner-token", required=True)
    parser.add_argument("--developer-token", required=True)
    parser.add_argument("--team", required=True)
    parser.add_argument("--low-quota-team", required=True)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    mcp_url = base + "/mcp"

    # No bearer: 401 on /mcp and on the REST API.
    status, _, _ = http("POST", mcp_url, body=b"{}", headers={"Content-Type": "application/json"})
    expect(status == 401, f"/mcp without a bearer answered {status}, want 401")
    status, _, _ = http("GET", f"{base}/api/v1/openclaw/{args.team}/skills", token="not-a-jwt")
    expect(status == 401, f"REST with a bad bearer answered {status}, want 401")

    async with Tools(mcp_url, args.developer_token) as developer:
        is_error, body = await developer.call("mctl_deploy_openclaw", team_name=args.team, telegram_owner_ids="111")
        expect(is_error and "owner role is required" in body.get("error", ""), f"developer deploy: {body}")

    async with Tools(mcp_url, args.owner_token) as owner:
        listed = (await owner.session.list_tools()).tools
        by_name = {tool.name: tool for tool in listed}
        for name, (read_only, destructive, idempotent) in EXPECTED_HINTS.items():
            expect(name in by_name, f"tool {name} missing from tools/list")
            hints = by_name[name].annotations
            expect(hints is not None, f"{name}: no annotations")
            got = (attr(hints, "read_only_hint", "readOnlyHint"), attr(hints, "destructive_hint", "destructiveHint"),
                   attr(hints, "idempotent_hint", "idempotentHint"))
            expect(got == (read_only, destructive, idempotent), f"{name}: hints {got}, want {(read_only, destructive, idempotent)}")

        is_error, body = await owner.call("mctl_deploy_openclaw", team_name=args.low_quota_team)
        expect(is_error and body.get("requiredProfile") == "startup", f"low quota deploy: {body}")
        fields = {item["field"] for item in body.get("quotaRequirements", [])}
        expect("limits.memory" in fields and all({"field", "required", "actual"} <= set(item) for item in body["quotaRequirements"]),
               f"quotaRequirements: {body.get('quotaRequirements')}")

        is_error, started = await owner.call(
            "mctl_deploy_openclaw", team_name=args.team, telegram_owner_ids="111, 222,111", default_model="openai/gpt-5")
        expect(not is_error, f"deploy: {started}")
        expect(started["telegramOwnerIDs"] == ["111", "222"], f"owner ids: {started['telegramOwnerIDs']}")
        host = f"{args.team}-openclaw.mctl.ai"
        expect(started["dashboardURL"] == f"https://{host}/", f"dashboardURL: {started['dashboardURL']}")
        for key in ("teamName", "componentName", "defaultModel", "botTokenIntakeURL", "nextStep", "startupProfile", "quotaFloor"):
            expect(key in started, f"deploy result lacks {key}: {started}")

        is_error, body = await owner.call("mctl_resume_openclaw_deploy", team_name=args.team, telegram_owner_ids="111,222")
        expect(is_error and "botTokenIntakeURL" in body, f"resume before the token: {body}")

        # The intake page: served to the owner, POST refused cross-origin, accepted same-origin.
        intake = urllib.parse.urlparse(started["botTokenIntakeURL"])
        page_url = f"{base}{intake.path}?{intake.query}"
        status, _, page = http("GET", page_url, token=args.owner_token)
        expect(status == 200 and 'name="telegram_bot_token"' in page, f"intake page: {status}")
        status, _, _ = http("GET", page_url, token=args.developer_token)
        expect(status == 403, f"intake page for a developer: {status}")
        bot_token = "123456789:" + "A" * 30 + "b_c-d"
        form = urllib.parse.urlencode({"team": args.team, "service": "openclaw", "returnTo": f"https://{host}/",
                                       "telegram_bot_token": bot_token}).encode()
        form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, text = http("POST", base + intake.path, token=args.owner_token, body=form,
                               headers={**form_headers, "Origin": "https://evil.example"})
        expect(status == 403, f"cross-origin intake POST answered {status}")
        expect(bot_token not in text, "the token was echoed")
        status, headers, text = http("POST", base + intake.path, token=args.owner_token, body=form,
                                     headers={**form_headers, "Origin": base})
        expect(status in (302, 303), f"same-origin intake POST answered {status}: {text[:200]}")
        expect(headers.get("Location") == f"https://{host}/?telegram_saved=1", f"redirect to {headers.get('Location')}")

        commits_before = int(git(args.repo, "rev-list", "--count", "HEAD"))
        is_error, resumed = await owner.call("mctl_resume_openclaw_deploy", team_name=args.team, telegram_owner_ids="111,222",
                                             default_model="openai/gpt-5")
        expect(not is_error, f"resume: {resumed}")
        for key in ("workflow", "databaseWorkflow", "dashboardURL", "message", "nextSteps"):
            expect(key in resumed, f"resume result lacks {key}")
        expect(int(git(args.repo, "rev-list", "--count", "HEAD")) == commits_before + 1, "resume is not exactly one commit")
        files = [f for f in git(args.repo, "show", "--name-only", "--format=", "HEAD").splitlines() if f]
        values_path = f"platform-gitops/services/{args.team}/openclaw/values.yaml"
        expect(values_path in files, f"{values_path} not in the commit: {files}")
        expect(f"platform-gitops/services/{args.team}/openclaw/catalog-info.yaml" in files, f"catalog-info.yaml not committed: {files}")
        for path in files:
            with open(os.path.join(args.repo, path)) as f:
                text = f.read()
            if path.endswith((".yaml", ".yml")):
                documents = [d for d in yaml.safe_load_all(text) if d is not None]
                expect(documents, f"{path} is empty")
            elif path.endswith(".json"):
                json.loads(text)
        expect(bot_token not in git(args.repo, "show", "HEAD"), "the bot token is in git")
        with open(os.path.join(args.repo, values_path)) as f:
            values = yaml.safe_load(f)
        config = json.loads(values["configMaps"]["openclaw-config"]["openclaw.json"])
        telegram = config["channels"]["telegram"]
        expect(telegram["dmPolicy"] == "pairing" and [str(i) for i in telegram["allowFrom"]] == ["111", "222"],
               f"telegram config: {telegram}")
        check = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "k8s_manifests_check.py"),
                                *[os.path.join(args.repo, f) for f in files if f.endswith((".yaml", ".yml"))]],
                               capture_output=True, text=True)
        expect(check.returncode == 0, f"manifest validation failed:\n{check.stdout}\n{check.stderr}")

        is_error, body = await owner.call("mctl_deploy_openclaw", team_name=args.team, telegram_owner_ids="111")
        expect(is_error and "already exists" in body.get("error", ""), f"second deploy: {body}")

        is_error, body = await owner.call("mctl_apply_openclaw_resource_profile", team_name=args.team, profile="steady-small")
        expect(not is_error and body.get("changed") is True, f"apply profile: {body}")
        with open(os.path.join(args.repo, values_path)) as f:
            resources = yaml.safe_load(f)["resources"]
        expect(resources["requests"]["memory"] == "768Mi" and resources["limits"]["cpu"] in ("1", 1), f"resources: {resources}")
        commits = int(git(args.repo, "rev-list", "--count", "HEAD"))
        is_error, body = await owner.call("mctl_apply_openclaw_resource_profile", team_name=args.team, profile="steady-small")
        expect(not is_error and body.get("changed") is False, f"re-apply profile: {body}")
        expect(int(git(args.repo, "rev-list", "--count", "HEAD")) == commits, "re-applying a profile committed")

        is_error, body = await owner.call("mctl_get_openclaw_sizing_recommendation", team_name=args.team)
        expect(not is_error and body.get("profile") in ("startup", "steady-medium", "steady-small"), f"sizing: {body}")
        is_error, body = await owner.call("mctl_get_openclaw_sizing_recommendation", team_name=args.team, component_name="nope")
        expect(is_error, f"sizing for an unknown service: {body}")

        is_error, body = await owner.call("mctl_save_openclaw_skill", team_name=args.team, skill_name="k8s-triage",
                                          content="# Triage\nLook at events first.\n")
        expect(not is_error, f"save skill: {body}")
        is_error, body = await owner.call("mctl_list_openclaw_skills", team_name=args.team)
        expect(not is_error and "k8s-triage" in json.dumps(body), f"list skills: {body}")
        is_error, body = await owner.call("mctl_read_openclaw_skill", team_name=args.team, skill_name="k8s-triage")
        expect(not is_error and "Look at events first." in body.get("content", ""), f"read skill: {body}")
        is_error, body = await owner.call("mctl_save_openclaw_skill", team_name=args.team, skill_name="Bad_Name", content="x")
        expect(is_error, f"bad skill name accepted: {body}")
        is_error, body = await owner.call("mctl_delete_openclaw_skill", team_name=args.team, skill_name="k8s-triage")
        expect(not is_error, f"delete skill: {body}")
        is_error, body = await owner.call("mctl_read_openclaw_skill", team_name=args.team, skill_name="k8s-triage")
        expect(is_error, f"deleted skill still readable: {body}")

        is_error, body = await owner.call("mctl_save_openclaw_identity", team_name=args.team, file_name="SOUL.md",
                                          content="Calm and precise.\n")
        expect(not is_error, f"save identity: {body}")
        is_error, body = await owner.call("mctl_read_openclaw_identity", team_name=args.team, file_name="SOUL.md")
        expect(not is_error and body.get("content") == "Calm and precise.\n", f"read identity: {body}")
        is_error, body = await owner.call("mctl_save_openclaw_identity", team_name=args.team, file_name="EVIL.md", content="x")
        expect(is_error, f"unknown identity file accepted: {body}")
    print("ok")


asyncio.run(main())

"""`talon mctl mcp-stdio` through the PyPI `mcp` stdio client: the same tools as over HTTP, the caller from MCTL_TOKEN.
Exits non-zero with a message on the first failed expectation."""
import argparse, asyncio, json, os, sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def expect(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--talon", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--token", required=True, help="MCTL JWT of the caller (an owner of --team)")
    parser.add_argument("--secret", required=True, help="MCTL_JWT_SECRET")
    parser.add_argument("--team", required=True)
    args = parser.parse_args()
    env = {**os.environ, "MCTL_TOKEN": args.token, "MCTL_JWT_SECRET": args.secret, "HOME": args.state_dir}
    server = StdioServerParameters(
        command=args.talon, args=["mctl", "mcp-stdio", "--gitops-repo", args.repo, "--state-dir", args.state_dir], env=env)
    async with stdio_client(server) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            names = {tool.name for tool in (await session.list_tools()).tools}
            expect(len(names) == 12 and "mctl_deploy_openclaw" in names, f"tools: {sorted(names)}")
            result = await session.call_tool("mctl_deploy_openclaw", {"team_name": args.team, "telegram_owner_ids": "42"})
            body = json.loads(result.content[0].text)
            is_error = getattr(result, "is_error", getattr(result, "isError", None))
            expect(not is_error and body.get("telegramOwnerIDs") == ["42"], f"deploy over stdio: {body}")
            result = await session.call_tool("mctl_list_openclaw_skills", {"team_name": args.team})
            is_error = getattr(result, "is_error", getattr(result, "isError", None))
            expect(is_error and "not found" in result.content[0].text, f"skills without a service: {result.content[0].text}")
    print("ok")


asyncio.run(main())

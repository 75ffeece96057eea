"""A tiny FastMCP server for Talon's MCP client tests (a third-party server from PyPI's `mcp` package).

Runs over stdio; `http_server.py` serves the same tools over streamable HTTP. Tools: add, fail (raises),
sleep (for timeouts), pid (so a test can kill it), crash (exits mid-call), secret (for tool filters),
and grow (adds the tool `late` and sends notifications/tools/list_changed).
"""

import asyncio
import os

try:  # mcp >= 2 renamed FastMCP to MCPServer
    from mcp.server.mcpserver import Context, MCPServer as FastMCP
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import Context, FastMCP
    from mcp.server.fastmcp.exceptions import ToolError

mcp = FastMCP("echo")


@mcp.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@mcp.tool()
def fail(message: str) -> str:
    """Always fails with the given message (a ToolError's text reaches the client as is)."""
    raise ToolError(message)


@mcp.tool()
async def sleep(seconds: float) -> str:
    """Sleep, then answer."""
    await asyncio.sleep(seconds)
    return "slept"


@mcp.tool()
def pid() -> int:
    """The server's process id."""
    return os.getpid()


@mcp.tool()
def crash() -> str:
    """Exit the whole server in the middle of the call."""
    os._exit(3)


@mcp.tool()
def secret() -> str:
    """A tool the filter tests hide."""
    return "hidden"


def late() -> str:
    """Added by grow."""
    return "late"


@mcp.tool()
async def grow(ctx: Context) -> str:
    """Add the tool `late` and tell the client its tool list changed."""
    mcp.add_tool(late)
    await ctx.session.send_tool_list_changed()
    return "grown"


if __name__ == "__main__":
    mcp.run()

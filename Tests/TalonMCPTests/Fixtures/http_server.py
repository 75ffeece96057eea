"""echo_server's tools over streamable HTTP, for Talon's MCP client tests.

Usage: http_server.py [--token TOKEN] [--log FILE]. Binds 127.0.0.1 on a free port and prints `PORT=<n>`.
With --token, requests without `Authorization: Bearer TOKEN` get 401. --log appends each request's
Authorization header (or `-`) to FILE, one line per request.
"""

import argparse
import socket
import sys

import uvicorn

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from echo_server import mcp  # noqa: E402


class BearerGate:
    """ASGI middleware: logs the Authorization header and enforces the token."""

    def __init__(self, app, token, log):
        self.app, self.token, self.log = app, token, log

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            auth = dict(scope["headers"]).get(b"authorization", b"").decode()
            if self.log:
                with open(self.log, "a") as f:
                    f.write((auth or "-") + "\n")
            if self.token and auth != f"Bearer {self.token}":
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b'{"error":"invalid_token"}'})
                return
        await self.app(scope, receive, send)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--token")
    parser.add_argument("--log")
    args = parser.parse_args()
    app = BearerGate(mcp.streamable_http_app(), args.token, args.log)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # connections queue until uvicorn accepts: the port is usable once printed
    print(f"PORT={sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()

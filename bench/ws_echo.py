"""WebSocket echo server on pywebio_lite.server, for Autobahn|Testsuite and benchmarks.

    python bench/ws_echo.py --port 9001 [--host 127.0.0.1] [--no-deflate] [--max-size N]

Every message is sent back as it came (text as text, binary as binary), through the very same
Server, HTTP and WebSocket code the package uses. Ctrl-C (or SIGTERM) stops it cleanly.
"""
from __future__ import annotations

import argparse
import logging
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from pywebio_lite.protocol.http import Request, Response  # noqa: E402
from pywebio_lite.server import Server, WebSocket, WebSocketHandler  # noqa: E402


class EchoHandler(WebSocketHandler):
    __slots__ = ("ws",)

    def on_open(self, ws: WebSocket) -> None:
        self.ws = ws

    def on_message(self, data: str | bytes) -> None:
        self.ws.send(data)


class EchoApp:
    async def handle_request(self, request: Request) -> Response:
        return Response.text(200, "pywebio_lite WebSocket echo server: connect with ws://\n")

    def handle_websocket(self, request: Request) -> WebSocketHandler:
        return EchoHandler()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--no-deflate", action="store_true", help="refuse permessage-deflate")
    parser.add_argument("--max-size", type=int, default=64 << 20,
                        help="largest message in bytes (default 64 MiB)")
    parser.add_argument("--ping-interval", type=float, default=20.0,
                        help="keepalive ping interval in seconds (0: off)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log protocol failures")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = Server(EchoApp(), host=args.host, port=args.port, deflate=not args.no_deflate,
                    max_message_size=args.max_size, ping_interval=args.ping_interval or None,
                    high_water=1 << 20, low_water=256 << 10)

    def started(srv: Server) -> None:
        host = srv.host or "0.0.0.0"
        if ":" in host:
            host = f"[{host}]"
        print(f"listening on ws://{host}:{srv.port}", flush=True)

    server.run(on_start=started)


if __name__ == "__main__":
    main()

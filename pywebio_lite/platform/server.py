"""`start_server()` and `WebIOApp`: pywebio_lite apps on the built-in asyncio server.

One port serves everything: ``/`` is the app page (``?app=NAME`` picks the app) and its WebSocket,
``/_pywebio_lite/...`` the package's frontend files, ``/static/...`` the user's `static_dir`.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from ..protocol.http import Request, Response
from ..server import Server, origin_allowed, serve_static
from ..session.base import Session, claim_server_mode
from ..utils import parse_file_size
from .adaptor import SessionConnection, make_session_info
from .page import STATIC_PATH, make_applications, render_page

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["WebIOApp", "start_server", "make_server", "server_for", "run_server", "STATIC_PREFIX"]

#: URL prefix of the package's frontend files.
STATIC_PREFIX = "/_pywebio_lite/"


def _version() -> str:
    from .. import __version__
    return __version__


class WebIOApp:
    """The server application object: routes requests to pages, static files and sessions."""

    def __init__(self, applications, *, cdn=True, static_dir: str | None = None,
                 allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
                 debug: bool = False, reconnect_timeout: float = 0):
        self.apps = make_applications(applications)
        self.static_root = Path(STATIC_PATH)
        self.user_static = Path(static_dir).resolve() if static_dir else None
        self.base_url = cdn if isinstance(cdn, str) else STATIC_PREFIX
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        if allowed_origins is not None and not isinstance(allowed_origins, (list, tuple)):
            raise TypeError("allowed_origins must be a list of origin patterns")
        if check_origin is not None and not callable(check_origin):
            raise TypeError("check_origin must be a function origin -> bool")
        self.allowed_origins = list(allowed_origins or [])
        self.check_origin = check_origin
        self.debug = debug
        self.reconnect_timeout = reconnect_timeout
        self._pages: dict[str, bytes] = {}

    def app_for(self, request: Request) -> Callable:
        """The app named by ?app=, or the index app if there is no such app."""
        name = request.query_arg("app") or "index"
        return self.apps.get(name) or self.apps["index"]

    def _page(self, request: Request) -> Response:
        name = request.query_arg("app") or "index"
        if name not in self.apps:
            name = "index"
        body = self._pages.get(name)
        if body is None:
            body = render_page(self.apps[name], base_url=self.base_url, debug=self.debug,
                               version=_version()).encode("utf-8")
            if not self.debug:
                self._pages[name] = body
        return Response(200, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"),
                              ("X-Content-Type-Options", "nosniff")], body)

    async def handle_request(self, request: Request) -> Response:
        path = request.path
        if request.method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                            b"Method Not Allowed")
        if path == "/":
            return self._page(request)
        if path.startswith(STATIC_PREFIX):
            return serve_static(request, self.static_root, path[len(STATIC_PREFIX):],
                                cache_control="no-cache")
        if self.user_static is not None and path.startswith("/static/"):
            return serve_static(request, self.user_static, path[len("/static/"):])
        return Response(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found")

    def handle_websocket(self, request: Request):
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.headers.get("Host"), self.allowed_origins, self.check_origin):
            logger.warning("refused a WebSocket from origin %r (host %r)", origin, request.headers.get("Host"))
            return Response(403, [("Content-Type", "text/plain; charset=utf-8")], b"Forbidden origin")
        return self.connection_for(request)

    def connection_for(self, request: Request):
        """The WebSocket handler of an accepted upgrade (or a Response refusing it)."""
        if request.path != "/":
            return Response(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found")
        info = make_session_info(request, backend="pywebio_lite", protocol="websocket")
        return SessionConnection(self.app_for(request), info, debug=self.debug)


_SETTING_ALIASES = {
    "websocket_ping_interval": "ping_interval",
    "websocket_ping_timeout": "ping_timeout",
}


def start_server(applications, port: int = 0, host: str = "", debug: bool = False, cdn=True,
                 static_dir: str | None = None, remote_access: bool = False, reconnect_timeout: float = 0,
                 allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
                 auto_open_webbrowser: bool = False, max_payload_size="200M", **server_settings) -> None:
    """Serve PyWebIO apps on the built-in server until Ctrl-C.

    Args:
        applications: an app function, a list of them (named by ``__name__``) or a dict name -> app.
        port: TCP port (0 = any free port). host: interface ('' = all).
        debug: show tracebacks of app errors in the browser.
        cdn: ignored unless a str (a base URL to load the frontend from); files are always served locally.
        static_dir: a directory served at /static/.
        allowed_origins: extra origins (shell patterns, e.g. 'https://*.example.com') allowed to connect.
        check_origin: a function origin -> bool that replaces allowed_origins.
        auto_open_webbrowser: open the app in a browser once the server is up.
        max_payload_size: largest WebSocket message / request body, int bytes or like '200M'.
        server_settings: ping_interval, ping_timeout (also as websocket_ping_*), header_timeout...
    """
    server = make_server(applications, port=port, host=host, debug=debug, cdn=cdn, static_dir=static_dir,
                         remote_access=remote_access, reconnect_timeout=reconnect_timeout,
                         allowed_origins=allowed_origins, check_origin=check_origin,
                         max_payload_size=max_payload_size, **server_settings)

    run_server(server, auto_open_webbrowser=auto_open_webbrowser)


def run_server(server: Server, *, auto_open_webbrowser: bool = False) -> None:
    """Print where `server` listens, open a browser if asked, serve until Ctrl-C."""
    def on_start(server: Server) -> None:
        url = server.url + "/"
        print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
        if auto_open_webbrowser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    server.run(on_start=on_start)


def make_server(applications, port: int = 0, host: str = "", debug: bool = False, cdn=True,
                static_dir: str | None = None, remote_access: bool = False, reconnect_timeout: float = 0,
                allowed_origins=None, check_origin=None, max_payload_size="200M", **server_settings) -> Server:
    """A configured Server for `applications`, not yet started (start_server() runs it)."""
    return server_for(functools.partial(WebIOApp, applications), port=port, host=host, debug=debug, cdn=cdn,
                      static_dir=static_dir, remote_access=remote_access, reconnect_timeout=reconnect_timeout,
                      allowed_origins=allowed_origins, check_origin=check_origin,
                      max_payload_size=max_payload_size, **server_settings)


def server_for(make_app: Callable[..., WebIOApp], *, port: int = 0, host: str = "", debug: bool = False,
               cdn=True, static_dir: str | None = None, remote_access: bool = False,
               reconnect_timeout: float = 0, allowed_origins=None, check_origin=None,
               max_payload_size="200M", **server_settings) -> Server:
    """A Server for the application object `make_app(cdn=, static_dir=, ...)` builds, with
    start_server's options applied (shared by start_server and path_deploy)."""
    claim_server_mode()  # PyWebIO's error if script mode has begun
    if os.environ.get("PYWEBIO_DEBUG"):
        debug = True
    if remote_access:
        logger.warning("remote_access is not supported by pywebio_lite; serving locally only")
    if debug:
        Session.debug = True
    app = make_app(cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, debug=debug, reconnect_timeout=reconnect_timeout)
    settings = {}
    for key, value in server_settings.items():
        key = _SETTING_ALIASES.get(key, key)
        if key == "websocket_max_message_size":
            max_payload_size = value
            continue
        settings[key] = value
    size = parse_file_size(max_payload_size, name="max_payload_size")
    return Server(app, host=host, port=port, max_message_size=size, **settings)

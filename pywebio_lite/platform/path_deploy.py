"""`path_deploy()`: serve every app file of a directory at its path, and its command line.

``base/A/b.py`` with a ``main`` is served at ``/A/b`` (``main`` may also be a list or dict of
apps, chosen with ``?app=``); ``?reload`` re-imports the file; a folder URL shows an index. The
file rules live in `pywebio_lite.platform.app_files`.

Command line (installed as ``pywebio-lite-path-deploy``)::

    python -m pywebio_lite.platform.path_deploy DIR [--port 8080] [--host 0.0.0.0] [--debug] ...
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import types
from typing import Callable

from ..protocol.http import Request, Response
from .adaptor import SessionConnection, make_session_info
from .app_files import AppDirectory
from .page import render_page
from .server import STATIC_PREFIX, WebIOApp, _version, run_server, server_for

logger = logging.getLogger("pywebio_lite.path_deploy")

__all__ = ["path_deploy", "path_deploy_http", "PathDeployApp", "make_path_server", "main"]

_HEADERS = [("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]


def _no_app():
    pass  # PathDeployApp picks its apps per request


class PathDeployApp(WebIOApp):
    """The server application object of path_deploy: apps come from the files under `base`."""

    def __init__(self, base, *, index=True, **options):
        super().__init__(_no_app, **options)
        self.directory = AppDirectory(base, index=index, debug=self.debug)

    async def handle_request(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        path = request.path
        if self.poll is not None and request.method in ("POST", "OPTIONS"):
            return await self.handle_poll(request)  # to the page's own URL: the path names the app
        if request.method not in ("GET", "HEAD") or path.startswith(STATIC_PREFIX) or (
                self.user_static is not None and path.startswith("/static/")):
            return await super().handle_request(request)
        reload = request.query_arg("reload") is not None
        # Importing an app file runs its top level: keep that off the event loop.
        resolved = await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(self.directory.resolve, path, reload=reload))
        if resolved.kind == "redirect":
            query = f"?{request.query_string}" if request.query_string else ""
            return Response.redirect(resolved.location + query, 301)
        if resolved.kind == "app":
            name = request.query_arg("app") or "index"
            app = resolved.apps.get(name) or resolved.apps["index"]
            body = render_page(app, base_url=self.base_url_for(path), debug=self.debug, version=_version(),
                               max_text_size=self.max_text_size, linked=self.linked, protocol=self.protocol)
            return Response.html(200, body, headers=list(_HEADERS))
        status = resolved.status if resolved.kind == "error" else 200
        return Response.html(status, resolved.html, headers=list(_HEADERS))

    def app_for(self, request: Request):
        """The app at the request's path (a poll that opens a session; the page has loaded it),
        or None if there is none."""
        resolved = self.directory.resolve(request.path)
        if resolved.kind != "app":
            return None
        name = request.query_arg("app") or "index"
        return resolved.apps.get(name) or resolved.apps["index"]

    def connection_for(self, request: Request):
        if (request.query_arg("session") or "NEW") != "NEW":
            return self.resume(request)
        resolved = self.directory.resolve(request.path)
        if resolved.kind != "app":
            status = resolved.status if resolved.kind == "error" else 404
            return Response.text(status, "no app at this path")
        name = request.query_arg("app") or "index"
        app = resolved.apps.get(name) or resolved.apps["index"]
        info = make_session_info(request, backend="pywebio_lite", protocol="websocket",
                                 forwarded=self.forwarded(request))
        return SessionConnection(app, info, debug=self.debug, reconnect_timeout=self.reconnect_timeout,
                                 registry=self.sessions, max_payload_size=self.max_payload_size)


def make_path_server(base, port: int = 0, host: str = "", index=True, static_dir: str | None = None,
                     reconnect_timeout: float | None = None, cdn=True, debug: bool = False, allowed_origins=None,
                     check_origin: Callable[[str], bool] | None = None, max_payload_size="200M",
                     http: bool = False, session_expire_seconds=None, session_cleanup_interval=None,
                     **server_settings):
    """A configured Server for the apps under `base`, not yet started (path_deploy() runs it).
    `http=True`: sessions over long-polling (path_deploy_http)."""
    server = server_for(functools.partial(PathDeployApp, base, index=index), port=port, host=host, debug=debug,
                        cdn=cdn, static_dir=static_dir, reconnect_timeout=reconnect_timeout,
                        allowed_origins=allowed_origins, check_origin=check_origin,
                        max_payload_size=max_payload_size, **server_settings)
    if http:
        server.app.enable_polling(backend="pywebio_lite", session_expire_seconds=session_expire_seconds,
                                  session_cleanup_interval=session_cleanup_interval,
                                  max_body=min(server.max_message_size, server.max_body))
    return server


def path_deploy(base, port: int = 0, host: str = "", index=True, static_dir: str | None = None,
                reconnect_timeout: float | None = None, cdn=True, debug: bool = False, allowed_origins=None,
                check_origin: Callable[[str], bool] | None = None, max_payload_size="200M",
                **server_settings) -> None:
    """Serve the PyWebIO apps in the directory `base` until Ctrl-C.

    Args:
        base: the directory. ``base/A/b.py`` defining ``main`` is served at ``/A/b``; ``?reload``
            re-imports it. Names starting with ``_`` or ``.`` are never served.
        index: what a folder URL (ending in ``/``) without an ``index.py`` shows: True = a listing
            of its apps (with their docstring titles) and sub-folders; False = 403; a function
            ``index(path) -> HTML`` = your own page.
        debug: tracebacks in the browser (also for an app file that fails to import), and app
            files are re-imported when they change.
        port, host, static_dir, reconnect_timeout, cdn, allowed_origins, check_origin,
        max_payload_size, server_settings: as for start_server().
    """
    server = make_path_server(base, port=port, host=host, index=index, static_dir=static_dir,
                              reconnect_timeout=reconnect_timeout, cdn=cdn, debug=debug,
                              allowed_origins=allowed_origins, check_origin=check_origin,
                              max_payload_size=max_payload_size, **server_settings)
    run_server(server)


def path_deploy_http(base, port: int = 0, host: str = "", index=True, static_dir: str | None = None,
                     cdn=True, debug: bool = False, allowed_origins=None,
                     check_origin: Callable[[str], bool] | None = None, session_expire_seconds=None,
                     session_cleanup_interval=None, max_payload_size="200M", **server_settings) -> None:
    """path_deploy() with sessions over HTTP long-polling (docs/protocol.md §9) instead of WebSocket.

    Args:
        session_expire_seconds: a session with no request for this long closes (default 600).
        session_cleanup_interval: accepted as in PyWebIO (each session's expiry is exact here).
        The others: as for path_deploy().
    """
    run_server(make_path_server(base, port=port, host=host, index=index, static_dir=static_dir, cdn=cdn,
                                debug=debug, allowed_origins=allowed_origins, check_origin=check_origin,
                                max_payload_size=max_payload_size, http=True,
                                session_expire_seconds=session_expire_seconds,
                                session_cleanup_interval=session_cleanup_interval, **server_settings))


# ---------------------------------------------------------------------- command line
def _parser():
    import argparse
    parser = argparse.ArgumentParser(
        prog="pywebio-lite-path-deploy", add_help=False,
        description="Serve every PyWebIO app file under a directory: DIR/A/b.py (defining main) "
                    "is served at http://HOST:PORT/A/b, folders get an index page. Files and "
                    "folders starting with '_' or '.' are never served.",
        epilog="Example: pywebio-lite-path-deploy apps/ --port 8080 --debug")
    parser.add_argument("path", metavar="DIR", help="the directory of app files")
    parser.add_argument("-p", "--port", type=int, default=8080, help="port to listen on (default 8080; 0 = any free port)")
    parser.add_argument("-h", "--host", default="", help="interface to listen on (default: all interfaces)")
    parser.add_argument("--no-index", action="store_true", help="no listing for folder URLs (403 instead)")
    parser.add_argument("--static-dir", metavar="DIR", help="a directory served at /static/")
    parser.add_argument("-d", "--debug", action="store_true",
                        help="tracebacks in the browser, and app files re-imported when they change")
    parser.add_argument("--cdn", metavar="URL", default=None,
                        help="load the frontend files from this base URL (default: this server)")
    parser.add_argument("--no-cdn", action="store_true", help="serve the frontend files from this server (the default)")
    parser.add_argument("--reconnect-timeout", type=float, default=None, metavar="SECONDS",
                        help="keep a session this long after its connection drops so the page can resume it (default 10; 0: off)")
    parser.add_argument("--max-payload-size", default="200M", metavar="SIZE",
                        help="largest message or upload, like 200M or 4096 (default 200M)")
    parser.add_argument("--websocket-max-message-size", metavar="SIZE", default=None,
                        help="PyWebIO's name for --max-payload-size")
    parser.add_argument("--websocket-ping-interval", type=float, default=None, metavar="SECONDS",
                        help="seconds between keepalive pings")
    parser.add_argument("--websocket-ping-timeout", type=float, default=None, metavar="SECONDS",
                        help="close a connection whose ping gets no answer within this time")
    parser.add_argument("--http", action="store_true",
                        help="sessions over HTTP long-polling instead of WebSocket")
    parser.add_argument("--session-expire-seconds", type=float, default=None, metavar="SECONDS",
                        help="with --http: close a session after this long without a request (default 600)")
    parser.add_argument("--session-cleanup-interval", type=float, default=None, metavar="SECONDS",
                        help="with --http: accepted as in PyWebIO (expiry is exact)")
    parser.add_argument("--help", action="help", help="show this help and exit")
    return parser


def main(argv: list[str] | None = None) -> None:
    """The ``pywebio-lite-path-deploy`` command."""
    args = _parser().parse_args(argv)
    settings = {}
    if args.websocket_ping_interval is not None:
        settings["websocket_ping_interval"] = args.websocket_ping_interval
    if args.websocket_ping_timeout is not None:
        settings["websocket_ping_timeout"] = args.websocket_ping_timeout
    options = dict(port=args.port, host=args.host, index=not args.no_index, static_dir=args.static_dir,
                   cdn=args.cdn if args.cdn else True, debug=args.debug,
                   max_payload_size=args.websocket_max_message_size or args.max_payload_size, **settings)
    try:
        if args.http:
            path_deploy_http(args.path, session_expire_seconds=args.session_expire_seconds,
                             session_cleanup_interval=args.session_cleanup_interval, **options)
        else:
            path_deploy(args.path, reconnect_timeout=args.reconnect_timeout, **options)
    except (TypeError, ValueError, OSError) as exc:
        print(f"pywebio-lite-path-deploy: error: {exc}", file=sys.stderr)
        sys.exit(2)


class _CallableModule(types.ModuleType):
    """``import pywebio_lite.platform.path_deploy`` makes the package attribute `path_deploy`
    this module, not the function; calling the module calls the function, so both work."""

    def __call__(self, *args, **kwargs):
        return path_deploy(*args, **kwargs)


if __name__ == "__main__":
    main()
else:
    sys.modules[__name__].__class__ = _CallableModule

"""aiohttp hosts (as PyWebIO 1.8.4's ``pywebio.platform.aiohttp``): `webio_handler` gives an
aiohttp handler serving an app's page and WebSocket on one route, `static_routes` the routes of
the frontend files, `start_server` runs apps on an aiohttp server of their own.

The handler is a thin driver over `WebIOApp` (docs/architecture.md, "One session connection, many
transports"): every HTTP request becomes our `Request` with the path below the mount point and is
answered by ``handle_request``; an upgrade is checked by ``handle_websocket`` and, if accepted,
runs over a `QueuedTransport` on an `aiohttp.web.WebSocketResponse`. Routes (docs/embedding.md,
"aiohttp"):

* ``web.get('/tool', webio_handler(main))``: an exact route, the page only. Its frontend files
  are at ``/_pywebio_lite/...``, from ``app.add_routes(static_routes())`` (PyWebIO's way with
  ``cdn=False``).
* ``web.get('/tool{tail:.*}', webio_handler(main))``: a mount. The route's last variable is the
  path below it, so the handler serves the files too; ``/tool`` is redirected to ``/tool/``.

Importing this module imports aiohttp; nothing else in the package does.
"""

from __future__ import annotations

import logging
import socket
import threading
import webbrowser
from urllib.parse import urljoin

from aiohttp import WSMsgType, web

from ..protocol.http import Response
from ..utils import parse_file_size
from .hosting import app_path, limit_text, make_webio_app, mounted, needs_slash, socket_handler
from .remote_access import parse_service, remote_access_for
from .server import STATIC_PREFIX, WebIOApp
from .transport import ABNORMAL_CLOSURE, QueuedTransport, SocketClosed, make_request

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["webio_handler", "static_routes", "start_server"]


def _sub_path(request: web.Request) -> str | None:
    """The path below the mount (the route's last variable) if the route is a mount, else None."""
    values = list(request.match_info.values())
    pattern = request.match_info.route.resource.get_info().get("pattern")
    if not values or pattern is None or not mounted(pattern.pattern):
        return None  # an exact route, maybe with variables of its own like /user/{id}
    return values[-1]


def _response(response: Response) -> web.Response:
    return web.Response(status=response.status, headers=list(response.headers), body=response.body)


def _handler_for(app: WebIOApp, *, max_msg_size: int, websocket_settings: dict | None):
    """The route's handler. Its ``close_sockets()`` closes every open session socket with 1001
    (start_server calls it on shutdown, which otherwise waits for them to end)."""
    settings = dict(websocket_settings or {})
    settings.setdefault("max_msg_size", max_msg_size)
    sockets: set[web.WebSocketResponse] = set()
    checked = False

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal checked
        sub = _sub_path(request)
        if needs_slash(sub, request.path) and request.method in ("GET", "HEAD"):
            location = request.path + "/" + ("?" + request.query_string if request.query_string else "")
            return web.Response(status=307, headers={"Location": location})
        ours = make_request(request.method, app_path(sub), request.query_string, request.headers.items(),
                            remote=request.remote, page_path=request.raw_path.split("?", 1)[0])
        if request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await _serve_socket(app, request, ours, settings, sockets)
        if sub is None and not checked:
            checked = True
            if not _files_route_exists(request, app.base_url):
                # PyWebIO's plain web.get('/tool', webio_handler(...)): serve the files through
                # the page's own URL (PAGE?_pwl_file=...), as the WSGI hosts do.
                app.files_by_query = True
        return _response(await app.handle_request(ours))

    async def close_sockets() -> None:
        for ws in list(sockets):
            await ws.close(code=1001, message=b"server shutting down")

    handler.close_sockets = close_sockets
    return handler


def _files_route_exists(request: web.Request, base_url: str) -> bool:
    """Whether a route of the host app serves the files an exact route's page links (a
    static_routes() beside it, as PyWebIO's docs have it), or they come from a cdn URL."""
    if "://" in base_url or base_url.startswith("//"):
        return True  # a cdn URL
    files = urljoin(request.path, base_url) + "js/main.js"
    for resource in request.app.router.resources():
        info = resource.get_info()
        if info.get("path") == files or (info.get("pattern") and info["pattern"].fullmatch(files)) \
                or (info.get("prefix") and files.startswith(info["prefix"].rstrip("/") + "/")):
            return True
    return False


async def _serve_socket(app: WebIOApp, request: web.Request, ours, settings: dict, sockets: set):
    handler = socket_handler(app, ours, request)
    if isinstance(handler, Response):
        return _response(handler)
    ws = web.WebSocketResponse(**settings)
    await ws.prepare(request)
    sockets.add(ws)

    async def receive():
        message = await ws.receive()
        while message.type in (WSMsgType.PING, WSMsgType.PONG):  # given with autoping=False
            message = await ws.receive()
        if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            return message.data
        if message.type == WSMsgType.CLOSE:
            raise SocketClosed(message.data or ABNORMAL_CLOSURE, message.extra or "")
        raise SocketClosed(ws.close_code or ABNORMAL_CLOSURE, "")  # CLOSING, CLOSED, ERROR

    async def close(code: int, reason: str) -> None:
        await ws.close(code=code, message=reason.encode("utf-8"))

    transport = QueuedTransport(ws.send_str, ws.send_bytes, close)
    try:
        await transport.serve(handler, limit_text(receive, app.max_text_size, close))
    finally:
        sockets.discard(ws)
    if not ws.closed:
        await ws.close()
    return ws


def webio_handler(applications, cdn=True, reconnect_timeout=None, allowed_origins=None, check_origin=None,
                  max_payload_size="200M", websocket_settings=None):
    """An aiohttp request handler serving `applications`: the page (GET) and the session's
    WebSocket (upgrade) on the same route; at a mount (``'/tool{tail:.*}'``) the frontend files too.

    `max_payload_size` (int or like '200M') bounds one WebSocket message; `websocket_settings`
    go to `aiohttp.web.WebSocketResponse`. Other args as in `start_server`.
    """
    size = parse_file_size(max_payload_size, name="max_payload_size")
    app = make_webio_app(applications, backend="aiohttp", cdn=cdn, reconnect_timeout=reconnect_timeout,
                         allowed_origins=allowed_origins, check_origin=check_origin, max_payload_size=size)
    return _handler_for(app, max_msg_size=size, websocket_settings=websocket_settings)


def _no_app():
    """The app of the WebIOApp behind static_routes, which serves files only."""


_files_app: WebIOApp | None = None


def static_routes(prefix="/"):
    """Routes serving the frontend files at ``prefix + '_pywebio_lite/...'`` (GET and HEAD):
    ``app.add_routes(static_routes())`` beside a webio_handler at an exact route."""
    global _files_app
    if not isinstance(prefix, str):
        raise TypeError("prefix must be a URL path like '/' or '/tool/'")
    if not prefix.endswith("/"):
        prefix += "/"
    if _files_app is None:
        _files_app = WebIOApp(_no_app)

    async def files(request: web.Request) -> web.Response:
        path = STATIC_PREFIX + request.match_info["path"]
        ours = make_request(request.method, app_path(path), request.query_string, request.headers.items(),
                            remote=request.remote)
        return _response(await _files_app.handle_request(ours))

    return [web.get(prefix + STATIC_PREFIX[1:] + "{path:.*}", files)]


def start_server(applications, port=0, host="", debug=False, cdn=True, static_dir=None, remote_access=False,
                 reconnect_timeout=None, allowed_origins=None, check_origin=None, auto_open_webbrowser=False,
                 max_payload_size="200M", websocket_settings=None, **aiohttp_settings):
    """Serve `applications` on an aiohttp server until Ctrl-C (PyWebIO's signature).

    Routes: ``/`` the page and its WebSocket, ``/_pywebio_lite/...`` the frontend, ``/static/...``
    `static_dir`. `aiohttp_settings` go to `aiohttp.web.Application`. `remote_access` opens a
    tunnel (platform/remote_access.py).
    """
    if remote_access:  # the tunnel opens once the server listens; a bad value fails now
        parse_service(remote_access)
    size = parse_file_size(max_payload_size, name="max_payload_size")
    app = make_webio_app(applications, backend="aiohttp", cdn=cdn, reconnect_timeout=reconnect_timeout,
                         allowed_origins=allowed_origins, check_origin=check_origin, static_dir=static_dir,
                         debug=debug, max_payload_size=size)
    handler = _handler_for(app, max_msg_size=size, websocket_settings=websocket_settings)
    aiohttp_settings.setdefault("client_max_size", size)
    application = web.Application(**aiohttp_settings)
    application.add_routes([web.route("*", "/{tail:.*}", handler)])
    application.on_shutdown.append(lambda _application: handler.close_sockets())
    sock = socket.create_server((host, port), family=socket.AF_INET)
    port = sock.getsockname()[1]
    url = f"http://{host or '127.0.0.1'}:{port}/"

    async def announce(_application):
        print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
        if auto_open_webbrowser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    application.on_startup.append(announce)
    with remote_access_for(port, remote_access):
        web.run_app(application, sock=sock, print=None)

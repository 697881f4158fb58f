"""Tornado hosts (as PyWebIO 1.8.4's ``pywebio.platform.tornado``): `webio_handler` gives a
`tornado.websocket.WebSocketHandler` class whose one route serves an app's page, its frontend
files and its WebSocket; `start_server` runs apps on a Tornado server of their own.

The handler is a thin driver over `WebIOApp` (docs/architecture.md, "One session connection, many
transports"): every HTTP request becomes our `Request` with the path below the mount point and is
answered by ``handle_request``; an upgrade is checked by ``handle_websocket`` and, if accepted,
runs over a `QueuedTransport`. How a route maps to the app's paths (docs/embedding.md, "Tornado"):

* ``(r"/tool", webio_handler(main))`` (the user's guide): an exact route. Its first page request
  adds a route for the frontend files beside it, ``/tool/_pywebio_lite/...``, to the host app.
* ``(r"/tool/?(.*)", ...)`` (or ``r"/tool/(.*)"``): a mount. The last group is the path below
  it; ``/tool`` (an empty rest without the slash) is redirected to ``/tool/``.

Importing this module imports Tornado; nothing else in the package does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import threading
import webbrowser

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.routing
import tornado.web
import tornado.websocket

from ..protocol.http import Response
from ..utils import parse_file_size
from .hosting import app_path, limit_text, make_webio_app, mounted, needs_slash, socket_handler
from .remote_access import parse_service, remote_access_for
from .server import STATIC_PREFIX, WebIOApp
from .transport import ABNORMAL_CLOSURE, QueuedTransport, SocketClosed, make_request

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["webio_handler", "start_server"]

#: Most page paths one exact route serves with files of their own (a pattern route like
#: r"/user/[0-9]+" matches any number of paths: each would add a route and an app).
_MAX_EXACT_PATHS = 16
#: Messages a socket may hold before Tornado waits to read more (the session applies them in order).
_INBOX = 16


class _WebIOHandler(tornado.websocket.WebSocketHandler):
    """One request on a webio_handler route: the page, a frontend file or the session's socket."""

    webio_app: WebIOApp            # set by webio_handler on the subclass
    _pages: dict[str, WebIOApp]    # page path -> its app, whose page links the files beside it

    _inbox: asyncio.Queue | None = None
    _gone: SocketClosed | None = None
    _handler = None

    # -------------------------------------------------------------------- plain HTTP
    async def get(self, *args, **kwargs):
        if self.request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._upgrade(args)
        return await self._answer(args)

    def _sub_path(self, args) -> str | None:
        """The path below the mount if the route that matched is a mount, else None (the page)."""
        if not args:
            return None
        rule = _matching_rule(self.application.default_router, type(self), self.request.path)
        if rule is not None and not mounted(rule.matcher.regex.pattern):
            return None  # an exact route with groups of its own, like /user/([0-9]+)
        return args[-1]

    async def _answer(self, args):
        sub = self._sub_path(args)
        request = self.request
        if needs_slash(sub, request.path) and request.method in ("GET", "HEAD"):
            location = request.path + "/" + ("?" + request.query if request.query else "")
            return self._respond(Response(307, [("Location", location)], b""))
        response = await self._app_for(sub).handle_request(self._request(sub))
        self._respond(response)

    async def head(self, *args, **kwargs):
        return await self._answer(args)

    post = put = delete = patch = options = head  # WebIOApp answers (405 for what no route takes)

    def _request(self, sub):
        r = self.request
        return make_request(r.method, app_path(sub), r.query, r.headers.get_all(), body=r.body or b"",
                            remote=r.remote_ip)

    def _app_for(self, sub) -> WebIOApp:
        """The app of this route; at an exact route, the one whose page links the files beside it."""
        if sub is not None or not self.webio_app.base_url.startswith("./"):
            return self.webio_app  # a mount, or the files come from a cdn URL
        path = self.request.path
        if path.endswith("/"):
            base, files = "." + STATIC_PREFIX, path
        else:
            base, files = "./" + path.rsplit("/", 1)[1] + STATIC_PREFIX, path + "/"
        cls = type(self)
        app = cls._pages.get(files)
        if app is None:
            if len(cls._pages) >= _MAX_EXACT_PATHS:  # a pattern route matching many paths
                _warn_once(cls, path)
                return self.webio_app
            app = cls._pages[files] = cls._make_app()
            app.base_url = base
            pattern = re.escape(files) + "(?=" + re.escape(STATIC_PREFIX[1:]) + ")(.*)"  # a mount's (.*)
            self.application.wildcard_router.add_rules([(pattern, cls)])
        return app

    def _respond(self, response: Response) -> None:
        self.clear()
        self.clear_header("Content-Type")
        self.set_status(response.status)
        seen = set()
        for name, value in response.headers:
            if name.lower() in seen:
                self.add_header(name, value)
            else:
                seen.add(name.lower())
                self.set_header(name, value)
        if response.body:
            self.write(response.body)
        self.finish()

    def compute_etag(self):
        return None  # WebIOApp gives its files their ETags; pages are not cached

    def check_origin(self, origin: str) -> bool:
        return True  # WebIOApp.handle_websocket has checked it (allowed_origins, check_origin)

    # -------------------------------------------------------------------- the WebSocket
    async def _upgrade(self, args):
        sub = self._sub_path(args)
        handler = socket_handler(self._app_for(sub), self._request(sub), self.request)
        if isinstance(handler, Response):
            return self._respond(handler)
        self._handler = handler
        await super().get(*args)

    def open(self, *args, **kwargs):
        type(self)._open.add(self)
        self._inbox = asyncio.Queue(_INBOX)
        transport = QueuedTransport(self._send_text, self._send_bytes, self._close)
        limit = self.webio_app.max_text_size
        self._serving = asyncio.ensure_future(
            transport.serve(self._handler, limit_text(self._receive, limit, self._close)))

    async def on_message(self, message):
        await self._inbox.put(message)  # Tornado reads the next message once there is room

    def on_close(self):
        type(self)._open.discard(self)
        self._gone = SocketClosed(self.close_code or ABNORMAL_CLOSURE, self.close_reason or "")
        if self._inbox is not None:
            try:
                self._inbox.put_nowait(None)  # wakes a waiting receive
            except asyncio.QueueFull:
                pass  # receive is not waiting: it sees _gone once it has taken what is queued

    async def _receive(self):
        while True:
            if self._gone is not None and self._inbox.empty():
                raise self._gone
            message = await self._inbox.get()
            if message is not None:
                return message

    async def _send_text(self, data: str) -> None:
        await self.write_message(data)

    async def _send_bytes(self, data: bytes) -> None:
        await self.write_message(data, binary=True)

    async def _close(self, code: int, reason: str) -> None:
        self.close(code, reason)


def _matching_rule(router, cls, path: str):
    """The first rule of `router` (and the routers it holds) routing `path` to `cls`, or None."""
    for rule in getattr(router, "rules", ()):
        if rule.target is cls and isinstance(rule.matcher, tornado.routing.PathMatches):
            if rule.matcher.regex.match(path):
                return rule
        elif isinstance(rule.target, tornado.routing.Router):
            found = _matching_rule(rule.target, cls, path)
            if found is not None:
                return found
    return None


def _warn_once(cls, path: str) -> None:
    if not getattr(cls, "_warned", False):
        cls._warned = True
        logger.warning("webio_handler: more than %d page paths on one exact route (%s...): mount the app "
                       "under a route capturing the rest of the path instead, like r'/tool/?(.*)'",
                       _MAX_EXACT_PATHS, path)


def webio_handler(applications, cdn=True, reconnect_timeout=None, allowed_origins=None, check_origin=None):
    """A `tornado.websocket.WebSocketHandler` class serving `applications` on its route.

    The same URL serves the page (GET) and the session's WebSocket (upgrade); the frontend files
    are served by the same class (see the module docstring for routes). Args as in `start_server`.
    """
    def make() -> WebIOApp:
        return make_webio_app(applications, backend="tornado", cdn=cdn, reconnect_timeout=reconnect_timeout,
                              allowed_origins=allowed_origins, check_origin=check_origin)
    return _handler_class(make)


def _handler_class(make) -> type:
    """A handler class of its own for each route: its apps and the file routes it added."""
    return type("WebIOHandler", (_WebIOHandler,), {
        "webio_app": make(), "_pages": {}, "_open": set(),
        "_make_app": staticmethod(make)})


async def _close_sockets(cls, wait: float = 2.0) -> None:
    """Close every open session socket of handler class `cls` with 1001 (going away), and give
    the pages `wait` seconds to answer."""
    handlers = list(cls._open)
    for handler in handlers:
        handler.close(1001, "server shutting down")
    if handlers:
        await asyncio.wait([h._serving for h in handlers], timeout=wait)


def start_server(applications, port=0, host="", debug=False, cdn=True, static_dir=None, remote_access=False,
                 reconnect_timeout=None, allowed_origins=None, check_origin=None, auto_open_webbrowser=False,
                 max_payload_size="200M", **tornado_app_settings):
    """Serve `applications` on a Tornado server until Ctrl-C (PyWebIO's signature).

    Routes: ``/`` the page and its WebSocket, ``/_pywebio_lite/...`` the frontend, ``/static/...``
    `static_dir`. `tornado_app_settings` go to `tornado.web.Application` (PyWebIO's defaults:
    ``websocket_ping_interval=30``, ``websocket_max_message_size`` from `max_payload_size`).
    `remote_access` opens a tunnel (platform/remote_access.py). On Ctrl-C or SIGTERM it closes the open
    session sockets with 1001 (going away).
    """
    if remote_access:  # the tunnel opens once the server listens; a bad value fails now
        parse_service(remote_access)
    size = parse_file_size(max_payload_size, name="max_payload_size")

    def make() -> WebIOApp:
        return make_webio_app(applications, backend="tornado", cdn=cdn, reconnect_timeout=reconnect_timeout,
                              allowed_origins=allowed_origins, check_origin=check_origin, static_dir=static_dir,
                              debug=debug, max_payload_size=size)
    handler = _handler_class(make)
    settings = {"websocket_max_message_size": size, "websocket_ping_interval": 30, "debug": debug}
    settings.update(tornado_app_settings)
    application = tornado.web.Application([(r"/(.*)", handler)], **settings)
    sockets = tornado.netutil.bind_sockets(port, address=host or None)
    server = tornado.httpserver.HTTPServer(application, max_buffer_size=size)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    url = f"http://{host or '127.0.0.1'}:{port}/"
    print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
    if auto_open_webbrowser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    loop = tornado.ioloop.IOLoop.current()
    with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # main thread, Unix only
        loop.asyncio_loop.add_signal_handler(signal.SIGTERM, loop.stop)
    try:
        with remote_access_for(port, remote_access):
            loop.start()
    except KeyboardInterrupt:
        pass
    finally:  # stop listening, tell the pages the server is going away
        server.stop()
        loop.run_sync(lambda: _close_sockets(handler))

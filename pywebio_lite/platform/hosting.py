"""What the framework WebSocket adapters (`platform.tornado`, `platform.aiohttp`) share.

* `make_webio_app`: the `WebIOApp` an adapter's options describe (checked here, so a wrong
  argument fails when the route is made, not at the first request).
* `mounted`, `app_path`: whether a route is a mount (it captures the rest of the path), and the
  path below the mount point from what it captured.
* `socket_handler`: the handler of a WebSocket upgrade (or the `Response` refusing it), with
  ``session.info.request`` set to the framework's own request object, as in PyWebIO.
* `limit_text`: a ``receive()`` that refuses text messages over the page's limit (1009).

No framework is imported here.
"""

from __future__ import annotations

import os
import re
from typing import Awaitable, Callable
from urllib.parse import quote

from ..session.base import claim_server_mode
from ..utils import parse_file_size
from .adaptor import SessionConnection
from .server import DEFAULT_MAX_TEXT_MESSAGE, WebIOApp
from .transport import SocketClosed

__all__ = ["make_webio_app", "mounted", "app_path", "needs_slash", "socket_handler", "limit_text", "MESSAGE_TOO_BIG"]

#: RFC 6455 §7.4.1: a message too big to process.
MESSAGE_TOO_BIG = 1009


def make_webio_app(applications, *, backend: str, cdn=True, reconnect_timeout=None, allowed_origins=None,
                   check_origin=None, static_dir=None, debug=False, max_payload_size="200M") -> WebIOApp:
    """The application object behind an adapter's route (reconnect_timeout None: 10 s, as start_server).
    `debug` (or the PYWEBIO_DEBUG environment variable) shows app errors' tracebacks in the page."""
    claim_server_mode()  # PyWebIO's error if script mode has begun
    if os.environ.get("PYWEBIO_DEBUG"):
        debug = True
    size = parse_file_size(max_payload_size, name="max_payload_size")
    app = WebIOApp(applications, cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, debug=debug, reconnect_timeout=reconnect_timeout,
                   max_text_size=min(size, parse_file_size(DEFAULT_MAX_TEXT_MESSAGE)), max_payload_size=size)
    app.backend = backend
    return app


#: A route pattern's last group takes the rest of the path: ``(.*)``, ``(?P<tail>.*)``, ``(.+)``.
_REST = re.compile(r"\((?:\?P<\w+>)?\.[*+]\)\$?$")


def mounted(pattern: str) -> bool:
    """Whether a route's regex captures the rest of the path in its last group (a mount, like
    ``/tool/?(.*)``), rather than being an exact route (``/tool``, ``/user/([0-9]+)``: the page)."""
    return bool(_REST.search(pattern))


def app_path(sub: str | None) -> str:
    """The app's path for a route's captured rest of the path (decoded, as frameworks give it).

    None (an exact route, nothing captured) is the page, "/". Otherwise the rest of the path,
    percent-encoded again: ``"_pywebio_lite/js/main.js"`` and ``"/_pywebio_lite/js/main.js"``
    (a route like ``/tool(.*)``) both give ``"/_pywebio_lite/js/main.js"``.
    """
    if sub is None:
        return "/"
    return quote(sub if sub.startswith("/") else "/" + sub, safe="/:@!$&'()*+,;=-._~")


def needs_slash(sub: str | None, path: str) -> bool:
    """Whether a page request should be redirected (307, as the ASGI adapter does) to `path` + "/":
    its route captured an empty rest (``/tool(.*)`` asked for ``/tool``), so the page's relative
    URLs need the slash."""
    return sub == "" and not path.endswith("/")


def socket_handler(app: WebIOApp, request, native):
    """`app.handle_websocket(request)`, with session.info.request = `native` for a new session."""
    handler = app.handle_websocket(request)
    if isinstance(handler, SessionConnection):
        handler.session_info["request"] = native
    return handler


def limit_text(receive: Callable[[], Awaitable], limit: int, close: Callable[[int, str], Awaitable]):
    """`receive` refusing a text message of more than `limit` UTF-8 bytes: the socket is closed
    with 1009 and the session sees the socket go (binary messages are bounded by the framework)."""
    async def limited():
        message = await receive()
        if isinstance(message, str) and len(message) * 4 > limit and len(message.encode("utf-8")) > limit:
            await close(MESSAGE_TOO_BIG, "message too big")
            raise SocketClosed(MESSAGE_TOO_BIG, "message too big")
        return message
    return limited

"""`asgi_app()`: pywebio_lite apps as an ASGI 3 application, on the ASGI specs alone (no framework).

Any ASGI server runs it (``uvicorn module:app``, ``hypercorn module:app``) and any ASGI host
mounts it under a prefix (Starlette ``Mount('/tool', app=...)``, FastAPI
``app.mount('/tool', ...)``, ``uvicorn --root-path /tool``). It answers three scope types:

* ``http``: every request goes to `WebIOApp.handle_request` with the path below the mount point
  (``scope["root_path"]`` removed): ``/`` is the app page, ``/_pywebio_lite/...`` the frontend,
  ``/static/...`` the `static_dir`. The mount point itself (``/tool``) redirects to ``/tool/``,
  since the page's URLs are relative. A body is read only if the app takes one
  (`WebIOApp.refuse_body`) and only up to `max_payload_size` (413 beyond).
* ``websocket``: `WebIOApp.handle_websocket` gives the session's handler, run over a
  `transport.QueuedTransport`, or a refusal (403 foreign origin, 404...) sent as the HTTP answer
  to the upgrade where the server offers the ``websocket.http.response`` extension. A text
  message over `max_text_message_size` or a binary one over `max_payload_size` closes the socket
  with 1009 (RFC 6455 §7.4.1).
* ``lifespan``: acknowledged (nothing to start or stop).
"""

from __future__ import annotations

import logging
import os
from typing import Callable
from urllib.parse import quote

from ..protocol.http import Response
from ..session.base import claim_server_mode
from ..utils import parse_file_size
from .adaptor import SessionConnection
from .auth import make_auth
from .server import DEFAULT_MAX_TEXT_MESSAGE, WebIOApp
from .transport import QueuedTransport, SocketClosed, make_request

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["asgi_app", "ASGIApp", "make_webio_app", "mount_path"]

#: RFC 6455 §7.4.1: the message is too big to process.
MESSAGE_TOO_BIG = 1009
#: Characters of a path kept as they are when the path is percent-encoded again (RFC 3986 pchar).
_PATH_SAFE = "/!$&'()*+,;=:@~"
#: What `ASGIApp._read_body` returns for a body over the limit.
TOO_LARGE = object()


def mount_path(scope: dict) -> str:
    """The request's path below the mount point, percent-encoded ("" for the mount point itself).

    ASGI servers and hosts put the whole path in ``path`` and the mount point in ``root_path``
    (Starlette >= 0.33, uvicorn --root-path); older hosts gave only the rest in ``path``.
    """
    path = scope.get("path") or "/"
    root = (scope.get("root_path") or "").rstrip("/")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        path = path[len(root):]
    return quote(path, safe=_PATH_SAFE)


def _query(scope: dict) -> str:
    return (scope.get("query_string") or b"").decode("latin-1")


def _request(scope: dict, method: str, path: str, body: bytes = b""):
    client = scope.get("client")
    return make_request(method, path, _query(scope), scope.get("headers") or (), body=body,
                        remote=tuple(client) if client else None)


def _header(scope: dict, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value
    return None


def _response_headers(response: Response) -> list[tuple[bytes, bytes]]:
    """ASGI header pairs; Content-Length is ours (RFC 9110 §8.6: none on 1xx, 204, 304)."""
    headers = [(name.lower().encode("latin-1"), str(value).encode("latin-1"))
               for name, value in response.headers
               if name.lower() not in ("content-length", "transfer-encoding", "connection")]
    if response.status >= 200 and response.status not in (204, 304):
        headers.append((b"content-length", str(len(response.body)).encode("latin-1")))
    return headers


class ASGIApp:
    """The ASGI 3 application over one `WebIOApp` (see the module docstring)."""

    #: f(scope, receive, send) -> what a new session's ``session.info.request`` is (a framework's
    #: WebSocket object); None: our `Request` of the upgrade
    request_object: Callable | None = None

    def __init__(self, webio: WebIOApp, *, max_payload_size: int, max_text_size: int):
        self.webio = webio
        self.max_payload_size = max_payload_size
        self.max_text_size = max_text_size

    async def __call__(self, scope, receive, send) -> None:
        kind = scope.get("type")
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            await self.websocket(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)
        else:  # the ASGI spec: an application raises on a scope type it does not know
            raise ValueError(f"pywebio_lite's ASGI app does not handle {kind!r} scopes")

    # ------------------------------------------------------------------ http
    async def http(self, scope, receive, send) -> None:
        method = scope.get("method", "GET").upper()
        path = mount_path(scope)
        if path == "":  # the mount point: the page's relative URLs need the trailing slash
            query = _query(scope)
            location = quote(scope.get("root_path", "").rstrip("/") + "/", safe=_PATH_SAFE)
            await self.respond(send, Response(307, [("Location", location + ("?" + query if query else ""))]),
                               method)
            return
        body = b""
        if self._announces_body(scope):
            check = getattr(self.webio, "refuse_body", None)  # optional, as for the built-in server
            refused = check(_request(scope, method, path)) if check is not None else None
            if refused is None:
                body = await self._read_body(scope, receive)
                if body is None:  # the client went away
                    return
                if body is TOO_LARGE:
                    refused = Response.text(413, "Request body too large")
            if refused is not None:
                await self.respond(send, refused, method)
                return
        try:
            response = await self.webio.handle_request(_request(scope, method, path, body))
        except Exception:
            logger.exception("error answering %s %s", method, path[:200])
            response = Response.text(500, "Internal Server Error")
        await self.respond(send, response, method)

    @staticmethod
    def _announces_body(scope) -> bool:
        length = _header(scope, b"content-length")
        return _header(scope, b"transfer-encoding") is not None or (
            length is not None and length.strip() not in (b"", b"0"))

    async def _read_body(self, scope, receive):
        """The body; `TOO_LARGE` once it exceeds max_payload_size (the rest is left unread);
        None if the client disconnected."""
        limit = self.max_payload_size
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            return TOO_LARGE
        chunks, size = [], 0
        while True:
            message = await receive()
            if message.get("type") == "http.disconnect":
                return None
            chunk = message.get("body") or b""
            size += len(chunk)
            if size > limit:
                return TOO_LARGE
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    @staticmethod
    async def respond(send, response: Response, method: str = "GET") -> None:
        head_only = method == "HEAD"
        await send({"type": "http.response.start", "status": response.status,
                    "headers": _response_headers(response)})
        await send({"type": "http.response.body", "body": b"" if head_only else response.body})

    # ------------------------------------------------------------------ websocket
    async def websocket(self, scope, receive, send) -> None:
        message = await receive()
        if message.get("type") != "websocket.connect":
            return
        try:
            handler = self.webio.handle_websocket(_request(scope, "GET", mount_path(scope) or "/"))
        except Exception:
            logger.exception("error accepting a WebSocket")
            handler = Response.text(500, "Internal Server Error")
        if isinstance(handler, Response):
            await self.refuse(scope, send, handler)
            return
        if self.request_object is not None and isinstance(handler, SessionConnection):
            handler.session_info["request"] = self.request_object(scope, receive, send)
        try:
            await send({"type": "websocket.accept"})
        except OSError:  # the client went before it was accepted (uvicorn's ClientDisconnected)
            return
        too_big: list[str] = []

        async def next_message():
            while True:
                message = await receive()
                kind = message.get("type")
                if kind == "websocket.receive":
                    text = message.get("text")
                    if text is not None:
                        # a character is 1 to 4 bytes: encode only when the length is in doubt
                        if len(text) > self.max_text_size or (
                                len(text) * 4 > self.max_text_size and len(text.encode()) > self.max_text_size):
                            too_big.append("text message too big")
                            raise SocketClosed(MESSAGE_TOO_BIG, too_big[0])
                        return text
                    data = message.get("bytes") or b""
                    if len(data) > self.max_payload_size:
                        too_big.append("message too big")
                        raise SocketClosed(MESSAGE_TOO_BIG, too_big[0])
                    return data
                if kind == "websocket.disconnect":
                    raise SocketClosed(message.get("code", 1005), message.get("reason") or "")

        async def send_text(data: str):
            await send({"type": "websocket.send", "text": data})

        async def send_bytes(data: bytes):
            await send({"type": "websocket.send", "bytes": data})

        async def close(code: int, reason: str):
            await send({"type": "websocket.close", "code": code, "reason": reason})

        await QueuedTransport(send_text, send_bytes, close).serve(handler, next_message)
        if too_big:  # the session has ended; now tell the peer why (nothing else sends any more)
            logger.info("closed a WebSocket: %s", too_big[0])
            try:
                await close(MESSAGE_TOO_BIG, too_big[0])
            except Exception:  # the server may have dropped the socket already
                pass

    @staticmethod
    async def refuse(scope, send, response: Response) -> None:
        """Refuse an upgrade with `response` where the server can send it; a plain 403 otherwise."""
        if "websocket.http.response" in (scope.get("extensions") or {}):
            await send({"type": "websocket.http.response.start", "status": response.status,
                        "headers": _response_headers(response)})
            await send({"type": "websocket.http.response.body", "body": response.body})
        else:
            await send({"type": "websocket.close", "code": 1008})

    # ------------------------------------------------------------------ lifespan
    @staticmethod
    async def lifespan(receive, send) -> None:
        while True:
            message = await receive()
            kind = message.get("type")
            if kind == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif kind == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def make_webio_app(applications, *, backend: str, cdn=True, reconnect_timeout=None, static_dir=None,
                   debug=False, allowed_origins=None, check_origin=None, max_payload_size="200M",
                   max_text_message_size=DEFAULT_MAX_TEXT_MESSAGE, allowed_hosts=None, auth=None,
                   check_auth=None, auth_realm="pywebio_lite", trusted_proxies=None) -> ASGIApp:
    """The ASGIApp for an adapter: a `WebIOApp` with the options of `asgi_app` and `backend`
    as session.info.backend."""
    claim_server_mode()  # PyWebIO's error if script mode has begun
    if os.environ.get("PYWEBIO_DEBUG"):
        debug = True
    size = parse_file_size(max_payload_size, name="max_payload_size")
    text_size = min(parse_file_size(max_text_message_size, name="max_text_message_size"), size)
    webio = WebIOApp(applications, cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                     check_origin=check_origin, debug=debug, reconnect_timeout=reconnect_timeout,
                     auth=make_auth(auth, check_auth, auth_realm), trusted_proxies=trusted_proxies,
                     allowed_hosts=allowed_hosts, max_text_size=text_size, max_payload_size=size)
    webio.backend = backend
    return ASGIApp(webio, max_payload_size=size, max_text_size=text_size)


def asgi_app(applications, cdn=True, reconnect_timeout=None, static_dir: str | None = None, debug: bool = False,
             allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
             max_payload_size="200M", *, max_text_message_size=DEFAULT_MAX_TEXT_MESSAGE,
             allowed_hosts: list[str] | None = None, auth=None, check_auth=None, auth_realm="pywebio_lite",
             trusted_proxies=None) -> ASGIApp:
    """An ASGI 3 application serving `applications` (page, frontend files, sessions over WebSocket).

    Run it with any ASGI server (``uvicorn module:app``) or mount it in an ASGI host under any
    prefix (``app.mount('/tool', asgi_app(main))``); the page, its files and its socket all live
    below the mount point. The arguments are those of `pywebio_lite.start_server`:
    `reconnect_timeout` seconds a session waits for its page after its socket dropped (0: none,
    as in PyWebIO); `static_dir` is served at ``static/``; `max_payload_size` bounds a request
    body (413) and a binary message (closed with 1009), `max_text_message_size` a text message.
    The ASGI server's own message limit applies too (uvicorn's ``ws_max_size`` is 16 MiB unless
    set). `allowed_hosts`, `auth`/`check_auth` and `trusted_proxies` as for start_server.
    session.info.backend is ``'asgi'``.
    """
    return make_webio_app(applications, backend="asgi", cdn=cdn, reconnect_timeout=reconnect_timeout,
                          static_dir=static_dir, debug=debug, allowed_origins=allowed_origins,
                          check_origin=check_origin, max_payload_size=max_payload_size,
                          max_text_message_size=max_text_message_size, allowed_hosts=allowed_hosts,
                          auth=auth, check_auth=check_auth, auth_realm=auth_realm,
                          trusted_proxies=trusted_proxies)

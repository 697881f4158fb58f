"""Transports: what carries one session's frames between the server and the page.

The seam every host shares (docs/architecture.md, "One session connection, many transports"):

* A *socket handler* (`SocketHandler`: ``on_open(transport)``, ``on_message(data)``,
  ``on_close(code, reason)``) runs one session over whatever transport carries it. The app's
  handler is `adaptor.SessionConnection`, which `WebIOApp.handle_websocket(request)` returns. It
  knows nothing of sockets, frameworks or HTTP: it batches, numbers and replays frames, dispatches
  events and closes the session.
* A *transport* (`Transport`) takes frames and reports back-pressure: ``send(frame)``,
  ``close(code, reason)``, ``writable`` (False while it holds more than its high-water mark),
  ``closed`` and ``await drain()``. Drivers provide it: the built-in server's
  `server.connection.WebSocket`, `QueuedTransport` below for any framework's awaitable
  WebSocket (ASGI, Starlette/FastAPI, aiohttp, Tornado), and the HTTP long-polling transport.

A driver creates the transport, calls ``handler.on_open(transport)``, hands every message the
page sends to ``on_message`` and calls ``on_close`` once when the connection has gone. Everything
runs in the asyncio loop thread that serves the connection.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Awaitable, Callable, Protocol

from ..protocol.http import Headers, Request

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["Transport", "SocketHandler", "QueuedTransport", "SocketClosed", "make_request", "HostRequest",
           "ABNORMAL_CLOSURE"]

#: RFC 6455 §7.4.1: the connection went without a close frame (never sent on the wire).
ABNORMAL_CLOSURE = 1006


class Transport(Protocol):
    """What a socket handler sends through (see the module docstring)."""

    @property
    def writable(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    def send(self, data: str | bytes) -> None: ...

    def close(self, code: int = 1000, reason: str = "") -> None: ...

    async def drain(self) -> None: ...


class SocketHandler(Protocol):
    """What a driver calls (see the module docstring)."""

    def on_open(self, transport: Transport) -> None: ...

    def on_message(self, data: str | bytes) -> None: ...

    def on_close(self, code: int, reason: str) -> None: ...


class SocketClosed(Exception):
    """Raised by a driver's ``receive()`` when the peer closed the socket (with its close code)."""

    def __init__(self, code: int = ABNORMAL_CLOSURE, reason: str = ""):
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class QueuedTransport:
    """A `Transport` over a framework's awaitable WebSocket API.

    `send` never blocks: frames queue and one writer task awaits the framework's
    ``send_text``/``send_bytes`` for each in order. While more than `high_water` characters/bytes
    wait, `writable` is False and `drain()` waits until the queue is down to a quarter of it, so the
    session batches commands instead of piling them up here. `close` sends what is queued, then
    awaits the framework's ``close(code, reason)``.

    Use `serve(handler, receive)` to run a handler over it: ``receive()`` returns the next message
    (str or bytes) and raises `SocketClosed` (or anything else, taken as 1006) once the socket has
    gone.
    """

    HIGH_WATER = 1 << 20

    def __init__(self, send_text: Callable[[str], Awaitable], send_bytes: Callable[[bytes], Awaitable],
                 close: Callable[[int, str], Awaitable], *, high_water: int | None = None):
        self._send_text = send_text
        self._send_bytes = send_bytes
        self._close_socket = close
        self.high_water = high_water or self.HIGH_WATER
        self._queue: collections.deque[str | bytes] = collections.deque()
        self._pending = 0
        self._closing: tuple[int, str] | None = None
        self._closed = False
        self._wakeup = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._writer: asyncio.Task | None = None

    # ------------------------------------------------------------------ the Transport interface
    @property
    def writable(self) -> bool:
        return not self._closed and self._closing is None and self._pending < self.high_water

    @property
    def closed(self) -> bool:
        return self._closed or self._closing is not None

    def send(self, data: str | bytes) -> None:
        if self.closed:
            return
        self._queue.append(data)
        self._pending += len(data)
        if self._pending >= self.high_water:
            self._drained.clear()
        self._wakeup.set()

    def close(self, code: int = 1000, reason: str = "") -> None:
        if self.closed:
            return
        self._closing = (code, reason)
        self._wakeup.set()

    async def drain(self) -> None:
        await self._drained.wait()

    # ------------------------------------------------------------------ driving a handler
    async def serve(self, handler: SocketHandler, receive: Callable[[], Awaitable[str | bytes]]) -> None:
        """Run `handler` over this transport until the socket closes; returns after on_close."""
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())
        code, reason = ABNORMAL_CLOSURE, ""
        try:
            handler.on_open(self)
            while not self._closed:
                try:
                    message = await receive()
                except SocketClosed as closed:
                    code, reason = closed.code, closed.reason
                    break
                except (asyncio.CancelledError, GeneratorExit):
                    raise
                except Exception:  # the framework's own way of saying the socket went
                    break
                if isinstance(message, (str, bytes)):
                    handler.on_message(message)
        finally:
            self._finish()
            if self._closing is not None and code == ABNORMAL_CLOSURE:
                code, reason = self._closing
            handler.on_close(code, reason)

    def _finish(self) -> None:
        self._closed = True
        self._queue.clear()
        self._pending = 0
        self._drained.set()
        self._wakeup.set()
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()

    async def _write_loop(self) -> None:
        queue = self._queue
        low = self.high_water // 4
        try:
            while not self._closed:
                while queue:
                    data = queue.popleft()
                    self._pending -= len(data)
                    await (self._send_text(data) if isinstance(data, str) else self._send_bytes(data))
                    if self._pending <= low:
                        self._drained.set()
                if self._closing is not None:
                    code, reason = self._closing
                    await self._close_socket(code, reason)
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the socket failed under us: the receive side sees it go
            logger.debug("a framework WebSocket failed while sending: %r", error)
            self._closed = True
            self._queue.clear()
            self._pending = 0
            self._drained.set()


class HostRequest(Request):
    """A request a framework handed us: `native` is the framework's request object (session.info
    .request), `page_path` the URL path the browser asked for (the page's URL), or None."""

    __slots__ = ("native", "page_path")


def make_request(method: str, path: str, query_string: str = "", headers=(), *, body: bytes = b"",
                 remote=None, page_path: str | None = None, native=None) -> HostRequest:
    """Our `Request` from a host's request parts.

    `path` is the path *below the mount point* (what the app sees: "/" is its page), still
    percent-encoded as sent; `headers` any (name, value) pairs (str or latin-1 bytes); `remote`
    the peer address (a (host, port) tuple or a host string); `page_path` the full URL path the
    browser asked for, percent-encoded (an exact route's files are served through it).
    """
    items = Headers()
    for name, value in headers.items() if hasattr(headers, "items") else headers:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        items.add(name, value)
    target = (path or "/") + ("?" + query_string if query_string else "")
    if isinstance(remote, str):
        remote = (remote, 0)
    request = HostRequest(method.upper(), target, headers=items, body=body, remote=remote)
    request.native, request.page_path = native, page_path
    return request

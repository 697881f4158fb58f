"""HTTP long-polling: sessions for hosts without WebSocket (docs/protocol.md §9).

Each poll request is a short-lived transport (`PollExchange`) attached to the session's
`adaptor.SessionConnection`, exactly as a WebSocket that resumes a session is: the connection
sends it every frame after the page's acknowledgement from the session's replay history, then what
is waiting, and the request answers with them. Between polls frames wait (and merge) in the
session's outbox; a poll that finds nothing waits at most `POLL_WAIT` seconds, then answers with an
empty batch, so it never holds a WSGI worker for long. When a poll ends, the connection counts as
dropped: the session waits `session_expire_seconds` for the next one (the connection's reconnect
timeout), then closes. So lost answers, acknowledgements, replay, expiry and the 4404 "session
gone" answer are the WebSocket machinery's own.

Runs in the event loop of the host (`wsgi.host_loop()` for WSGI hosts).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from ..protocol.http import Request, Response
from ..protocol.poll import NDJSON, PollError, parse_poll_request, poll_body
from .adaptor import REPLAY_CHARS, SessionConnection, SessionRegistry, make_session_info

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["PollExchange", "PollEndpoint", "POLL_WAIT", "DEFAULT_SESSION_EXPIRE", "DEFAULT_SESSION_CLEANUP"]

#: Longest a poll waits for a frame before it answers with an empty batch, in seconds.
POLL_WAIT = 20.0
#: PyWebIO's effective defaults (its HttpHandler): a session with no request for 600 s closes.
DEFAULT_SESSION_EXPIRE = 600.0
DEFAULT_SESSION_CLEANUP = 300.0
#: Characters of frames one answer takes before the session keeps the rest for the next poll.
ANSWER_CHARS = REPLAY_CHARS // 2

#: HTTP status of an answer whose transport the session closed with this code.
_CLOSE_STATUS = {4404: (404, "Unknown or expired session"), 4409: (409, "Replaced by a newer poll")}


class PollExchange:
    """The transport of one poll request: it keeps the frames the session sends until the answer
    leaves (the `SessionConnection` transport interface: send, close, writable, closed, drain)."""

    __slots__ = ("request", "remote_address", "frames", "chars", "closed", "close_code", "_ready",
                 "_done", "keep_hello")

    def __init__(self, request: Request, *, keep_hello: bool):
        loop = asyncio.get_running_loop()
        self.request = request
        self.remote_address = request.remote
        self.frames: list[str] = []
        self.chars = 0
        self.closed = False
        self.close_code: tuple[int, str] | None = None
        self.keep_hello = keep_hello  # only the answer that opens a session names it
        self._ready = loop.create_future()  # a frame (or the close) is there: answer now
        self._done = loop.create_future()   # the answer has left: nothing more can be sent

    @property
    def writable(self) -> bool:
        return not self.closed and self.chars < ANSWER_CHARS

    def send(self, frame) -> None:
        if self.closed:
            return
        if frame.startswith('{"hello"'):
            if self.keep_hello:
                self.frames.append(frame)
            return
        self.frames.append(frame)
        self.chars += len(frame)
        if not self._ready.done():
            self._ready.set_result(None)

    def close(self, code: int = 1000, reason: str = "") -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = (code, reason)
        if not self._ready.done():
            self._ready.set_result(None)

    async def drain(self) -> None:
        await asyncio.shield(self._done)  # an answer never drains: the next poll takes the rest

    async def wait(self, timeout: float) -> None:
        """Return once there is something to answer with, or after `timeout` seconds."""
        if not self._ready.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._ready), timeout)
            except asyncio.TimeoutError:
                pass
        await asyncio.sleep(0)  # frames made in the same instant leave in this answer too

    def finish(self) -> Response:
        """The answer (the exchange takes no more frames)."""
        closed = self.close_code
        self.closed = True
        if not self._done.done():
            self._done.set_result(None)
        if closed is not None and closed[0] in _CLOSE_STATUS:
            status, reason = _CLOSE_STATUS[closed[0]]
            return _refusal(status, reason)
        return Response(200, [("Content-Type", NDJSON), ("Cache-Control", "no-store"),
                              ("X-Content-Type-Options", "nosniff")], poll_body(self.frames, closed))


def _refusal(status: int, reason: str, headers=()) -> Response:
    return Response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"),
                             *headers], reason.encode("utf-8"))


class PollEndpoint:
    """Answers the poll requests of one `WebIOApp` (see the module docstring).

    `app_for(request)` picks the app (None: there is none at that URL, 404); `backend` names the
    host in session.info.
    """

    def __init__(self, app_for: Callable[[Request], Callable], *, backend: str, debug: bool = False,
                 session_expire_seconds: float | None = None, session_cleanup_interval: float | None = None,
                 max_body: int = 200 << 20, max_text: int = 1 << 20, registry=None, forwarded=None):
        self.app_for = app_for
        self.backend = backend
        self.debug = debug
        self.expire = _seconds(session_expire_seconds, DEFAULT_SESSION_EXPIRE, "session_expire_seconds")
        # Each session's expiry is a timer of its own (exact); PyWebIO's sweep interval is checked
        # and kept for compatibility.
        self.cleanup_interval = _seconds(session_cleanup_interval, DEFAULT_SESSION_CLEANUP,
                                         "session_cleanup_interval")
        self.max_body = max_body
        self.max_text = max_text
        self.sessions = registry if registry is not None else SessionRegistry()
        self.forwarded = forwarded or (lambda request: None)
        self.wait = POLL_WAIT

    @staticmethod
    def cors(request: Request, response: Response | None) -> Response:
        """`response` (None: the answer to a CORS preflight) with the CORS headers an origin that
        passed the origin check needs (another origin allowed by allowed_origins/check_origin)."""
        if response is None:
            response = Response(204, [("Access-Control-Allow-Methods", "POST"),
                                      ("Access-Control-Allow-Headers", "content-type"),
                                      ("Access-Control-Max-Age", "86400")])
        origin = request.headers.get("Origin")
        if origin:
            response.headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return response

    async def handle(self, request: Request) -> Response:
        try:
            poll = parse_poll_request(request.method, request.query, request.headers.get("Content-Type"),
                                      request.body, max_body=self.max_body, max_text=self.max_text)
        except PollError as e:
            logger.info("refused a poll request: %s", e)
            headers = [("Allow", "POST")] if e.status == 405 else []
            return _refusal(e.status, e.reason, headers)
        if poll.kind == "open":
            return await self._open(request)
        conn = self.sessions.get(poll.session)
        if conn is None:
            return _refusal(404, "Unknown or expired session")
        if poll.kind == "send":
            conn.on_message(poll.message)
            return Response(204, [("Cache-Control", "no-store")])
        if poll.kind == "close":
            ws = conn.ws
            conn._detach(ws, 1001)  # as a WebSocket closed by the page: the session ends now
            if ws is not None:
                ws.close(1001, "the page left")
            return Response(204, [("Cache-Control", "no-store")])
        conn.on_message('{"ack":%d}' % poll.ack)  # the page has these: forget them
        exchange = PollExchange(request, keep_hello=False)
        handler = conn.resume_handler(poll.seen)
        handler.on_open(exchange)
        return await self._answer(exchange, handler, self.wait if poll.wait else 0)

    async def _open(self, request: Request) -> Response:
        app = self.app_for(request)
        if app is None:
            return _refusal(404, "No app at this path")
        info = make_session_info(request, backend=self.backend, protocol="http", forwarded=self.forwarded(request))
        native = getattr(request, "native", None)
        if native is not None:
            info["request"] = native  # the framework's own request object, as in PyWebIO
        conn = SessionConnection(app, info, debug=self.debug,
                                 reconnect_timeout=self.expire, registry=self.sessions)
        exchange = PollExchange(request, keep_hello=True)
        conn.on_open(exchange)
        return await self._answer(exchange, conn, self.wait)

    async def _answer(self, exchange: PollExchange, handler, wait: float) -> Response:
        try:
            await exchange.wait(wait)
        finally:
            response = exchange.finish()
            handler.on_close(1006, "")  # the page polls again at once; until then the session waits
        return response


def _seconds(value, default: float, name: str) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a number of seconds > 0")
    return float(value)

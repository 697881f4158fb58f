"""The bridge between a browser connection and a session, independent of the web server.

`SessionConnection` is a WebSocket handler (the `pywebio_lite.server` interface: on_open,
on_message, on_close) that creates the app's session when the socket opens, sends the session's
frames as they become ready (waiting while the socket is over its high-water mark, so commands
pile up into bigger batches instead of into the transport), hands browser frames to the session,
and closes the session when the socket closes. Framework adapters reuse it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Callable

from ..session import session_class_for
from ..useragent import parse as parse_user_agent
from .workers import token_prefix

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["SessionConnection", "SessionRegistry", "SessionGone", "make_session_info", "peer_ip",
           "DEFAULT_RECONNECT_TIMEOUT", "CLOSE_SESSION_GONE", "CLOSE_REPLACED"]


def peer_ip(request) -> str:
    """The address of the peer that sent `request` ("" if unknown)."""
    remote = getattr(request, "remote", None)
    return remote[0] if isinstance(remote, (tuple, list)) and remote else (remote or "")


def make_session_info(request, *, backend: str, protocol: str, forwarded=None) -> dict:
    """session.info for a request: user agent, language, host, origin, ip, backend, protocol.

    `forwarded` (a `proxy.Forwarded`) gives the client's address and host as a trusted proxy saw them.
    """
    headers = request.headers
    language = (headers.get("Accept-Language") or "").split(",")[0].split(";")[0].strip()
    user_ip = forwarded.ip if forwarded is not None else peer_ip(request)
    host = (forwarded.host if forwarded is not None else None) or headers.get("Host") or ""
    return {
        "user_agent": parse_user_agent(headers.get("User-Agent") or ""),
        "user_language": language,
        "server_host": host,
        "origin": headers.get("Origin") or "",
        "user_ip": user_ip,
        "backend": backend,
        "protocol": protocol,
        "request": request,
    }


#: Close codes of our own (RFC 6455 §7.4.2 leaves 4000-4999 to applications).
CLOSE_SESSION_GONE = 4404  # the session a page asked to resume has ended: the page offers a reload
CLOSE_REPLACED = 4409      # a newer socket of the same page took the session over

#: How long a session waits for its page after the socket drops without a close frame, in seconds.
#: Long enough for a Wi-Fi hand-over, a phone waking up or a proxy restart; short enough that a
#: session whose browser really died frees its thread and memory soon.
DEFAULT_RECONNECT_TIMEOUT = 10.0
#: Most characters of sent, unacknowledged frames a session keeps for a replay. A page acknowledges
#: as it applies frames, so this holds only what is in flight; a page that never acknowledges
#: cannot grow the server past it (it then cannot resume: it reloads instead).
REPLAY_CHARS = 1 << 20


class SessionRegistry:
    """The sessions a page may reconnect to, by their unguessable token (one per WebIOApp)."""

    def __init__(self) -> None:
        self._by_token: dict[str, "SessionConnection"] = {}

    def add(self, conn: "SessionConnection") -> None:
        self._by_token[conn.token] = conn

    def get(self, token: str) -> "SessionConnection | None":
        return self._by_token.get(token)

    def discard(self, conn: "SessionConnection") -> None:
        if self._by_token.get(conn.token) is conn:
            del self._by_token[conn.token]

    def __len__(self) -> int:
        return len(self._by_token)


class SessionConnection:
    """Runs one app session over the socket that currently carries it.

    It is the WebSocket handler of the socket that opened the session. With a `reconnect_timeout`
    the session outlives a socket that drops without a close frame (code 1006): frames keep
    queueing, and a page that comes back within the timeout with ``session=TOKEN&ack=N`` gets a
    new socket attached (`resume_handler`), is sent every frame after N again, and replays the
    event frames it sent that the session has not acknowledged (the session's `Inbox` applies each
    only once). After the timeout the session closes as if the tab had closed.
    """

    def __init__(self, app: Callable, session_info: dict, *, debug: bool = False,
                 reconnect_timeout: float = 0, registry: SessionRegistry | None = None,
                 max_payload_size: int | None = None):
        self.app = app
        self.session_info = session_info
        self.debug = debug
        self.max_payload_size = max_payload_size  # the server's setting, for the session's uploads
        self.reconnect_timeout = reconnect_timeout or 0
        self.registry = registry if self.reconnect_timeout else None
        # Unguessable; behind several workers it starts with this worker's id (platform/workers.py)
        self.token = token_prefix() + secrets.token_urlsafe(18)
        self.ws = None
        self.session = None
        self._first_ws = None
        self._expiry: asyncio.TimerHandle | None = None
        self._waiting_drain = False
        self._drain_task: asyncio.Task | None = None  # held: the loop keeps only weak references

    # ---------------------------------------------------------------- server callbacks (first socket)
    def on_open(self, ws) -> None:
        self._first_ws = ws
        self._attach(ws, None)

    def make_session(self, loop):
        """The session this socket serves (script mode attaches its own one instead)."""
        cls = session_class_for(self.app)
        session = cls(self.app, self.session_info, loop=loop, on_output=self._flush, on_close=self._session_ended,
                      history_chars=REPLAY_CHARS if self.registry is not None else 0)
        if self.debug:
            session.debug = True
        if self.max_payload_size is not None:
            session.max_payload_size = self.max_payload_size
        return session

    def on_message(self, data) -> None:
        self._receive(data)

    def on_close(self, code: int, reason: str) -> None:
        self._detach(self._first_ws, code)

    def resume_handler(self, ack: int) -> "_Resume":
        """The handler for a new socket of the same page, which applied every frame up to `ack`."""
        return _Resume(self, ack)

    # ---------------------------------------------------------------- sockets come and go
    def _attach(self, ws, ack: int | None) -> None:
        if ack is None:  # the page's first socket: start the session
            self.ws = ws
            self.session = self.make_session(asyncio.get_running_loop())
            if self.registry is not None:
                self.registry.add(self)
                ws.send(self._hello())
            self.session.start()
            return
        session = self.session
        frames = None if session is None else session.frames_after(ack)
        if frames is None or (session.closed() and not session.ended_by_app):
            ws.close(CLOSE_SESSION_GONE, "session ended")
            if session is not None and frames is None and not session.closed():
                logger.info("a page asked to resume after frame %d, which is no longer kept", ack)
                self._end()
            return
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        old, self.ws = self.ws, ws
        if old is not None and not old.closed:
            old.close(CLOSE_REPLACED, "replaced by a newer connection")
        self._cancel_drain()
        ws.send(self._hello())
        for frame in frames:
            ws.send(frame)
        self._flush()
        if session.closed():  # the app ended while the page was away: it has everything now
            self._session_ended()

    def _detach(self, ws, code: int) -> None:
        if ws is not self.ws:
            return  # a socket that a newer one replaced
        self.ws = None
        self._cancel_drain()
        session = self.session
        if session is None:
            return
        if session.closed():
            if self.registry is not None and session.ended_by_app and code not in (1000, 1001):
                self._start_expiry()  # let the page come back for the app's last frames
            else:
                self._forget()
            return
        if self.registry is not None and code not in (1000, 1001):
            # No close frame (1006) or an error: the network, not the person. 1000/1001 mean the
            # page closed the socket itself (the tab closed or navigated away).
            self._start_expiry()
            return
        self._end()

    def _start_expiry(self) -> None:
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(self.reconnect_timeout, self._expired)

    def _expired(self) -> None:
        self._expiry = None
        if self.ws is None:
            logger.info("a session's page did not come back within %ss", self.reconnect_timeout)
            self._end()

    def _end(self) -> None:
        self._forget()
        if self.session is not None:
            self.session.close()

    def _forget(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if self.registry is not None:
            self.registry.discard(self)

    def _hello(self) -> str:
        return ('{"hello":{"session":"' + self.token + '","reconnect_timeout":'
                + repr(float(self.reconnect_timeout)) + "}}")

    def _receive(self, data) -> None:
        if isinstance(data, bytes):
            self.session.dispatch_binary(data)
        else:
            self.session.dispatch_frame(data)

    # ---------------------------------------------------------------- sending
    def _flush(self) -> None:
        """Send waiting frames while the socket takes them; then wait for it to drain."""
        ws, session = self.ws, self.session
        if ws is None:
            return  # between sockets: frames wait in the outbox for the page to come back
        while ws.writable:
            frame = session.take_frame()
            if frame is None:
                return
            ws.send(frame)
        if ws.closed:
            return  # nothing more can leave; on_close detaches
        if not self._waiting_drain and session.pending_commands():
            self._waiting_drain = True
            self._drain_task = asyncio.get_running_loop().create_task(self._flush_after_drain())

    async def _flush_after_drain(self) -> None:
        try:
            await self.ws.drain()
        finally:
            self._waiting_drain = False
            self._drain_task = None
        self._flush()

    def _cancel_drain(self) -> None:
        if self._drain_task is not None:
            self._drain_task.cancel()  # nothing more will leave on that socket
            self._drain_task = None
            self._waiting_drain = False

    def _session_ended(self) -> None:
        """The session closed. If the app ended it, send what is left and close the socket."""
        if not self.session.ended_by_app:
            self._forget()
            ws = self.ws  # still attached (a long poll): the session expired or was ended here
            if ws is not None and not ws.closed:
                ws.close(CLOSE_SESSION_GONE, "session ended")
            return
        ws = self.ws
        if ws is None:
            return  # the page is away; it gets the last frames if it comes back in time
        self.send_rest()
        self._forget()
        ws.close(1000, "session ended")

    def send_rest(self) -> None:
        """Send every frame still waiting, whatever the socket's buffer holds."""
        while True:
            frame = self.session.take_frame()
            if frame is None:
                break
            self.ws.send(frame)


class _Resume:
    """The handler of a socket that resumes a session (see SessionConnection)."""

    __slots__ = ("conn", "ack", "ws")

    def __init__(self, conn: SessionConnection, ack: int):
        self.conn, self.ack, self.ws = conn, ack, None

    def on_open(self, ws) -> None:
        self.ws = ws
        self.conn._attach(ws, self.ack)

    def on_message(self, data) -> None:
        if self.ws is self.conn.ws:
            self.conn._receive(data)

    def on_close(self, code: int, reason: str) -> None:
        self.conn._detach(self.ws, code)


class SessionGone:
    """The handler for a socket that asks for a session which is not there: it says so and closes."""

    def on_open(self, ws) -> None:
        ws.close(CLOSE_SESSION_GONE, "session ended")

    def on_message(self, data) -> None:
        pass

    def on_close(self, code: int, reason: str) -> None:
        pass

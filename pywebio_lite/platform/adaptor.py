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
from typing import Callable

from ..session import session_class_for
from ..useragent import parse as parse_user_agent

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["SessionConnection", "make_session_info"]


def make_session_info(request, *, backend: str, protocol: str) -> dict:
    """session.info for a request: user agent, language, host, origin, ip, backend, protocol."""
    headers = request.headers
    language = (headers.get("Accept-Language") or "").split(",")[0].split(";")[0].strip()
    remote = getattr(request, "remote", None)
    user_ip = remote[0] if isinstance(remote, (tuple, list)) and remote else (remote or "")
    return {
        "user_agent": parse_user_agent(headers.get("User-Agent") or ""),
        "user_language": language,
        "server_host": headers.get("Host") or "",
        "origin": headers.get("Origin") or "",
        "user_ip": user_ip,
        "backend": backend,
        "protocol": protocol,
        "request": request,
    }


class SessionConnection:
    """Runs one app session over one WebSocket."""

    def __init__(self, app: Callable, session_info: dict, *, debug: bool = False):
        self.app = app
        self.session_info = session_info
        self.debug = debug
        self.ws = None
        self.session = None
        self._waiting_drain = False
        self._drain_task: asyncio.Task | None = None  # held: the loop keeps only weak references

    # ---------------------------------------------------------------- server callbacks
    def on_open(self, ws) -> None:
        self.ws = ws
        self.session = self.make_session(asyncio.get_running_loop())
        self.session.start()

    def make_session(self, loop):
        """The session this socket serves (script mode attaches its own one instead)."""
        cls = session_class_for(self.app)
        session = cls(self.app, self.session_info, loop=loop,
                      on_output=self._flush, on_close=self._session_ended)
        if self.debug:
            session.debug = True
        return session

    def on_message(self, data) -> None:
        if isinstance(data, bytes):
            self.session.dispatch_binary(data)
        else:
            self.session.dispatch_frame(data)

    def on_close(self, code: int, reason: str) -> None:
        if self._drain_task is not None:
            self._drain_task.cancel()  # nothing more will leave on this socket
        if self.session is not None:
            self.session.close()

    # ---------------------------------------------------------------- sending
    def _flush(self) -> None:
        """Send waiting frames while the socket takes them; then wait for it to drain."""
        ws, session = self.ws, self.session
        while ws.writable:
            frame = session.take_frame()
            if frame is None:
                return
            ws.send(frame)
        if ws.closed:
            return  # nothing more can leave; on_close closes the session
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

    def _session_ended(self) -> None:
        """The session closed. If the app ended it, send what is left and close the socket."""
        if not self.session.ended_by_app:
            return
        self.send_rest()
        self.ws.close(1000, "session ended")

    def send_rest(self) -> None:
        """Send every frame still waiting, whatever the socket's buffer holds."""
        while True:
            frame = self.session.take_frame()
            if frame is None:
                break
            self.ws.send(frame)

"""What both phases of a TCP connection share: the transport, the reasons reading is paused, one
loop timer at a time, and a graceful close.

A connection starts as an HTTP `Connection` (``connection.py``); a WebSocket upgrade switches the
transport's protocol to a `WebSocketConnection` (``websocket.py``). Both are a `StreamConnection`
with a `Mode` and timers of a `TimerKind`. Timeouts are loop timers (one `TimerHandle` at a time
per connection), never a task per connection, so idle connections stay cheap.
"""
from __future__ import annotations

import asyncio
import enum
import socket

__all__ = ["Mode", "TimerKind", "StreamConnection", "PAUSE_PIPELINE", "PAUSE_WRITE",
           "PAUSE_COALESCE", "PAUSE_TURN", "set_nodelay", "peer"]


class Mode(enum.Enum):
    """What a connection does with its input."""

    HTTP = "http"            # reading HTTP requests
    WEBSOCKET = "websocket"  # speaking WebSocket (after the upgrade)
    DONE = "done"            # closing: input is ignored
    CLOSED = "closed"        # the transport is gone


class TimerKind(enum.Enum):
    """What a connection's one timer is waiting for."""

    HEAD = "head"    # the rest of a request head (slow-loris defence: header_timeout)
    IDLE = "idle"    # the next request on a kept-alive connection (keepalive_timeout)
    BODY = "body"    # a request body that must keep to its deadline (BodyDeadline)
    PING = "ping"    # time to ping a WebSocket peer (ping_interval)
    PONG = "pong"    # the peer's pong (ping_timeout)
    CLOSE = "close"  # the end of a close: the buffer to drain, the peer's close frame (close_timeout)


# Reasons to pause reading (bit flags: reading resumes when none is left)
PAUSE_PIPELINE, PAUSE_WRITE, PAUSE_COALESCE, PAUSE_TURN = 1, 2, 4, 8


class StreamConnection(asyncio.Protocol):
    """The common part of both phases. `server` holds the configuration and the app."""

    __slots__ = ("server", "transport", "remote", "ip", "mode", "timer", "timer_kind",
                 "read_pauses", "write_paused", "writes_drained", "waiters", "__weakref__")

    #: The WebSocket the handler was given (WebSocket phase only; the server counts them).
    ws = None
    #: The app's task for the request being answered (HTTP phase only).
    task = None

    def __init__(self, server, mode: Mode):
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.remote = None
        self.ip: str | None = None    # the client address counted in server.per_ip
        self.mode = mode
        self.timer: asyncio.TimerHandle | None = None
        self.timer_kind: TimerKind | None = None
        self.read_pauses = 0
        self.write_paused = False
        self.writes_drained = 0  # times the peer took our backed-up output down to low water
        self.waiters: list | None = None  # futures of wait_writable()

    # -- timers --------------------------------------------------------------------------------

    def _set_timer(self, kind: TimerKind | None, delay: float | None) -> None:
        """Cancel the timer, and start one of `kind` if `delay` is a positive number."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.timer_kind = None
        if delay is not None and delay > 0 and self.mode is not Mode.CLOSED:
            self.timer = self.server.loop.call_later(delay, self._on_timer)
            self.timer_kind = kind

    def _on_timer(self) -> None:
        kind, self.timer, self.timer_kind = self.timer_kind, None, None
        if self.mode is Mode.CLOSED:
            return
        if kind is TimerKind.CLOSE:
            # The peer did not finish the close (or stopped reading): drop it.
            self.transport.abort()
        else:
            self._timer_fired(kind)

    def _timer_fired(self, kind: TimerKind) -> None:
        """A timer of `kind` (other than CLOSE) has fired; each phase handles its own kinds."""

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    # -- flow control ----------------------------------------------------------------------------

    def _pause_reading(self, why: int) -> None:
        if not self.read_pauses and self.mode is not Mode.CLOSED:
            try:
                self.transport.pause_reading()
            except (RuntimeError, AttributeError):
                pass
        self.read_pauses |= why

    def _resume_reading(self, why: int) -> None:
        if not self.read_pauses & why:
            return
        self.read_pauses &= ~why
        if not self.read_pauses and self.mode is not Mode.CLOSED:
            try:
                self.transport.resume_reading()
            except (RuntimeError, AttributeError):
                pass

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        self.writes_drained += 1
        self._resume_reading(PAUSE_WRITE)
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        waiters, self.waiters = self.waiters, None
        for fut in waiters or ():
            if not fut.done():
                fut.set_result(None)

    async def wait_writable(self) -> None:
        """Return when the transport's buffer is below its high-water mark (or it is closed)."""
        if not self.write_paused or self.mode is Mode.CLOSED:
            return
        fut = self.server.loop.create_future()
        if self.waiters is None:
            self.waiters = []
        self.waiters.append(fut)
        await fut

    def _close(self) -> None:
        """Close the transport gracefully, with a bounded wait for the buffer to drain."""
        if self.mode is Mode.HTTP:
            self.mode = Mode.DONE
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.close()
        self._set_timer(TimerKind.CLOSE, self.server.close_timeout)


def set_nodelay(transport) -> None:
    """Turn Nagle's algorithm off (TCP_NODELAY). asyncio does so only for sockets whose proto
    field says IPPROTO_TCP, and socket.create_server() leaves it 0: without this, a small write
    that follows another one (the rest of a frame, the next message) waits for the peer's
    delayed ACK, up to 40 ms on Linux and 200 ms on Windows."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6) \
            and sock.type == socket.SOCK_STREAM:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP after all, or already closed
            pass


def peer(remote) -> str:
    """A client address for log lines: ``host:port`` (``[v6]:port``)."""
    if isinstance(remote, tuple) and len(remote) >= 2:
        host = remote[0]
        return f"[{host}]:{remote[1]}" if ":" in str(host) else f"{host}:{remote[1]}"
    return str(remote)

"""The WebSocket phase of a connection: the asyncio protocol the transport is switched to after a
successful upgrade (``connection.py`` does the handshake), driving the sans-I/O
`WebSocketProtocol` for one `WebSocketHandler`, which sends through its `WebSocket`.

Fairness: a connection hands its handler at most _TURN_BYTES of messages per loop turn; the rest
of a big read waits for the next turn (reading paused), so one flooding client cannot hold the
loop that serves everyone.

Output leaves in as few writes as possible: the replies to one read are written together at the
end of it, small pieces are joined, large payloads are handed to the transport uncopied. Nagle's
algorithm is off on every socket (see `stream.set_nodelay`).
"""
from __future__ import annotations

import logging

from ..protocol.frames import ABNORMAL, GOING_AWAY, INTERNAL_ERROR, NORMAL
from ..protocol.http import Request
from ..protocol.websocket import CloseReceived, Message, Pong, State, WebSocketProtocol
from .stream import (PAUSE_COALESCE, PAUSE_PIPELINE, PAUSE_TURN, PAUSE_WRITE, Mode,
                     StreamConnection, TimerKind, peer)

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["WebSocketHandler", "WebSocket", "WebSocketConnection"]

# Message bytes one WebSocket connection hands its handler per loop turn; what else one read
# brought waits for the next turn, so a flood on one socket cannot hold the loop for long.
_TURN_BYTES = 64 * 1024
# Read coalescing for WebSocket peers that stream small messages: after a read smaller than
# _COALESCE_MAX_READ bytes that completed 2 or more events, reading pauses for _COALESCE_DELAY
# seconds (epoll rounds it up to 1 ms). Reading each small segment as soon as it arrives costs a
# wakeup per segment here, and the peer's send() pays for waking us (measured on loopback with
# bench/ws_throughput.py's client: 12.5 us per send() instead of 6 us); letting a batch gather
# halves the CPU on both sides (pipelined echo: ~66k -> ~90k msg/s). Lone messages (request /
# response traffic) and big reads (we are the slower side: batches form by themselves) never
# pause, so only streamed input waits, by at most one tick. Replies are never delayed.
_COALESCE_DELAY = 0.001
_COALESCE_MAX_READ = 64 * 1024
_JOIN_MAX = 16 * 1024     # WebSocket output pieces up to this size are joined into one write


class WebSocketHandler:
    """Base class for WebSocket handlers: override what you need. All run in the loop thread."""

    def on_open(self, ws: "WebSocket") -> None:
        """The handshake is done; `ws` can send from now on."""

    def on_message(self, data: str | bytes) -> None:
        """A whole message arrived: str for text, bytes for binary."""

    def on_close(self, code: int, reason: str) -> None:
        """The connection is gone. Called exactly once, whatever ended it (1006: no close frame)."""


class WebSocket:
    """The handler's side of an open WebSocket connection. Use only in the loop thread."""

    __slots__ = ("_conn", "request", "remote_address", "__weakref__")

    def __init__(self, conn: "WebSocketConnection", request: Request):
        self._conn = conn
        self.request = request
        self.remote_address = conn.remote

    def send(self, data: str | bytes) -> None:
        """Queue a text (str) or binary (bytes) message. Never blocks; dropped once closing."""
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        elif not isinstance(data, (str, bytes)):
            raise TypeError("data must be str or bytes")
        self._conn.ws_send(data)

    async def drain(self) -> None:
        """Wait until the transport's buffer is below its high-water mark (or it is closed)."""
        await self._conn.wait_writable()

    @property
    def writable(self) -> bool:
        """False while the transport buffer is over high water, and once the socket is closing."""
        conn = self._conn
        return not conn.write_paused and conn.ws_open

    @property
    def closed(self) -> bool:
        return not self._conn.ws_open

    def close(self, code: int = NORMAL, reason: str = "") -> None:
        """Start the closing handshake (RFC 6455 §7.1.2); the handler's on_close follows."""
        self._conn.ws_close(code, reason)

    def __repr__(self) -> str:
        return f"<WebSocket {self.remote_address} {'closed' if self.closed else 'open'}>"


class WebSocketConnection(StreamConnection):
    """The protocol of a transport after its upgrade: WebSocket frames to and from `handler`.

    Made by the HTTP `Connection` when the handshake succeeded, with the state it hands over
    (transport, address, read pauses); `start()` then opens the conversation.
    """

    __slots__ = ("proto", "ws", "handler", "close_rcvd", "closing_sent",
                 "on_close_called", "failure_logged", "corked", "corked_bytes", "coalesce_timer",
                 "drained_at_ping")

    def __init__(self, server, handler, proto: WebSocketProtocol, request: Request | None = None, *,
                 transport=None, remote=None):
        super().__init__(server, Mode.WEBSOCKET)
        self.transport = transport
        self.remote = remote
        self.proto = proto
        self.handler = handler
        self.ws = WebSocket(self, request)
        self.close_rcvd: tuple[int, str] | None = None
        self.closing_sent = False
        self.on_close_called = False
        self.failure_logged = False
        self.corked = False           # inside _ws_data: handler sends are written in one go
        self.corked_bytes = 0
        self.coalesce_timer = None
        self.drained_at_ping = 0

    def start(self, leftover: bytes = b"") -> None:
        """Open the conversation: reading on, keepalive pings, the handler's on_open, then the
        bytes that came after the upgrade request."""
        self._resume_reading(PAUSE_PIPELINE)
        if self.write_paused:
            self._pause_reading(PAUSE_WRITE)
        self._set_timer(TimerKind.PING, self.server.ping_interval)
        self._call(self.handler.on_open, self.ws)
        if leftover and self.mode is Mode.WEBSOCKET:
            self._ws_data(leftover)

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.mode is Mode.WEBSOCKET:
            self._ws_data(data)

    def eof_received(self):
        return None  # let the transport close itself

    def connection_lost(self, exc) -> None:
        self.mode = Mode.CLOSED
        self._cancel_timer()
        if self.coalesce_timer is not None:
            self.coalesce_timer.cancel()
            self.coalesce_timer = None
        self.server.connection_done(self)
        self._wake_waiters()
        if self.proto.state is not State.CLOSED:
            try:
                self.proto.receive_eof()
            except Exception:  # the protocol's bookkeeping must not stop on_close
                logger.debug("receive_eof failed", exc_info=True)
        self._log_failure()
        self._call_on_close()

    def pause_writing(self) -> None:
        self.write_paused = True
        # Echo-like loads: stop reading while our own output is backed up, so a client that
        # sends fast and reads slowly cannot make us buffer without bound.
        self._pause_reading(PAUSE_WRITE)

    def _timer_fired(self, kind: TimerKind) -> None:
        if kind is TimerKind.PING:
            self._send_keepalive_ping()
        elif kind is TimerKind.PONG:
            self._keepalive_timeout()

    # -- input ---------------------------------------------------------------------------------

    @property
    def ws_open(self) -> bool:
        return self.mode is Mode.WEBSOCKET and self.proto.state is State.OPEN

    def _ws_data(self, data: bytes) -> None:
        proto = self.proto
        try:
            events = proto.receive_data(data)
        except Exception:
            logger.exception("%s: websocket protocol error", peer(self.remote))
            self.transport.abort()
            return
        if not self._ws_dispatch(events, 0):
            return  # the rest follows on later loop turns
        if len(events) > 1 and len(data) < _COALESCE_MAX_READ and self.coalesce_timer is None \
                and self.mode is Mode.WEBSOCKET and not self.transport.is_closing():
            # The peer streams small messages: let the next ones gather (see _COALESCE_DELAY).
            self._pause_reading(PAUSE_COALESCE)
            self.coalesce_timer = self.server.loop.call_later(_COALESCE_DELAY, self._end_coalesce)

    def _ws_dispatch(self, events: list, start: int) -> bool:
        """Hand events[start:] to the handler; False if some were left for the next loop turn.

        Fairness: one connection hands its handler at most _TURN_BYTES of messages per loop
        turn while the socket is open (a read can hold many: a flood of big frames), the rest
        after the loop has served the others, with reading paused meanwhile."""
        # Replies the handler sends while we dispatch this batch are written with one
        # transport.write at the end (fewer syscalls under pipelined load); ws_send flushes
        # early once high_water bytes are waiting, so a big burst still meets backpressure.
        self.corked = True
        self.corked_bytes = 0
        # Only split a batch that holds no closing handshake: the protocol's close reply must
        # follow every message before it.
        proto = self.proto
        budget = _TURN_BYTES if proto.state is State.OPEN and not proto.close_held else None
        i, n = start, len(events)
        try:
            while i < n:
                ev = events[i]
                i += 1
                cls = ev.__class__
                if cls is Message:
                    if not self.closing_sent and self.mode is Mode.WEBSOCKET:
                        self._call(self.handler.on_message, ev.data)
                        if budget is not None:
                            budget -= len(ev.data)
                            if budget <= 0 and i < n:
                                break
                elif cls is Pong:
                    if self.timer_kind is TimerKind.PONG:
                        self._set_timer(TimerKind.PING, self.server.ping_interval)
                elif cls is CloseReceived:
                    self.close_rcvd = (ev.code, ev.reason)
        finally:
            self.corked = False
        self._ws_flush()
        if i < n and self.mode is Mode.WEBSOCKET and not self.transport.is_closing():
            self._pause_reading(PAUSE_TURN)
            self.server.loop.call_soon(self._ws_dispatch_rest, events, i)
            return False
        self._resume_reading(PAUSE_TURN)
        return True

    def _ws_dispatch_rest(self, events: list, start: int) -> None:
        if self.mode is Mode.WEBSOCKET:
            self._ws_dispatch(events, start)

    def _end_coalesce(self) -> None:
        self.coalesce_timer = None
        self._resume_reading(PAUSE_COALESCE)

    # -- output --------------------------------------------------------------------------------

    def _ws_write(self, buffers: list) -> None:
        """Write the protocol's output pieces in order. Small pieces (frame headers, short
        messages) are joined into one write; a large payload is written as it is, not copied,
        with only its first _JOIN_MAX bytes joined to the small pieces before it (so its frame
        header does not travel alone in a tiny TCP segment)."""
        write = self.transport.write
        small = []
        for piece in buffers:
            if len(piece) <= _JOIN_MAX:
                small.append(piece)
                continue
            view = memoryview(piece)
            small.append(view[:_JOIN_MAX])
            write(b"".join(small))
            small = []
            # A memoryview: if the socket takes only part of it, the transport keeps the rest
            # without an intermediate copy.
            write(view[_JOIN_MAX:])
        if small:
            write(small[0] if len(small) == 1 else b"".join(small))

    def _ws_flush(self) -> None:
        proto = self.proto
        if self.transport is None:
            return
        out = proto.buffers_to_send()
        if out and not self.transport.is_closing():
            self._ws_write(out)
        if proto.failure and not self.failure_logged:
            self._log_failure()
        if proto.close_transport:
            # RFC 6455 §7.1.1: the server closes the TCP connection first once the closing
            # handshake is done. close_timeout bounds the wait for the buffer to drain.
            if self.transport.is_closing():
                return
            self.transport.close()
            self._set_timer(TimerKind.CLOSE, self.server.close_timeout)
        elif proto.state is State.CLOSING and self.timer_kind is not TimerKind.CLOSE:
            # We sent a close frame (or failed): wait at most close_timeout for the answer.
            self.closing_sent = True
            self._set_timer(TimerKind.CLOSE, self.server.close_timeout)

    def ws_send(self, data: str | bytes) -> None:
        if not self.ws_open:
            return
        proto = self.proto
        proto.send_message(data)
        if self.corked:
            self.corked_bytes += len(data)
            # A close frame held by the protocol must follow every reply of this batch: no
            # early flush then (it would release the close frame).
            if self.corked_bytes < self.server.high_water or proto.close_held:
                return
            self.corked_bytes = 0
        out = proto.buffers_to_send()
        if out:
            self._ws_write(out)

    def ws_close(self, code: int = NORMAL, reason: str = "") -> None:
        if not self.ws_open:
            return
        self.proto.send_close(code, reason)
        self.closing_sent = True
        self._ws_flush()

    def _send_keepalive_ping(self) -> None:
        """RFC 6455 §5.5.2: ping the peer; the Pong must come back within ping_timeout."""
        if not self.ws_open:
            return
        self.proto.send_ping(b"")
        out = self.proto.buffers_to_send()
        if out:
            self._ws_write(out)
        if self.server.ping_timeout:
            self.drained_at_ping = self.writes_drained
            self._set_timer(TimerKind.PONG, self.server.ping_timeout)
        else:  # pings without a deadline: they still keep proxies from idling us out
            self._set_timer(TimerKind.PING, self.server.ping_interval)

    def _keepalive_timeout(self) -> None:
        # Half-open connections are found here: no pong means the peer is gone or stuck.
        if self.read_pauses and self.writes_drained != self.drained_at_ping:
            # We stopped reading (our output is backed up: a flood to a slow page) and so cannot
            # see the pong; but the peer went on taking our output, so it is there. Wait again.
            self.drained_at_ping = self.writes_drained
            self._set_timer(TimerKind.PONG, self.server.ping_timeout)
            return
        logger.info("%s: keepalive ping timeout, closing with 1011", peer(self.remote))
        self.failure_logged = True
        if self.proto.state is State.OPEN:
            self.proto.fail(INTERNAL_ERROR, "keepalive ping timeout")
            out = self.proto.buffers_to_send()
            if out:
                self._ws_write(out)
        self.transport.abort()

    def shutdown(self) -> None:
        """Server shutdown: close with 1001 (going away)."""
        if self.ws_open:
            self.ws_close(GOING_AWAY, "server shutting down")
        elif self.timer_kind is not TimerKind.CLOSE:
            self._set_timer(TimerKind.CLOSE, self.server.close_timeout)

    # -- the handler -----------------------------------------------------------------------------

    def _call(self, method, *args) -> None:
        """Run a handler callback; an exception is logged and closes the socket with 1011."""
        try:
            method(*args)
        except Exception:
            logger.exception("%s: error in %s", peer(self.remote),
                             getattr(method, "__qualname__", "handler"))
            if self.ws_open:
                self.proto.send_close(INTERNAL_ERROR, "internal error")
                self._ws_flush()

    def _call_on_close(self) -> None:
        if self.on_close_called:
            return
        self.on_close_called = True
        code, reason = self.close_rcvd if self.close_rcvd is not None else (ABNORMAL, "")
        try:
            self.handler.on_close(code, reason)
        except Exception:
            logger.exception("%s: error in on_close", peer(self.remote))

    def _log_failure(self) -> None:
        proto = self.proto
        if self.failure_logged or not proto.failure:
            return
        self.failure_logged = True
        logger.info("%s: websocket failed (close code %s): %s", peer(self.remote),
                    proto.sent_close_code, proto.failure)

"""One TCP connection: an asyncio.Protocol that speaks HTTP/1.1 until a WebSocket upgrade.

The HTTP phase serves keep-alive and pipelined requests in order through the app's
`handle_request`. An upgrade request goes to the app's `handle_websocket`; on success the same
Protocol object switches to WebSocket mode, hands a `WebSocket` to the handler and drives the
sans-I/O `WebSocketProtocol`. Timeouts are loop timers (one `TimerHandle` at a time per
connection, plus a 1 ms one while reads are coalesced), never a task per connection, so idle
connections stay cheap.

Fairness: a WebSocket connection hands its handler at most _TURN_BYTES of messages per loop
turn; the rest of a big read waits for the next turn (reading paused), so one flooding client
cannot hold the loop that serves everyone.

WebSocket output leaves in as few writes as possible: the replies to one read are written
together at the end of it, small pieces are joined, large payloads are handed to the transport
uncopied. Nagle's algorithm is off on every socket (see `_set_nodelay`).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import socket
from collections import deque

from ..clientlog import excerpt
from ..protocol import deflate as _deflate
from ..protocol import handshake as _handshake
from ..protocol.http import (
    BODY_STATES, BodyDeadline, HttpError, ParseError, ParserState, Request, RequestComplete,
    RequestHead, RequestParser, Response, build_response,
)
from ..protocol.frames import ABNORMAL, GOING_AWAY, INTERNAL_ERROR, NORMAL
from ..protocol.websocket import CloseReceived, Message, Pong, State, WebSocketProtocol

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["WebSocketHandler", "WebSocket", "Connection"]

# Connection modes: reading HTTP, speaking WebSocket, closing (input ignored), gone
_HTTP, _WS, _DONE, _CLOSED = 0, 1, 2, 3
# Reasons to pause reading (bit flags: reading resumes when none is left)
_PAUSE_PIPELINE, _PAUSE_WRITE, _PAUSE_COALESCE, _PAUSE_TURN = 1, 2, 4, 8
# Message bytes one WebSocket connection hands its handler per loop turn; what else one read
# brought waits for the next turn, so a flood on one socket cannot hold the loop for long.
_TURN_BYTES = 64 * 1024
MAX_PIPELINE = 8          # queued requests before we stop reading from a pipelining client
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
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


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

    def __init__(self, conn: "Connection", request: Request):
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
        return conn.mode == _WS and not conn.write_paused and conn.ws_open

    @property
    def closed(self) -> bool:
        return not self._conn.ws_open

    def close(self, code: int = NORMAL, reason: str = "") -> None:
        """Start the closing handshake (RFC 6455 §7.1.2); the handler's on_close follows."""
        self._conn.ws_close(code, reason)

    def __repr__(self) -> str:
        return f"<WebSocket {self.remote_address} {'closed' if self.closed else 'open'}>"


class Connection(asyncio.Protocol):
    """Per-connection protocol. `server` holds the configuration and the app."""

    __slots__ = ("server", "transport", "remote", "mode", "parser", "queue", "busy", "timer",
                 "timer_kind", "read_pauses", "write_paused", "waiters",
                 "peer_eof", "proto", "ws", "handler", "close_rcvd", "closing_sent",
                 "on_close_called", "failure_logged", "task", "corked", "corked_bytes",
                 "coalesce_timer", "ip", "deadline", "refusing", "__weakref__")

    def __init__(self, server):
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.remote = None
        self.mode = _HTTP
        self.parser: RequestParser | None = None
        self.queue: deque = deque()   # complete requests (or an HttpError) waiting their turn
        self.busy = False             # the app is working on a request
        self.timer: asyncio.TimerHandle | None = None
        self.timer_kind = ""
        self.read_pauses = 0
        self.write_paused = False
        self.waiters: list | None = None
        self.peer_eof = False
        self.proto: WebSocketProtocol | None = None
        self.ws: WebSocket | None = None
        self.handler = None
        self.close_rcvd: tuple[int, str] | None = None
        self.closing_sent = False
        self.on_close_called = False
        self.failure_logged = False
        self.task = None
        self.corked = False           # inside _ws_data: handler sends are written in one go
        self.corked_bytes = 0
        self.coalesce_timer: asyncio.TimerHandle | None = None
        self.ip: str | None = None    # the client address counted in server.per_ip
        self.deadline: BodyDeadline | None = None  # for the request body being read
        self.refusing = False         # a refusal is queued: read and parse nothing more

    # -- timers --------------------------------------------------------------------------------

    def _set_timer(self, kind: str, delay: float | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.timer_kind = ""
        if delay is not None and delay > 0 and self.mode != _CLOSED:
            self.timer = self.server.loop.call_later(delay, self._on_timer)
            self.timer_kind = kind

    def _on_timer(self) -> None:
        kind, self.timer, self.timer_kind = self.timer_kind, None, ""
        if self.mode == _CLOSED:
            return
        server = self.server
        if kind == "head":
            # Slow-loris defence: the whole request head must arrive within header_timeout.
            if self.parser is not None and self.parser.between_requests:
                self._close()  # nothing sent at all: just hang up
            else:
                self._http_error(HttpError(408, "request header timeout"))
        elif kind == "idle":
            self._close()  # keep-alive connection unused for keepalive_timeout
        elif kind == "body":
            deadline, now = self.deadline, server.loop.time()
            reason = deadline.check(now)
            if reason is not None:
                self._http_error(HttpError(408, reason))
            else:
                self._set_timer("body", deadline.next_check(now))
        elif kind == "ping":
            self._send_keepalive_ping()
        elif kind == "pong":
            self._keepalive_timeout()
        elif kind == "close":
            # The peer did not finish the closing handshake (or stopped reading): drop it.
            self.transport.abort()

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport) -> None:
        self.transport = transport
        server = self.server
        self.remote = transport.get_extra_info("peername")
        _set_nodelay(transport)
        transport.set_write_buffer_limits(high=server.high_water, low=server.low_water)
        refusal = server.admit(self)
        if refusal is not None:
            # Over a connection cap: a clear answer, then close (the connection is not counted).
            server.refused_connections += 1
            server.client_log.warning("%s: refused a connection: %s (%d open)",
                                      _peer(self.remote), refusal, len(server.connections))
            self.mode = _DONE
            transport.write(build_response(
                Response.text(503, refusal + "\n", headers=[("Retry-After", "5")]),
                keep_alive=False, date=server.http_date()))
            self._close()
            return
        self.parser = server.new_parser()
        if server.closing:
            self._close()
            return
        self._set_timer("head", server.header_timeout)

    def connection_lost(self, exc) -> None:
        mode = self.mode
        self.mode = _CLOSED
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.coalesce_timer is not None:
            self.coalesce_timer.cancel()
            self.coalesce_timer = None
        self.server.connection_done(self)
        self._wake_waiters()
        self.parser = None
        self.queue = ()
        if mode == _WS or self.handler is not None:
            if self.proto is not None and self.proto.state is not State.CLOSED:
                try:
                    self.proto.receive_eof()
                except Exception:  # the protocol's bookkeeping must not stop on_close
                    logger.debug("receive_eof failed", exc_info=True)
            self._log_failure()
            self._call_on_close()

    def eof_received(self):
        if self.mode == _HTTP and (self.busy or self.queue):
            # Half-closed by the client after sending its request(s): answer, then close.
            self.peer_eof = True
            return True
        return None  # let the transport close itself

    def pause_writing(self) -> None:
        self.write_paused = True
        if self.mode == _WS:
            # Echo-like loads: stop reading while our own output is backed up, so a client that
            # sends fast and reads slowly cannot make us buffer without bound.
            self._pause_reading(_PAUSE_WRITE)

    def resume_writing(self) -> None:
        self.write_paused = False
        self._resume_reading(_PAUSE_WRITE)
        self._wake_waiters()

    def data_received(self, data: bytes) -> None:
        if self.mode == _WS:
            self._ws_data(data)
        elif self.mode == _HTTP and self.parser is not None:
            if self.deadline is not None:
                self.deadline.add(len(data))
            if self.timer_kind == "idle":
                self._set_timer("head", self.server.header_timeout)
            self._pump(data)

    # -- flow control helpers ----------------------------------------------------------------

    def _pause_reading(self, why: int) -> None:
        if not self.read_pauses and self.mode != _CLOSED:
            try:
                self.transport.pause_reading()
            except (RuntimeError, AttributeError):
                pass
        self.read_pauses |= why

    def _resume_reading(self, why: int) -> None:
        if not self.read_pauses & why:
            return
        self.read_pauses &= ~why
        if not self.read_pauses and self.mode != _CLOSED:
            try:
                self.transport.resume_reading()
            except (RuntimeError, AttributeError):
                pass

    def _wake_waiters(self) -> None:
        waiters, self.waiters = self.waiters, None
        for fut in waiters or ():
            if not fut.done():
                fut.set_result(None)

    async def wait_writable(self) -> None:
        if not self.write_paused or self.mode == _CLOSED:
            return
        fut = self.server.loop.create_future()
        if self.waiters is None:
            self.waiters = []
        self.waiters.append(fut)
        await fut

    def _close(self) -> None:
        """Close the transport gracefully, with a bounded wait for the buffer to drain."""
        if self.mode == _HTTP:
            self.mode = _DONE
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.close()
        self._set_timer("close", self.server.close_timeout)

    # -- HTTP phase ------------------------------------------------------------------------------

    def _pump(self, data: bytes = b"") -> None:
        """Feed the parser and queue what it completes; at most MAX_PIPELINE waiting requests,
        the rest stays in the parser's buffer and reading pauses until the queue drains."""
        if self.refusing:
            return
        parser = self.parser
        check_continue = False
        while True:
            events = parser.feed(data, max_requests=max(MAX_PIPELINE - len(self.queue), 0))
            data = b""
            if check_continue and not events:
                self._maybe_continue(parser)
            last = None
            for ev in events:
                last = ev.__class__
                if last is RequestComplete:
                    self.queue.append(ev.request)
                elif last is RequestHead:
                    if self.timer_kind in ("head", "idle"):
                        self._set_timer("", None)
                elif last is ParseError:
                    self.queue.append(ev.error)
                # BodyData: streaming uploads are not wired into the server yet.
            if last is not RequestHead:
                break
            # The parser stops right after a head with a body: it is the last event.
            if parser.state in BODY_STATES and self._refuse_body(events[-1].request):
                break
            # After a head with a body the parser waits for us: the next feed checks the body
            # size, then reads the body.
            check_continue = True
        if len(self.queue) >= MAX_PIPELINE or parser.state is ParserState.UPGRADED:
            # Enough parsed ahead, or what follows is not HTTP: the rest waits in the kernel.
            self._pause_reading(_PAUSE_PIPELINE)
        elif self.read_pauses & _PAUSE_PIPELINE:
            self._resume_reading(_PAUSE_PIPELINE)
        if self.refusing:
            self._pause_reading(_PAUSE_PIPELINE)  # the body stays unread; we close after the answer
        elif parser.state in BODY_STATES and not self.busy and self.timer_kind != "body":
            self._start_body_timer()
        self._next_request()

    def _start_body_timer(self) -> None:
        server = self.server
        self.deadline = BodyDeadline(server.loop.time(), timeout=server.body_timeout,
                                     min_rate=server.min_body_rate, grace=server.body_rate_grace)
        self._set_timer("body", self.deadline.next_check(self.deadline.started))

    def _refuse_body(self, request: Request) -> bool:
        """A head announced a body: let the app refuse it (405, 413...) before we read any of it
        (`app.refuse_body(request) -> Response | None`, optional). True if refused: the answer is
        queued in order and the connection closes after it, the body unread."""
        check = getattr(self.server.app, "refuse_body", None)
        if check is None:
            return False
        try:
            response = check(request)
        except Exception:
            logger.exception("error in refuse_body for %s %s", request.method, excerpt(request.path))
            response = Response.text(500, "internal server error")
        if response is None:
            return False
        self.refusing = True
        self.queue.append(response)
        return True

    def _maybe_continue(self, parser: RequestParser) -> None:
        """RFC 9110 §10.1.1: answer Expect: 100-continue once we know the body is welcome."""
        request = parser.current_request
        if request is None or self.busy or self.queue or parser.state not in BODY_STATES:
            return  # another response is in flight; the client will send the body anyway
        if request.version == "HTTP/1.1" and \
                "100-continue" in request.headers.get_tokens("expect"):
            self.transport.write(_CONTINUE)

    def _next_request(self) -> None:
        """Serve the next queued request if the app is free (responses go out in order)."""
        while not self.busy and self.queue and self.mode == _HTTP:
            item = self.queue.popleft()
            if isinstance(item, HttpError):
                self._http_error(item)
                return
            if isinstance(item, Response):  # a body refused before it was read
                self._refuse(item)
                return
            request: Request = item
            request.remote = self.remote
            if _handshake.is_upgrade_request(request):
                self._upgrade(request)
                return
            self.busy = True  # from here on, _pump() only queues: `request` goes first
            self._set_timer("", None)
            if self.parser.state is ParserState.UPGRADED and not self.queue:
                # The request asked for a protocol we do not speak (h2c...): stay with HTTP.
                self.parser.resume()
                self._pump()
            elif self.read_pauses & _PAUSE_PIPELINE:
                self._pump()  # parse what was held back now that the queue has room
            if self.mode != _HTTP:
                return
            try:
                result = self.server.app.handle_request(request)
            except Exception:
                logger.exception("error in handle_request for %s %s", request.method,
                                 excerpt(request.path))
                result = Response.text(500, "internal server error")
            if inspect.isawaitable(result):
                self.task = self.server.loop.create_task(self._await_response(request, result))
                return
            self._send_response(request, result)
        if not self.busy and self.mode == _HTTP:
            self._after_responses()

    async def _await_response(self, request: Request, awaitable) -> None:
        try:
            response = await awaitable
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("error in handle_request for %s %s", request.method, excerpt(request.path))
            response = Response.text(500, "internal server error")
        self.task = None
        self._send_response(request, response)
        self._next_request()

    def _send_response(self, request: Request, response) -> None:
        self.busy = False
        if not isinstance(response, Response):
            logger.error("handle_request returned %r, not a Response", type(response).__name__)
            response = Response.text(500, "internal server error")
        if self.mode != _HTTP or self.transport.is_closing():
            return
        server = self.server
        keep_alive = (request.keep_alive and not server.closing and not self.peer_eof
                      and (response.get_header("connection") or "").lower() != "close")
        try:
            data = build_response(response, keep_alive=keep_alive,
                                  head_only=request.method == "HEAD", date=server.http_date(),
                                  request_version=request.version)
        except (ValueError, TypeError):
            logger.exception("invalid response for %s %s", request.method, excerpt(request.path))
            data = build_response(Response.text(500, "internal server error"), keep_alive=False,
                                  date=server.http_date())
            keep_alive = False
        self.transport.write(data)
        if not keep_alive:
            self.mode = _DONE
            self.queue.clear()
            self._close()

    def _after_responses(self) -> None:
        """Every queued request is answered: wait for the next one, or close."""
        if self.transport.is_closing():
            return
        if self.peer_eof or self.server.closing:
            self.mode = _DONE
            self._close()
            return
        parser = self.parser
        if parser.state is ParserState.HEAD:
            if parser.between_requests:
                self._set_timer("idle", self.server.keepalive_timeout)
            elif self.timer_kind != "head":
                self._set_timer("head", self.server.header_timeout)
        elif parser.state in BODY_STATES and self.timer_kind != "body":
            self._start_body_timer()

    def _http_error(self, error: HttpError) -> None:
        """Answer a bad request with a short text reason and close the connection."""
        self.server.client_log.info("%s: %d %s", _peer(self.remote), error.status, error.reason)
        self._refuse(Response.text(error.status, error.reason + "\n"))

    def _refuse(self, response: Response) -> None:
        """Send `response` and close: no more requests are read on this connection."""
        self.mode = _DONE
        self.queue.clear()
        self.parser = None
        if not self.transport.is_closing():
            self.transport.write(build_response(response, keep_alive=False,
                                                date=self.server.http_date()))
        self._close()

    # -- WebSocket upgrade -------------------------------------------------------------------

    def _upgrade(self, request: Request) -> None:
        server = self.server
        # Validate the handshake first (RFC 6455 §4.2.1), so the app never sees a broken one.
        try:
            key = _handshake.check_request(request)
        except _handshake.HandshakeError as exc:
            logger.info("%s: websocket handshake refused: %d %s", _peer(self.remote),
                        exc.status, exc.reason)
            self._refuse(Response(exc.status, [("Content-Type", "text/plain; charset=utf-8"),
                                               *list(exc.headers or ())],
                                  (exc.reason + "\n").encode()))
            return
        try:
            result = server.app.handle_websocket(request)
        except Exception:
            logger.exception("error in handle_websocket for %s", excerpt(request.path))
            self._refuse(Response.text(500, "internal server error"))
            return
        if isinstance(result, Response):
            self._refuse(result)
            return
        if result is None or not hasattr(result, "on_message"):
            logger.error("handle_websocket returned %r, not a handler or Response",
                         type(result).__name__)
            self._refuse(Response.text(500, "internal server error"))
            return
        offers = request.headers.get_all("sec-websocket-extensions")
        try:
            ext_header, deflate = _deflate.negotiate(
                ", ".join(offers) if offers else None, enabled=server.deflate,
                no_context_takeover=server.deflate_no_context_takeover)
        except Exception:
            logger.info("%s: bad Sec-WebSocket-Extensions offer", _peer(self.remote))
            self._refuse(Response.text(400, "bad Sec-WebSocket-Extensions"))
            return
        self.transport.write(_handshake.build_accept_response(key, extensions=ext_header))
        leftover = self.parser.take_leftover()
        self.parser = None
        self.queue = ()  # no HTTP any more: drop the deque (memory per idle socket)
        self.mode = _WS
        self.handler = result
        self.proto = WebSocketProtocol(max_message_size=server.max_message_size,
                                       max_text_size=server.max_text_message_size, deflate=deflate)
        self.ws = WebSocket(self, request)
        self._resume_reading(_PAUSE_PIPELINE)
        if self.write_paused:
            self._pause_reading(_PAUSE_WRITE)
        self._set_timer("ping", server.ping_interval)
        self._call(result.on_open, self.ws)
        if leftover and self.mode == _WS:
            self._ws_data(leftover)

    # -- WebSocket phase -----------------------------------------------------------------------

    @property
    def ws_open(self) -> bool:
        return self.mode == _WS and self.proto is not None and self.proto.state is State.OPEN

    def _ws_data(self, data: bytes) -> None:
        proto = self.proto
        try:
            events = proto.receive_data(data)
        except Exception:
            logger.exception("%s: websocket protocol error", _peer(self.remote))
            self.transport.abort()
            return
        if not self._ws_dispatch(events, 0):
            return  # the rest follows on later loop turns
        if len(events) > 1 and len(data) < _COALESCE_MAX_READ and self.coalesce_timer is None \
                and self.mode == _WS and not self.transport.is_closing():
            # The peer streams small messages: let the next ones gather (see _COALESCE_DELAY).
            self._pause_reading(_PAUSE_COALESCE)
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
                    if not self.closing_sent and self.mode == _WS:
                        self._call(self.handler.on_message, ev.data)
                        if budget is not None:
                            budget -= len(ev.data)
                            if budget <= 0 and i < n:
                                break
                elif cls is Pong:
                    if self.timer_kind == "pong":
                        self._set_timer("ping", self.server.ping_interval)
                elif cls is CloseReceived:
                    self.close_rcvd = (ev.code, ev.reason)
        finally:
            self.corked = False
        self._ws_flush()
        if i < n and self.mode == _WS and not self.transport.is_closing():
            self._pause_reading(_PAUSE_TURN)
            self.server.loop.call_soon(self._ws_dispatch_rest, events, i)
            return False
        self._resume_reading(_PAUSE_TURN)
        return True

    def _ws_dispatch_rest(self, events: list, start: int) -> None:
        if self.mode == _WS:
            self._ws_dispatch(events, start)

    def _end_coalesce(self) -> None:
        self.coalesce_timer = None
        self._resume_reading(_PAUSE_COALESCE)

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
        if proto is None or self.transport is None:
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
            self._set_timer("close", self.server.close_timeout)
        elif proto.state is State.CLOSING and self.timer_kind not in ("close",):
            # We sent a close frame (or failed): wait at most close_timeout for the answer.
            self.closing_sent = True
            self._set_timer("close", self.server.close_timeout)

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
            self._set_timer("pong", self.server.ping_timeout)
        else:  # pings without a deadline: they still keep proxies from idling us out
            self._set_timer("ping", self.server.ping_interval)

    def _keepalive_timeout(self) -> None:
        # Half-open connections are found here: no pong means the peer is gone or stuck.
        logger.info("%s: keepalive ping timeout, closing with 1011", _peer(self.remote))
        self.failure_logged = True
        if self.proto.state is State.OPEN:
            self.proto.fail(INTERNAL_ERROR, "keepalive ping timeout")
            out = self.proto.buffers_to_send()
            if out:
                self._ws_write(out)
        self.transport.abort()

    def shutdown(self) -> None:
        """Server shutdown: close WebSockets with 1001, idle HTTP connections right away."""
        if self.mode == _WS:
            if self.ws_open:
                self.ws_close(GOING_AWAY, "server shutting down")
            elif self.timer_kind != "close":
                self._set_timer("close", self.server.close_timeout)
        elif self.mode == _HTTP:
            if not self.busy and not self.queue:
                self._close()
            # else: _send_response closes after the response, since server.closing is set

    def _call(self, method, *args) -> None:
        """Run a handler callback; an exception is logged and closes the socket with 1011."""
        try:
            method(*args)
        except Exception:
            logger.exception("%s: error in %s", _peer(self.remote),
                             getattr(method, "__qualname__", "handler"))
            if self.ws_open:
                self.proto.send_close(INTERNAL_ERROR, "internal error")
                self._ws_flush()

    def _call_on_close(self) -> None:
        if self.on_close_called or self.handler is None:
            return
        self.on_close_called = True
        code, reason = self.close_rcvd if self.close_rcvd is not None else (ABNORMAL, "")
        try:
            self.handler.on_close(code, reason)
        except Exception:
            logger.exception("%s: error in on_close", _peer(self.remote))

    def _log_failure(self) -> None:
        proto = self.proto
        if proto is None or self.failure_logged or not proto.failure:
            return
        self.failure_logged = True
        logger.info("%s: websocket failed (close code %s): %s", _peer(self.remote),
                    proto.sent_close_code, proto.failure)


def _set_nodelay(transport) -> None:
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


def _peer(remote) -> str:
    if isinstance(remote, tuple) and len(remote) >= 2:
        host = remote[0]
        return f"[{host}]:{remote[1]}" if ":" in str(host) else f"{host}:{remote[1]}"
    return str(remote)

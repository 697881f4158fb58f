"""One TCP connection's HTTP/1.1 phase: an asyncio.Protocol serving keep-alive and pipelined
requests in order through the app's `handle_request`, until a WebSocket upgrade.

An upgrade request goes to the app's `handle_websocket`; on success the transport's protocol is
switched (`transport.set_protocol`) to a `WebSocketConnection` (``websocket.py``), which gets the
handler and a `WebSocket` to give it; this object is done then. Timeouts are loop timers of the
`TimerKind`s HEAD, IDLE, BODY and CLOSE (``stream.py``).

`WebSocket` and `WebSocketHandler` are re-exported from here (their old home).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque

from ..clientlog import excerpt
from ..protocol import deflate as _deflate
from ..protocol import handshake as _handshake
from ..protocol.http import (
    BODY_STATES, BodyDeadline, HttpError, ParseError, ParserState, Request, RequestComplete,
    RequestHead, RequestParser, Response, build_response,
)
from ..protocol.websocket import WebSocketProtocol
from .static import STREAM_CHUNK, DeferredResponse, FileResponse
from .stream import PAUSE_PIPELINE, Mode, StreamConnection, TimerKind, peer, set_nodelay
from .websocket import WebSocket, WebSocketConnection, WebSocketHandler

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["WebSocketHandler", "WebSocket", "Connection", "WebSocketConnection"]

MAX_PIPELINE = 8          # queued requests before we stop reading from a pipelining client
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class Connection(StreamConnection):
    """Per-connection protocol of the HTTP phase. `server` holds the configuration and the app."""

    __slots__ = ("parser", "queue", "busy", "task", "peer_eof", "deadline", "refusing")

    def __init__(self, server):
        super().__init__(server, Mode.HTTP)
        self.parser: RequestParser | None = None
        self.queue: deque = deque()   # complete requests (or an HttpError) waiting their turn
        self.busy = False             # the app is working on a request
        self.task = None
        self.peer_eof = False
        self.deadline: BodyDeadline | None = None  # for the request body being read
        self.refusing = False         # a refusal is queued: read and parse nothing more

    def _timer_fired(self, kind: TimerKind) -> None:
        if kind is TimerKind.HEAD:
            # Slow-loris defence: the whole request head must arrive within header_timeout.
            if self.parser is not None and self.parser.between_requests:
                self._close()  # nothing sent at all: just hang up
            else:
                self._http_error(HttpError(408, "request header timeout"))
        elif kind is TimerKind.IDLE:
            self._close()  # keep-alive connection unused for keepalive_timeout
        elif kind is TimerKind.BODY:
            deadline, now = self.deadline, self.server.loop.time()
            reason = deadline.check(now)
            if reason is not None:
                self._http_error(HttpError(408, reason))
            else:
                self._set_timer(TimerKind.BODY, deadline.next_check(now))

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport) -> None:
        self.transport = transport
        server = self.server
        self.remote = transport.get_extra_info("peername")
        set_nodelay(transport)
        transport.set_write_buffer_limits(high=server.high_water, low=server.low_water)
        refusal = server.admit(self)
        if refusal is not None:
            # Over a connection cap: a clear answer, then close (the connection is not counted).
            server.refused_connections += 1
            server.client_log.warning("%s: refused a connection: %s (%d open)",
                                      peer(self.remote), refusal, len(server.connections))
            self.mode = Mode.DONE
            transport.write(build_response(
                Response.text(503, refusal + "\n", headers=[("Retry-After", "5")]),
                keep_alive=False, date=server.http_date()))
            self._close()
            return
        self.parser = server.new_parser()
        if server.closing:
            self._close()
            return
        self._set_timer(TimerKind.HEAD, server.header_timeout)

    def connection_lost(self, exc) -> None:
        self.mode = Mode.CLOSED
        self._cancel_timer()
        self.server.connection_done(self)
        self._wake_waiters()
        self.parser = None
        self.queue = ()

    def eof_received(self):
        if self.mode is Mode.HTTP and (self.busy or self.queue):
            # Half-closed by the client after sending its request(s): answer, then close.
            self.peer_eof = True
            return True
        return None  # let the transport close itself

    def data_received(self, data: bytes) -> None:
        if self.mode is Mode.HTTP and self.parser is not None:
            if self.deadline is not None:
                self.deadline.add(len(data))
            if self.timer_kind is TimerKind.IDLE:
                self._set_timer(TimerKind.HEAD, self.server.header_timeout)
            self._pump(data)

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
                    if self.timer_kind is TimerKind.HEAD or self.timer_kind is TimerKind.IDLE:
                        self._set_timer(None, None)
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
            self._pause_reading(PAUSE_PIPELINE)
        elif self.read_pauses & PAUSE_PIPELINE:
            self._resume_reading(PAUSE_PIPELINE)
        if self.refusing:
            self._pause_reading(PAUSE_PIPELINE)  # the body stays unread; we close after the answer
        elif parser.state in BODY_STATES and not self.busy and self.timer_kind is not TimerKind.BODY:
            self._start_body_timer()
        self._next_request()

    def _start_body_timer(self) -> None:
        server = self.server
        self.deadline = BodyDeadline(server.loop.time(), timeout=server.body_timeout,
                                     min_rate=server.min_body_rate, grace=server.body_rate_grace)
        self._set_timer(TimerKind.BODY, self.deadline.next_check(self.deadline.started))

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
        while not self.busy and self.queue and self.mode is Mode.HTTP:
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
            self._set_timer(None, None)
            if self.parser.state is ParserState.UPGRADED and not self.queue:
                # The request asked for a protocol we do not speak (h2c...): stay with HTTP.
                self.parser.resume()
                self._pump()
            elif self.read_pauses & PAUSE_PIPELINE:
                self._pump()  # parse what was held back now that the queue has room
            if self.mode is not Mode.HTTP:
                return
            try:
                result = self.server.app.handle_request(request)
            except Exception:
                logger.exception("error in handle_request for %s %s", request.method,
                                 excerpt(request.path))
                result = Response.text(500, "internal server error")
            if inspect.isawaitable(result) or isinstance(result, DeferredResponse):
                self.task = self.server.loop.create_task(self._await_response(request, result))
                return
            self._send_response(request, result)
        if not self.busy and self.mode is Mode.HTTP:
            self._after_responses()

    async def _await_response(self, request: Request, result) -> None:
        try:
            response = (await result) if inspect.isawaitable(result) else result
            if isinstance(response, DeferredResponse):
                # Static files: made in a worker thread, off the event loop (server/static.py).
                response = await self._in_thread(response.resolve)
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
        if self.mode is not Mode.HTTP or self.transport.is_closing():
            return
        server = self.server
        keep_alive = (request.keep_alive and not server.closing and not self.peer_eof
                      and (response.get_header("connection") or "").lower() != "close")
        streamed = isinstance(response, FileResponse)
        try:
            data = build_response(response, keep_alive=keep_alive,
                                  head_only=request.method == "HEAD", date=server.http_date(),
                                  request_version=request.version,
                                  body_length=response.size if streamed else None)
        except (ValueError, TypeError):
            logger.exception("invalid response for %s %s", request.method, excerpt(request.path))
            data = build_response(Response.text(500, "internal server error"), keep_alive=False,
                                  date=server.http_date())
            keep_alive = streamed = False
        self.transport.write(data)
        if streamed and request.method != "HEAD":
            self.busy = True  # until the last piece is written
            self.task = server.loop.create_task(self._stream_file(response, keep_alive))
            return
        self._after_response(keep_alive)

    def _after_response(self, keep_alive: bool) -> None:
        if not keep_alive:
            self.mode = Mode.DONE
            self.queue.clear()
            self._close()

    async def _in_thread(self, func, *args):
        """``func(*args)`` in a worker thread, off the event loop; inline once the interpreter is
        shutting down (the end of a script-mode script: executors take no new work then)."""
        try:
            future = self.server.loop.run_in_executor(None, func, *args)
        except RuntimeError:
            return func(*args)
        return await future

    async def _stream_file(self, response: FileResponse, keep_alive: bool) -> None:
        """Send a FileResponse's body in pieces read in a worker thread, as fast as the client
        reads (a client that stops reading for keepalive_timeout is dropped)."""
        left = response.size
        f = None
        try:
            f = await self._in_thread(open, response.path, "rb")
            while left:
                chunk = await self._in_thread(f.read, min(STREAM_CHUNK, left))
                if not chunk or self.mode is not Mode.HTTP or self.transport.is_closing():
                    break
                self.transport.write(chunk)
                left -= len(chunk)
                if self.write_paused:
                    await asyncio.wait_for(self.wait_writable(), self.server.keepalive_timeout)
        except (OSError, asyncio.TimeoutError):
            pass
        finally:
            if f is not None:
                f.close()
        self.task = None
        if self.mode is not Mode.HTTP:
            return
        if left:
            # The file shrank, vanished or the client stopped reading: the promised
            # Content-Length cannot be kept, so the connection cannot go on.
            logger.info("%s: a file response ended %d bytes short", peer(self.remote), left)
            self.mode = Mode.DONE
            self.transport.abort()
            return
        self.busy = False
        self._after_response(keep_alive)
        self._next_request()

    def _after_responses(self) -> None:
        """Every queued request is answered: wait for the next one, or close."""
        if self.transport.is_closing():
            return
        if self.peer_eof or self.server.closing:
            self.mode = Mode.DONE
            self._close()
            return
        parser = self.parser
        if parser.state is ParserState.HEAD:
            if parser.between_requests:
                self._set_timer(TimerKind.IDLE, self.server.keepalive_timeout)
            elif self.timer_kind is not TimerKind.HEAD:
                self._set_timer(TimerKind.HEAD, self.server.header_timeout)
        elif parser.state in BODY_STATES and self.timer_kind is not TimerKind.BODY:
            self._start_body_timer()

    def _http_error(self, error: HttpError) -> None:
        """Answer a bad request with a short text reason and close the connection."""
        self.server.client_log.info("%s: %d %s", peer(self.remote), error.status, error.reason)
        self._refuse(Response.text(error.status, error.reason + "\n"))

    def _refuse(self, response: Response) -> None:
        """Send `response` and close: no more requests are read on this connection."""
        self.mode = Mode.DONE
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
            logger.info("%s: websocket handshake refused: %d %s", peer(self.remote),
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
            logger.info("%s: bad Sec-WebSocket-Extensions offer", peer(self.remote))
            self._refuse(Response.text(400, "bad Sec-WebSocket-Extensions"))
            return
        self.transport.write(_handshake.build_accept_response(key, extensions=ext_header))
        leftover = self.parser.take_leftover()
        proto = WebSocketProtocol(max_message_size=server.max_message_size,
                                  max_text_size=server.max_text_message_size, deflate=deflate)
        ws_conn = WebSocketConnection(server, result, proto, request, transport=self.transport,
                                      remote=self.remote)
        self._switch(ws_conn).start(leftover)

    def _switch(self, ws_conn: WebSocketConnection) -> WebSocketConnection:
        """Hand the transport over to `ws_conn` (RFC 9110 §7.8: from here on the bytes are not
        HTTP): the address, the connection count and the read pauses go with it."""
        self._cancel_timer()
        ws_conn.read_pauses, ws_conn.write_paused = self.read_pauses, self.write_paused
        self.server.replace_connection(self, ws_conn)
        self.transport.set_protocol(ws_conn)
        self.mode = Mode.DONE
        self.parser = None
        self.queue = ()
        return ws_conn

    def shutdown(self) -> None:
        """Server shutdown: close an idle connection right away (a busy one closes after its
        response, since server.closing is set)."""
        if self.mode is Mode.HTTP and not self.busy and not self.queue:
            self._close()

"""The server's timeouts on a fake clock: a connection driven through a fake transport and a fake
event loop whose time moves only when the test says so (no real timers, no waiting).

HTTP: the request head deadline (slow loris), the idle keep-alive timeout, the body deadline.
WebSocket: keepalive pings and their pong deadline, the closing handshake's close_timeout.
"""
import heapq
import itertools

import pytest

from pywebio_lite.protocol.http import Response
from pywebio_lite.server import Server
from pywebio_lite.server.connection import Connection
from pywebio_lite.server.websocket import WebSocketConnection

from ws_frames_util import close_code_of, frame


class FakeHandle:
    def __init__(self, when, callback, args):
        self.when, self.callback, self.args, self.cancelled = when, callback, args, False

    def cancel(self):
        self.cancelled = True


class FakeLoop:
    """call_later/call_soon/time as asyncio's loop has them, on a clock that `advance` moves."""

    def __init__(self):
        self.now = 1000.0
        self._timers = []
        self._order = itertools.count()
        self._soon = []

    def time(self):
        return self.now

    def call_later(self, delay, callback, *args):
        handle = FakeHandle(self.now + delay, callback, args)
        heapq.heappush(self._timers, (handle.when, next(self._order), handle))
        return handle

    def call_soon(self, callback, *args):
        self._soon.append((callback, args))

    def run_ready(self):
        while self._soon:
            callback, args = self._soon.pop(0)
            callback(*args)

    def advance(self, seconds):
        """Move the clock, running every timer that falls due on the way, in order."""
        end = self.now + seconds
        self.run_ready()
        while self._timers and self._timers[0][0] <= end:
            when, _, handle = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            if not handle.cancelled:
                handle.callback(*handle.args)
            self.run_ready()
        self.now = end


class FakeTransport:
    """What the connection writes, and whether it closed (gracefully) or aborted the socket."""

    def __init__(self, loop):
        self.loop = loop
        self.protocol = None
        self.written = bytearray()
        self.closed = self.aborted = False
        self.reading = True

    def get_extra_info(self, name, default=None):
        return ("127.0.0.1", 40000) if name == "peername" else default

    def set_write_buffer_limits(self, high=None, low=None):
        pass

    def set_protocol(self, protocol):
        self.protocol = protocol

    def write(self, data):
        assert not self.closed, "written after close"
        self.written += data

    def take(self) -> bytes:
        data, self.written = bytes(self.written), bytearray()
        return data

    def is_closing(self):
        return self.closed

    def close(self):
        # A graceful close that the peer never lets finish: the transport stays until aborted.
        self.closed = True

    def abort(self):
        if not self.aborted:
            self.closed = self.aborted = True
            self.loop.call_soon(self.protocol.connection_lost, None)

    def pause_reading(self):
        self.reading = False

    def resume_reading(self):
        self.reading = True


class EchoApp:
    def handle_request(self, request):
        return Response.text(200, f"{request.method} {request.path} {len(request.body)}")

    def handle_websocket(self, request):
        return Handler()


class Handler:
    def __init__(self):
        self.closes = []

    def on_open(self, ws):
        self.ws = ws

    def on_message(self, data):
        self.ws.send(data)

    def on_close(self, code, reason):
        self.closes.append((code, reason))


def open_connection(**settings):
    """A fresh connection of a server with `settings`: (loop, transport, the HTTP Connection)."""
    server = Server(EchoApp(), **settings)
    server.loop = loop = FakeLoop()
    transport = FakeTransport(loop)
    conn = Connection(server)
    transport.protocol = conn
    conn.connection_made(transport)
    return loop, transport, conn


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


UPGRADE = (b"GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def open_websocket(**settings):
    """(loop, transport, the WebSocketConnection, its handler) after a completed handshake."""
    loop, transport, conn = open_connection(**settings)
    conn.data_received(UPGRADE)
    assert transport.take().startswith(b"HTTP/1.1 101 ")
    ws_conn = transport.protocol
    assert isinstance(ws_conn, WebSocketConnection)
    return loop, transport, ws_conn, ws_conn.handler


class TestRequestHead:
    """Slow-loris defence: the whole head must arrive within header_timeout of its start."""

    def test_a_partial_head_gets_408_at_the_deadline(self):
        loop, transport, _ = open_connection(header_timeout=10)
        transport.protocol.data_received(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        loop.advance(9.9)
        assert transport.take() == b"" and not transport.closed
        loop.advance(0.2)
        response = transport.take()
        assert status_of(response) == 408 and b"Connection: close" in response
        assert transport.closed

    def test_a_silent_connection_is_closed_without_an_answer(self):
        loop, transport, _ = open_connection(header_timeout=10)
        loop.advance(10)
        assert transport.closed and transport.take() == b""

    def test_trickling_bytes_do_not_move_the_deadline(self):
        loop, transport, conn = open_connection(header_timeout=10)
        conn.data_received(b"GET / HTTP/1.1\r\nX-Slow: ")
        for _ in range(49):  # a byte every 0.2 s, 9.8 s in all
            loop.advance(0.2)
            conn.data_received(b"x")
        assert transport.take() == b""
        loop.advance(0.2)
        assert status_of(transport.take()) == 408

    def test_the_close_that_follows_is_bounded(self):
        # After the 408 the peer does not close its side: the socket is dropped at close_timeout.
        loop, transport, _ = open_connection(header_timeout=10, close_timeout=3)
        transport.protocol.data_received(b"GET / HTTP/1.1\r\n")
        loop.advance(10)
        assert transport.closed and not transport.aborted
        loop.advance(3)
        assert transport.aborted


class TestKeepAlive:
    def test_an_idle_connection_is_closed_after_keepalive_timeout(self):
        loop, transport, conn = open_connection(keepalive_timeout=5, header_timeout=60)
        conn.data_received(b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        assert status_of(transport.take()) == 200
        loop.advance(4.9)
        assert not transport.closed
        loop.advance(0.2)
        assert transport.closed and transport.take() == b""

    def test_a_new_request_starts_the_head_deadline_instead(self):
        loop, transport, conn = open_connection(keepalive_timeout=5, header_timeout=10)
        conn.data_received(b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        transport.take()
        loop.advance(4)
        conn.data_received(b"GET /b HTTP/1.1\r\n")  # a head begins: 10 s from now, not 1 s
        loop.advance(9.9)
        assert not transport.closed
        loop.advance(0.2)
        assert status_of(transport.take()) == 408


class TestBody:
    def test_a_body_that_stops_coming_gets_408(self):
        loop, transport, conn = open_connection(body_timeout=20, min_body_rate=0)
        conn.data_received(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        loop.advance(19.9)
        assert transport.take() == b""
        loop.advance(0.2)
        response = transport.take()
        assert status_of(response) == 408 and b"request body timeout" in response

    def test_a_body_below_the_minimum_rate_gets_408_after_the_grace(self):
        loop, transport, conn = open_connection(body_timeout=600, min_body_rate=100, body_rate_grace=5)
        conn.data_received(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(4):  # 10 bytes a second: far below 100
            loop.advance(1)
            conn.data_received(b"x" * 10)
        assert transport.take() == b""
        loop.advance(1.1)
        assert b"request body too slow" in transport.take()

    def test_a_body_on_time_is_answered(self):
        loop, transport, conn = open_connection(body_timeout=20, min_body_rate=0)
        conn.data_received(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc")
        loop.advance(10)
        conn.data_received(b"def")
        assert transport.take().endswith(b"POST / 6")
        loop.advance(30)
        assert b"408" not in transport.take()


class TestWebSocketKeepalive:
    """RFC 6455 §5.5.2 pings every ping_interval; no pong within ping_timeout fails with 1011."""

    def test_no_pong_closes_with_1011_and_drops_the_socket(self):
        loop, transport, conn, handler = open_websocket(ping_interval=20, ping_timeout=10)
        loop.advance(19.9)
        assert transport.take() == b""
        loop.advance(0.2)
        assert transport.take() == b"\x89\x00"  # the ping, sent at 20 s
        loop.advance(9.8)
        assert not transport.aborted
        loop.advance(0.2)
        assert close_code_of(transport.take()) == 1011 and transport.aborted
        assert handler.closes == [(1006, "")]

    def test_answered_pings_keep_it_open(self):
        loop, transport, conn, handler = open_websocket(ping_interval=20, ping_timeout=10)
        for _ in range(3):
            loop.advance(20)
            assert transport.take() == b"\x89\x00"
            loop.advance(5)
            conn.data_received(frame(0x8A))  # the pong
        loop.advance(14)  # 19 s after the last pong: no ping yet
        assert transport.take() == b"" and not transport.closed
        conn.data_received(frame(0x81, b"still here"))
        assert transport.take() == b"\x81\x0astill here"

    def test_a_page_taking_a_flood_slowly_is_not_taken_for_dead(self):
        """While our output is backed up we stop reading, so the pong waits unread; the peer
        still taking our output (the buffer drains) is proof enough that it is there."""
        loop, transport, conn, handler = open_websocket(ping_interval=20, ping_timeout=10)
        conn.pause_writing()             # a flood: the socket's buffer is over high water
        loop.advance(20)
        assert transport.take() == b"\x89\x00"
        for _ in range(5):               # the page takes the output, slowly
            loop.advance(5)
            conn.resume_writing()
            conn.pause_writing()
        assert not transport.aborted and handler.closes == []
        # The last drain was at 45 s; the deadline checked at 50 s saw it and waits until 60 s,
        # by when the page has taken nothing for a whole ping_timeout: it is gone.
        loop.advance(14.9)
        assert not transport.aborted
        loop.advance(0.2)
        assert transport.aborted and handler.closes == [(1006, "")]

    def test_a_peer_that_reads_nothing_still_times_out(self):
        loop, transport, conn, handler = open_websocket(ping_interval=20, ping_timeout=10)
        conn.pause_writing()
        loop.advance(29.9)
        assert not transport.aborted
        loop.advance(0.2)
        assert transport.aborted and handler.closes == [(1006, "")]

    def test_pings_without_a_deadline(self):
        loop, transport, conn, _ = open_websocket(ping_interval=20, ping_timeout=None)
        loop.advance(60)
        assert transport.take() == b"\x89\x00" * 3 and not transport.closed


class TestWebSocketClose:
    @pytest.mark.parametrize("how", ["app", "shutdown"])
    def test_a_close_the_peer_never_answers_ends_at_close_timeout(self, how):
        loop, transport, conn, handler = open_websocket(ping_interval=None, close_timeout=8)
        if how == "app":
            handler.ws.close(4000, "done")
            expected = 4000
        else:
            conn.shutdown()
            expected = 1001
        assert close_code_of(transport.take()) == expected
        loop.advance(7.9)
        assert not transport.aborted
        loop.advance(0.2)
        assert transport.aborted and handler.closes == [(1006, "")]

    def test_an_answered_close_ends_at_once(self):
        loop, transport, conn, handler = open_websocket(ping_interval=None, close_timeout=8)
        handler.ws.close()
        transport.take()
        conn.data_received(frame(0x88, (1000).to_bytes(2, "big")))
        assert transport.closed and not transport.aborted  # our side closes the TCP connection
        conn.connection_lost(None)
        assert handler.closes == [(1000, "")]

"""The server's WebSocket side over real sockets, with a hand-written client that masks its own
frames: upgrade and refusals, echo, keepalive pings, close handshakes and timeouts, on_close
exactly once, shutdown with 1001, backpressure, and isolation between clients."""
import asyncio
import socket
import struct
import threading
import types
import zlib

import pytest

from pywebio_lite.protocol.http import Response
from pywebio_lite.protocol.websocket import WebSocketProtocol
from pywebio_lite.server import WebSocket
from pywebio_lite.server import websocket as ws_phase
from pywebio_lite.server.websocket import WebSocketConnection

from test_server_support import (
    SAFETY_TIMEOUT, HttpReader, OneHandlerApp, Recorder, WSClient, connect, encode_frame,
    handshake_request, running,
)


@pytest.fixture
def app():
    return OneHandlerApp()


@pytest.fixture
def server(app):
    with running(app, ping_interval=None) as srv:
        yield srv


def only_handler(app) -> Recorder:
    assert len(app.handlers) == 1
    return app.handlers[0]


class TestUpgrade:
    """RFC 6455 §4.2: the opening handshake on any path."""

    def test_the_websocket_connection_takes_the_http_ones_place(self, server, app):
        # The upgrade switches the transport's protocol: one connection, counted once.
        WSClient(server)
        ws = only_handler(app).wait("open")[1]
        conn = ws._conn
        assert isinstance(conn, WebSocketConnection) and conn in server.connections
        assert conn.ip == "127.0.0.1" and server.websocket_count >= 1

    def test_101(self, server, app):
        client = WSClient(server, "/any/path?x=1")
        assert client.status == 101
        assert client.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        assert client.headers["upgrade"].lower() == "websocket"
        _, ws = only_handler(app).wait("open")
        assert isinstance(ws, WebSocket)
        assert ws.request.path == "/any/path" and ws.request.query_arg("x") == "1"
        assert ws.remote_address[0] == "127.0.0.1"
        client.close_socket()

    def test_frames_sent_with_the_handshake_are_not_lost(self, server, app):
        client = WSClient(server, after=encode_frame(0x1, b"early"))
        assert client.status == 101
        assert client.recv_message() == (0x1, b"early")
        client.close_socket()

    def test_upgrade_pipelined_after_a_plain_request(self, server):
        # The upgrade waits for the earlier response; frames sent right behind it survive.
        with connect(server) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" + handshake_request()
                         + encode_frame(0x1, b"queued"))
            reader = HttpReader(sock)
            assert reader.read_response()[2] == b"hello"
            assert reader.read_response(head=True)[0] == 101
            assert reader.read_exact(8) == b"\x81\x06queued"

    def test_refused_by_app(self):
        class Refuser(OneHandlerApp):
            def handle_websocket(self, request):
                return Response.text(403, "origin not allowed")

        with running(Refuser()) as srv:
            with connect(srv) as sock:
                sock.sendall(handshake_request())
                reader = HttpReader(sock)
                status, headers, body = reader.read_response()
                assert (status, body) == (403, b"origin not allowed")
                assert reader.at_eof()

    def test_wrong_version_426(self, server, app):
        with connect(server) as sock:
            sock.sendall(handshake_request().replace(b"Version: 13", b"Version: 8"))
            reader = HttpReader(sock)
            status, headers, _ = reader.read_response()
            assert status == 426 and headers["sec-websocket-version"] == "13"
            assert reader.at_eof()
        assert app.handlers == []  # the app never saw the broken handshake

    @pytest.mark.parametrize("mutate", [
        lambda r: r.replace(b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", b""),
        lambda r: r.replace(b"dGhlIHNhbXBsZSBub25jZQ==", b"c2hvcnQ="),
        lambda r: r.replace(b"GET", b"POST", 1).replace(b"Host", b"Content-Length: 0\r\nHost"),
        lambda r: r.replace(b"Connection: Upgrade", b"Connection: keep-alive"),
    ])
    def test_bad_handshake_400(self, server, mutate):
        with connect(server) as sock:
            sock.sendall(mutate(handshake_request()))
            reader = HttpReader(sock)
            assert reader.read_response()[0] == 400
            assert reader.at_eof()

    def test_app_exception_500(self):
        class Broken(OneHandlerApp):
            def handle_websocket(self, request):
                raise RuntimeError("bug")

        with running(Broken()) as srv:
            with connect(srv) as sock:
                sock.sendall(handshake_request())
                assert HttpReader(sock).read_response()[0] == 500

    def test_plain_http_still_works(self, server):
        with connect(server) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert HttpReader(sock).read_response()[2] == b"hello"


class TestEcho:
    """Messages reach on_message whole; ws.send goes out as one frame."""

    def test_text_and_binary(self, server, app):
        client = WSClient(server)
        client.send_text("h\u00e9llo")
        assert client.recv_message() == (0x1, "h\u00e9llo".encode())
        client.send_binary(b"\x00\xff" * 40000)
        assert client.recv_message() == (0x2, b"\x00\xff" * 40000)
        handler = only_handler(app)
        assert handler.wait("message")[1] == "h\u00e9llo"
        assert handler.wait("message")[1] == b"\x00\xff" * 40000
        client.close_socket()

    def test_fragments_with_a_ping_between(self, server):
        client = WSClient(server)
        client.send_frame(0x1, b"ab", fin=False)
        client.send_frame(0x9, b"ping!")
        client.send_frame(0x0, b"cd", fin=False)
        client.send_frame(0x0, b"ef")
        assert client.recv_frame() == (True, False, 0xA, b"ping!")  # RFC 6455 §5.5.3
        assert client.recv_message() == (0x1, b"abcdef")
        client.close_socket()

    def test_many_small_messages_in_one_write(self, server):
        client = WSClient(server)
        client.sock.sendall(b"".join(encode_frame(0x1, str(i).encode()) for i in range(500)))
        assert [client.recv_message()[1] for _ in range(500)] == [str(i).encode() for i in range(500)]
        client.close_socket()

    def test_permessage_deflate(self, server):
        client = WSClient(server, extra=b"Sec-WebSocket-Extensions: permessage-deflate; "
                                        b"client_max_window_bits\r\n")
        assert client.headers["sec-websocket-extensions"].startswith("permessage-deflate")
        comp = zlib.compressobj(wbits=-15)
        data = b"compress me " * 100
        payload = comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)
        assert payload.endswith(b"\x00\x00\xff\xff")
        client.send_frame(0x2, payload[:-4], rsv=4)  # RFC 7692 §7.2.1: RSV1, tail removed
        opcode, echoed = client.recv_message()
        assert (opcode, echoed) == (0x2, data)
        client.close_socket()

    def test_deflate_compresses_each_message_on_its_own_by_default(self, server, app):
        """Idle connections keep no zlib state: the server imposes no context takeover both ways."""
        client = WSClient(server, extra=b"Sec-WebSocket-Extensions: permessage-deflate\r\n")
        assert client.headers["sec-websocket-extensions"] == (
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        client.close_socket()

    def test_context_takeover_when_configured(self, app):
        with running(app, deflate_no_context_takeover=False) as srv:
            client = WSClient(srv, extra=b"Sec-WebSocket-Extensions: permessage-deflate\r\n")
            assert client.headers["sec-websocket-extensions"] == "permessage-deflate"
            client.close_socket()

    def test_deflate_disabled(self, app):
        with running(app, deflate=False) as srv:
            client = WSClient(srv, extra=b"Sec-WebSocket-Extensions: permessage-deflate\r\n")
            assert client.status == 101 and "sec-websocket-extensions" not in client.headers
            client.close_socket()

    def test_send_types(self, server, app):
        client = WSClient(server)
        ws = only_handler(app).wait("open")[1]
        with pytest.raises(TypeError, match="data"):
            ws.send(123)
        client.close_socket()


class TestClose:
    """RFC 6455 §7: closing handshakes. on_close is called exactly once, whatever ends it."""

    def test_client_initiated(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            client.send_close(1000, "bye")
            assert client.recv_close()[0] == 1000
            assert client.reader.at_eof()  # RFC 6455 §7.1.1: the server closes TCP first
            handler = only_handler(app)
            assert handler.wait("close")[1:] == (1000, "bye")
        assert handler.closes == [(1000, "bye")]

    def test_client_close_without_code(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            client.send_close(None)
            assert client.recv_close() == (None, "")
            assert only_handler(app).wait("close")[1] == 1005
        assert only_handler(app).closes == [(1005, "")]

    def test_tcp_drop_is_1006(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            only_handler(app).wait("open")
            client.close_socket()
            assert only_handler(app).wait("close")[1:] == (1006, "")
        assert only_handler(app).closes == [(1006, "")]

    def test_server_initiated(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            ws = only_handler(app).wait("open")[1]
            srv.loop.call_soon_threadsafe(ws.close, 4000, "done")
            assert client.recv_close() == (4000, "done")
            client.send_close(4000, "done")
            assert client.reader.at_eof()
            assert only_handler(app).wait("close")[1:] == (4000, "done")
        assert only_handler(app).closes == [(4000, "done")]

    def test_send_after_close_is_dropped(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            ws = only_handler(app).wait("open")[1]
            done = threading.Event()

            def close_then_send():
                ws.close()
                ws.send("too late")
                done.set()

            srv.loop.call_soon_threadsafe(close_then_send)
            assert done.wait(SAFETY_TIMEOUT)
            assert client.recv_frame()[2] == 0x8  # the close frame, nothing after it
            assert not ws.writable and ws.closed
            client.close_socket()

    def test_protocol_failure_closes_and_logs(self, app, caplog):
        with caplog.at_level("INFO", logger="pywebio_lite.server"):
            with running(app, ping_interval=None) as srv:
                client = WSClient(srv)
                client.send_frame(0x1, b"unmasked", mask=None)  # RFC 6455 §5.1
                assert client.recv_close()[0] == 1002
                assert client.reader.at_eof()
                only_handler(app).wait("close")
        assert len(only_handler(app).closes) == 1
        lines = [r.getMessage() for r in caplog.records if "websocket failed" in r.getMessage()]
        assert len(lines) == 1 and "1002" in lines[0] and "127.0.0.1" in lines[0]

    def test_echo_goes_out_before_the_failure_close(self, server):
        # Autobahn 3.2 in one write: "Hello", the same with RSV2 set, a ping. The echo of the
        # first message precedes the 1002 close frame; the ping is never answered.
        client = WSClient(server)
        client.sock.sendall(encode_frame(0x1, b"Hello") + encode_frame(0x1, b"Hello", rsv=2)
                            + encode_frame(0x9))
        assert client.recv_message() == (0x1, b"Hello")
        assert client.recv_close()[0] == 1002
        assert client.reader.at_eof()

    def test_echo_goes_out_before_the_close_answer(self, server, app):
        client = WSClient(server)
        client.sock.sendall(encode_frame(0x1, b"last words")
                            + encode_frame(0x8, struct.pack("!H", 1000)))
        assert client.recv_message() == (0x1, b"last words")
        assert client.recv_close() == (1000, "")
        assert client.reader.at_eof()
        assert only_handler(app).wait("close")[1:] == (1000, "")

    def test_big_replies_all_go_out_before_the_close(self, app):
        # Replies over high_water are normally flushed early; a held close frame must still
        # come after the last of them.
        with running(app, ping_interval=None, high_water=1024, low_water=256) as srv:
            client = WSClient(srv)
            client.sock.sendall(encode_frame(0x2, b"a" * 3000) + encode_frame(0x2, b"b" * 3000)
                                + encode_frame(0x3))
            assert client.recv_message() == (0x2, b"a" * 3000)
            assert client.recv_message() == (0x2, b"b" * 3000)
            assert client.recv_close()[0] == 1002
            assert client.reader.at_eof()

    def test_message_too_big_1009(self, app):
        with running(app, ping_interval=None, max_message_size=1000) as srv:
            client = WSClient(srv)
            client.send_binary(b"x" * 1001)
            assert client.recv_close()[0] == 1009
            assert client.reader.at_eof()

    def test_handler_exception_closes_1011(self):
        class Crashing(Recorder):
            def on_message(self, data):
                super().on_message(data)
                raise ValueError("handler bug")

        app = OneHandlerApp(Crashing)
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            client.send_text("x")
            assert client.recv_message() == (0x1, b"x")
            assert client.recv_close() == (1011, "internal error")
            client.send_close(1011)
            assert client.reader.at_eof()
        assert len(only_handler(app).closes) == 1


class TestShutdown:
    """Server.close / stop_thread: every WebSocket gets 1001 "server shutting down"."""

    def test_1001_on_stop(self, app):
        srv_ctx = running(app, ping_interval=None)
        srv = srv_ctx.__enter__()
        clients = [WSClient(srv) for _ in range(3)]
        for i in range(3):
            app.handlers[i].wait("open")
        stopper = threading.Thread(target=srv_ctx.__exit__, args=(None, None, None))
        stopper.start()
        for client in clients:
            assert client.recv_close() == (1001, "server shutting down")
            client.send_close(1001)
            assert client.reader.at_eof()
        stopper.join()
        assert [h.closes for h in app.handlers] == [[(1001, "")]] * 3

class FloodHandler(Recorder):
    """On "flood": send until the transport is over high water, then await drain()."""

    def __init__(self):
        super().__init__(echo=False)

    def on_message(self, data):
        super().on_message(data)
        if data == "flood":
            sent = 0
            while self.ws.writable:
                self.ws.send(b"x" * 65536)
                sent += 1
            self.events.put(("paused", sent))
            asyncio.ensure_future(self._after_drain())
        else:
            self.ws.send(data)

    async def _after_drain(self):
        await self.ws.drain()
        self.events.put(("drained",))
        self.ws.send("drained")


class TestBackpressure:
    """writable / drain() follow the transport's high and low water marks."""

    def test_drain_resumes_when_client_reads(self):
        app = OneHandlerApp(FloodHandler)
        with running(app, ping_interval=None, high_water=64 * 1024, low_water=16 * 1024) as srv:
            client = WSClient(srv)
            client.send_text("flood")
            handler = only_handler(app)
            _, sent = handler.wait("paused")
            assert sent >= 1
            # Now read everything: the server drains, then says so.
            for _ in range(sent):
                assert client.recv_message() == (0x2, b"x" * 65536)
            assert client.recv_message() == (0x1, b"drained")
            client.close_socket()

    def test_drain_returns_when_writable(self, app):
        with running(app, ping_interval=None) as srv:
            client = WSClient(srv)
            ws = only_handler(app).wait("open")[1]
            fut = asyncio.run_coroutine_threadsafe(ws.drain(), srv.loop)
            assert fut.result(SAFETY_TIMEOUT) is None
            assert ws.writable
            client.close_socket()


class TestIsolation:
    """A misbehaving or stalled client does not affect another one."""

    def test_bad_and_slow_clients_do_not_disturb(self):
        app = OneHandlerApp(FloodHandler)
        with running(app, ping_interval=None) as srv:
            # 1: never reads while the server floods it.
            stalled = WSClient(srv)
            stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.send_text("flood")
            app.handlers[0].wait("paused")
            # 2: sends a frame header announcing 2**62 bytes.
            huge = WSClient(srv)
            huge.sock.sendall(b"\x82\xff" + struct.pack("!Q", 1 << 62) + b"mask")
            # 3: sends half a frame and stops.
            half = WSClient(srv)
            half.sock.sendall(encode_frame(0x1, b"incomplete message")[:8])
            # 4: a slow-loris HTTP client.
            loris = connect(srv)
            loris.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")
            # A well-behaved client is served normally.
            good = WSClient(srv)
            for i in range(50):
                good.send_text(f"msg {i}")
                assert good.recv_message() == (0x1, f"msg {i}".encode())
            assert huge.recv_close()[0] == 1009
            for c in (stalled, huge, half, good):
                c.close_socket()
            loris.close()


class _RecordingTransport:
    def __init__(self):
        self.writes = []
        self.reading = True

    def write(self, data):
        self.writes.append(data)

    def is_closing(self):
        return False

    def pause_reading(self):
        self.reading = False

    def resume_reading(self):
        self.reading = True


class _FakeTimer:
    def __init__(self, callback, args):
        self.callback, self.args, self.was_cancelled = callback, args, False

    def cancel(self):
        self.was_cancelled = True

    def fire(self):
        self.callback(*self.args)


class _FakeLoop:
    def __init__(self):
        self.timers = []
        self.soon = []

    def call_soon(self, callback, *args):
        self.soon.append((callback, args))

    def run_soon(self):
        """Run what was scheduled for the next loop turns (and what that schedules)."""
        while self.soon:
            callback, args = self.soon.pop(0)
            callback(*args)

    def call_later(self, delay, callback, *args):
        timer = _FakeTimer(callback, args)
        self.timers.append((delay, timer))
        return timer


class TestWrites:
    """How the protocol's output pieces reach transport.write."""

    def connection(self):
        return WebSocketConnection(types.SimpleNamespace(), None, WebSocketProtocol(),
                                   transport=_RecordingTransport())

    def test_small_pieces_are_joined_into_one_write(self):
        conn = self.connection()
        conn._ws_write([b"\x81\x02", b"hi", b"\x82\x01", b"\x00"])
        assert conn.transport.writes == [b"\x81\x02hi\x82\x01\x00"]

    def test_a_large_payload_is_not_copied(self):
        conn = self.connection()
        payload = bytes(range(256)) * 4096  # 1 MiB
        conn._ws_write([b"\x81\x01", b"a", b"\x82\x7f" + (1 << 20).to_bytes(8, "big"), payload,
                        b"\x89\x00"])
        first, rest, last = conn.transport.writes
        # The small pieces travel with the head of the payload; the rest is a view, not a copy.
        assert first == b"\x81\x01a\x82\x7f" + (1 << 20).to_bytes(8, "big") + payload[:16384]
        assert isinstance(rest, memoryview) and rest.obj is payload
        assert rest == payload[16384:]
        assert last == b"\x89\x00"


class TestReadCoalescing:
    """A peer streaming small messages is read in batches: after a small read that completed
    several events, reading pauses for one timer tick (see server/websocket.py _COALESCE_DELAY)."""

    def connection(self):
        server = types.SimpleNamespace(loop=_FakeLoop(), high_water=64 * 1024,
                                       close_timeout=10.0, connection_done=lambda conn: None)
        handler = Recorder()
        conn = WebSocketConnection(server, handler, WebSocketProtocol(), transport=_RecordingTransport())
        handler.ws = conn.ws
        return conn

    def test_several_small_messages_pause_reading_for_a_tick(self):
        conn = self.connection()
        conn._ws_data(encode_frame(0x1, b"a") + encode_frame(0x1, b"b"))
        assert conn.transport.writes == [b"\x81\x01a\x81\x01b"]  # replies are not delayed
        assert not conn.transport.reading
        [(delay, handle)] = conn.server.loop.timers
        assert delay == ws_phase._COALESCE_DELAY
        handle.fire()
        assert conn.transport.reading and conn.coalesce_timer is None

    def test_a_lone_message_does_not_pause(self):
        conn = self.connection()
        conn._ws_data(encode_frame(0x1, b"a"))
        assert conn.transport.reading and conn.server.loop.timers == []

    def test_a_big_read_does_not_pause(self):
        # Reads this big mean the peer is ahead of us: batching happens without waiting.
        conn = self.connection()
        frames = b"".join(encode_frame(0x2, b"x" * 1000) for _ in range(70))
        conn._ws_data(frames)
        conn.server.loop.run_soon()  # (70 KB: more than one turn's share, see TestFairness)
        assert b"".join(conn.transport.writes) == (b"\x82\x7e\x03\xe8" + b"x" * 1000) * 70
        assert conn.transport.reading and conn.server.loop.timers == []

    def test_a_flood_in_one_read_is_handed_over_in_turns(self):
        # One read holding 200 KB of messages: the handler gets about 64 KiB per loop turn, and
        # reading stays paused until the rest has been handed over, in order.
        conn = self.connection()
        got = []
        conn.handler = types.SimpleNamespace(on_message=got.append)
        conn._ws_data(b"".join(encode_frame(0x2, bytes([i]) * 10_000) for i in range(20)))
        assert len(got) == 7 and not conn.transport.reading  # 7 x 10,000 > 64 KiB
        callback, args = conn.server.loop.soon.pop(0)
        callback(*args)
        assert len(got) == 14 and not conn.transport.reading
        conn.server.loop.run_soon()
        assert [m[0] for m in got] == list(range(20)) and conn.transport.reading

    def test_a_close_in_the_batch_is_not_split_from_its_messages(self):
        conn = self.connection()
        got = []
        conn.handler = types.SimpleNamespace(on_message=got.append, on_close=lambda *a: None)
        conn.transport.close = lambda: None  # the closing handshake ends with a close
        conn._ws_data(b"".join(encode_frame(0x2, b"m" * 10_000) for _ in range(20))
                      + encode_frame(0x8, b"\x03\xe8"))
        assert len(got) == 20 and conn.server.loop.soon == []

    def test_other_pauses_are_kept(self):
        # Backpressure still holds reading paused when the coalescing tick ends.
        conn = self.connection()
        conn._ws_data(encode_frame(0x1, b"a") + encode_frame(0x1, b"b"))
        conn.pause_writing()
        conn.server.loop.timers[0][1].fire()
        assert not conn.transport.reading
        conn.resume_writing()
        assert conn.transport.reading

    def test_connection_lost_cancels_the_tick(self):
        conn = self.connection()
        conn._ws_data(encode_frame(0x1, b"a") + encode_frame(0x1, b"b"))
        handle = conn.coalesce_timer
        conn.connection_lost(None)
        assert handle.was_cancelled and conn.coalesce_timer is None

    def test_streamed_messages_all_arrive(self, server):
        client = WSClient(server)
        for batch in range(4):
            client.sock.sendall(b"".join(encode_frame(0x1, f"{batch}-{i}".encode())
                                         for i in range(300)))
        for batch in range(4):
            for i in range(300):
                assert client.recv_message() == (0x1, f"{batch}-{i}".encode())
        client.close_socket()

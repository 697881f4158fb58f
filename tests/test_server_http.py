"""The asyncio server's HTTP/1.1 side over real sockets: keep-alive, pipelining, HEAD, every error
status, app errors, and isolation between connections (the timeouts against slow clients are
tested on a fake clock in test_server_timers.py)."""
import asyncio
import logging
import socket

import pytest

from pywebio_lite.protocol.http import Response
from pywebio_lite.server import Server

from test_server_support import HttpReader, connect, http_exchange, running


class EchoPathApp:
    """Answers with the method, path and body it got; a few paths misbehave on purpose."""

    def __init__(self):
        self.seen = []

    async def handle_request(self, request):
        self.seen.append(request)
        if request.path == "/slow":
            for _ in range(20):
                await asyncio.sleep(0)  # yield to the loop a few times, then answer
        if request.path == "/boom":
            raise RuntimeError("app bug")
        if request.path == "/notaresponse":
            return "oops"
        if request.path == "/badheader":
            return Response(200, [("X-A", "a\r\nInjected: 1")], b"")
        if request.path == "/close":
            return Response.text(200, "bye", headers=[("Connection", "close")])
        body = f"{request.method} {request.path} {request.query_string} ".encode() + request.body
        return Response(200, [("Content-Type", "text/plain")], body)

    def handle_websocket(self, request):
        return Response.text(404, "no websockets here")


class SyncApp(EchoPathApp):
    """handle_request may also be a plain function returning a Response."""

    def handle_request(self, request):
        if request.path == "/boom":
            raise RuntimeError("sync bug")
        return Response.text(200, "sync " + request.path)


@pytest.fixture
def app():
    return EchoPathApp()


@pytest.fixture
def server(app):
    with running(app, header_timeout=5.0, keepalive_timeout=5.0) as srv:
        yield srv


def get(path="/", extra=b""):
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: t\r\n" + extra + b"\r\n"


class TestBasics:
    def test_get(self, server):
        status, headers, body = http_exchange(server, get("/hello?x=1"))
        assert status == 200
        assert body == b"GET /hello x=1 "
        assert headers["content-length"] == str(len(body))
        assert headers["date"].endswith(" GMT")

    def test_post_body(self, server):
        status, _, body = http_exchange(
            server, b"POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        assert (status, body) == (200, b"POST /u  hello")

    def test_chunked_post(self, server):
        status, _, body = http_exchange(
            server, b"POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        assert (status, body) == (200, b"POST /c  abcde")

    def test_remote_is_set(self, server, app):
        http_exchange(server, get())
        assert app.seen[0].remote[0] == "127.0.0.1"

    def test_sync_handle_request(self):
        with running(SyncApp()) as srv:
            assert http_exchange(srv, get("/s"))[2] == b"sync /s"
            assert http_exchange(srv, get("/boom"))[0] == 500

    def test_expect_100_continue(self, server):
        with connect(server) as sock:
            sock.sendall(b"POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                         b"Expect: 100-continue\r\n\r\n")
            reader = HttpReader(sock)
            assert reader.read_until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(b"data")
            assert reader.read_response()[2] == b"POST /e  data"

    def test_expect_100_continue_too_large_gets_413(self):
        with running(EchoPathApp(), max_body=10) as srv:
            status, _, _ = http_exchange(
                srv, b"POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n"
                     b"Expect: 100-continue\r\n\r\n")
            assert status == 413


class TestKeepAlive:
    """RFC 9112 §9.3: persistent connections, pipelining in order, HEAD."""

    def test_two_requests_one_connection(self, server):
        with connect(server) as sock:
            reader = HttpReader(sock)
            sock.sendall(get("/1"))
            assert reader.read_response()[2] == b"GET /1  "
            sock.sendall(get("/2"))
            assert reader.read_response()[2] == b"GET /2  "

    def test_pipelined_in_order(self, server):
        paths = ["/slow", "/a", "/slow", "/b"] * 5
        with connect(server) as sock:
            sock.sendall(b"".join(get(p) for p in paths))
            reader = HttpReader(sock)
            bodies = [reader.read_response()[2] for _ in paths]
        assert bodies == [f"GET {p}  ".encode() for p in paths]

    def test_many_pipelined_requests(self, server):
        # More than the server's pipeline queue: it pauses reading and still answers all.
        paths = [f"/{i}" for i in range(60)]
        with connect(server) as sock:
            sock.sendall(b"".join(get(p) for p in paths))
            reader = HttpReader(sock)
            bodies = [reader.read_response()[2] for _ in paths]
        assert bodies == [f"GET {p}  ".encode() for p in paths]

    def test_pipeline_queue_is_bounded(self, server, monkeypatch):
        # 2000 tiny requests in one write: answered in order, while at most a handful are
        # parsed ahead of the one being served (the rest wait as bytes, reading paused).
        from pywebio_lite.server import connection

        longest = []
        original = connection.Connection._next_request

        def spy(self):
            longest.append(len(self.queue))
            original(self)

        monkeypatch.setattr(connection.Connection, "_next_request", spy)
        paths = [f"/{i}" for i in range(2000)]
        with connect(server) as sock:
            sock.sendall(b"".join(get(p) for p in paths))
            reader = HttpReader(sock)
            bodies = [reader.read_response()[2] for _ in paths]
        assert bodies == [f"GET {p}  ".encode() for p in paths]
        assert max(longest) <= connection.MAX_PIPELINE + 1

    def test_head(self, server):
        with connect(server) as sock:
            reader = HttpReader(sock)
            sock.sendall(b"HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after"))
            status, headers, _ = reader.read_response(head=True)
            assert status == 200 and headers["content-length"] == str(len(b"HEAD /h  "))
            # No body was sent: the next response follows right after the head.
            assert reader.read_response()[2] == b"GET /after  "

    def test_connection_close(self, server):
        with connect(server) as sock:
            sock.sendall(get("/x", b"Connection: close\r\n") + get("/ignored"))
            reader = HttpReader(sock)
            status, headers, _ = reader.read_response()
            assert headers["connection"] == "close"
            assert reader.at_eof()

    def test_app_asks_to_close(self, server):
        with connect(server) as sock:
            sock.sendall(get("/close"))
            reader = HttpReader(sock)
            assert reader.read_response()[2] == b"bye"
            assert reader.at_eof()

    def test_http10_closes(self, server):
        with connect(server) as sock:
            sock.sendall(b"GET /old HTTP/1.0\r\n\r\n")
            reader = HttpReader(sock)
            status, headers, body = reader.read_response()
            assert headers["connection"] == "close" and body == b"GET /old  "
            assert reader.at_eof()

    def test_http10_keep_alive(self, server):
        with connect(server) as sock:
            reader = HttpReader(sock)
            sock.sendall(b"GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            assert reader.read_response()[1]["connection"] == "keep-alive"
            sock.sendall(b"GET /2 HTTP/1.0\r\n\r\n")
            assert reader.read_response()[2] == b"GET /2  "

    def test_half_close_still_answered(self, server):
        with connect(server) as sock:
            sock.sendall(get("/slow"))
            sock.shutdown(socket.SHUT_WR)
            reader = HttpReader(sock)
            assert reader.read_response()[2] == b"GET /slow  "
            assert reader.at_eof()

    def test_unknown_upgrade_is_plain_http(self, server):
        with connect(server) as sock:
            sock.sendall(get("/h2", b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                    b"HTTP2-Settings: AAMAAABkAAQAAP__\r\n") + get("/next"))
            reader = HttpReader(sock)
            assert reader.read_response()[2] == b"GET /h2  "
            assert reader.read_response()[2] == b"GET /next  "


class TestErrors:
    """Bad requests get a short text answer, one log line, and the connection is closed."""

    CASES = [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),                                    # no Host
        (b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        (b"BREW / HTTP/1.1\r\nHost: t\r\n\r\n", 501),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: t\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n", 400),
    ]

    @pytest.mark.parametrize("raw,status", CASES)
    def test_status_and_close(self, server, raw, status):
        with connect(server) as sock:
            sock.sendall(raw)
            reader = HttpReader(sock)
            got, headers, body = reader.read_response()
            assert got == status
            assert headers["connection"] == "close"
            assert headers["content-type"] == "text/plain; charset=utf-8"
            assert body and len(body) < 100
            assert reader.at_eof()
        # ... and the server goes on serving everyone else.
        assert http_exchange(server, get("/still-alive"))[0] == 200

    def test_one_log_line(self, server, caplog):
        with caplog.at_level(logging.INFO, logger="pywebio_lite.server"):
            with connect(server) as sock:
                sock.sendall(b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")
                HttpReader(sock).read_to_eof()
        lines = [r for r in caplog.records if r.name == "pywebio_lite.server"]
        assert len(lines) == 1 and "505" in lines[0].getMessage()
        assert "127.0.0.1" in lines[0].getMessage()

    def test_error_after_good_pipelined_requests(self, server):
        with connect(server) as sock:
            sock.sendall(get("/ok") + b"BAD REQUEST LINE\r\n\r\n")
            reader = HttpReader(sock)
            assert reader.read_response()[0] == 200
            assert reader.read_response()[0] == 400
            assert reader.at_eof()


class TestAppErrors:
    """An exception in the app is a 500 with a logged traceback; the connection survives."""

    def test_exception_is_500_and_connection_survives(self, server, caplog):
        with caplog.at_level(logging.ERROR, logger="pywebio_lite.server"):
            with connect(server) as sock:
                reader = HttpReader(sock)
                sock.sendall(get("/boom"))
                status, _, body = reader.read_response()
                assert status == 500 and b"app bug" not in body
                sock.sendall(get("/after"))
                assert reader.read_response()[2] == b"GET /after  "
        assert any(r.exc_info and "app bug" in str(r.exc_info[1]) for r in caplog.records)

    def test_not_a_response_is_500(self, server):
        assert http_exchange(server, get("/notaresponse"))[0] == 500

    def test_header_injection_is_500(self, server):
        status, headers, _ = http_exchange(server, get("/badheader"))
        assert status == 500 and "injected" not in headers


class TestIsolation:
    """A misbehaving client never holds up another one."""

    def test_stalled_client_does_not_block_others(self, server):
        stalled = connect(server)
        try:
            stalled.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nab")
            garbage = connect(server)
            garbage.sendall(b"\x00\xff" * 100)
            for i in range(5):
                assert http_exchange(server, get(f"/{i}"))[2] == f"GET /{i}  ".encode()
            assert HttpReader(garbage).read_response()[0] == 400
            garbage.close()
        finally:
            stalled.close()


class TestServerObject:
    """Construction checks and lifecycle."""

    class App:
        async def handle_request(self, request):
            return Response.text(200, "ok")

        def handle_websocket(self, request):
            return Response.text(404, "no")

    def test_app_must_have_both_methods(self):
        with pytest.raises(TypeError, match="app"):
            Server(object())

    @pytest.mark.parametrize("kw,name", [({"port": -1}, "port"), ({"port": 70000}, "port"),
                                         ({"ping_interval": -1}, "ping_interval"),
                                         ({"max_body": "1M"}, "max_body"),
                                         ({"high_water": 10, "low_water": 20}, "low_water"),
                                         ({"header_timeout": None}, "header_timeout")])
    def test_bad_arguments_name_themselves(self, kw, name):
        with pytest.raises(ValueError, match=name):
            Server(self.App(), **kw)

    def test_port_zero_picks_a_port(self):
        server = Server(self.App(), port=0)
        host, port = server.start_in_thread()
        try:
            assert host == "127.0.0.1" and port > 0 and server.port == port
            assert http_exchange(server, get())[0] == 200
            assert server.url == f"http://127.0.0.1:{port}"
        finally:
            server.stop_thread()

    def test_all_interfaces(self):
        server = Server(self.App(), host="", port=0)
        server.start_in_thread()
        try:
            assert http_exchange(server, get())[0] == 200
        finally:
            server.stop_thread()

    def test_stop_closes_idle_keep_alive_connections(self):
        server = Server(self.App(), port=0)
        server.start_in_thread()
        sock = connect(server)
        reader = HttpReader(sock)
        sock.sendall(get())
        assert reader.read_response()[0] == 200
        server.stop_thread()
        assert reader.at_eof()
        sock.close()
        with pytest.raises(OSError):
            connect(server).close()

    def test_port_in_use(self):
        blocker = socket.create_server(("127.0.0.1", 0))
        try:
            port = blocker.getsockname()[1]

            async def main():
                server = Server(self.App(), port=port)
                with pytest.raises(OSError):
                    await server.start()
                await server.close()  # returns at once: nothing was started
                return server

            assert not asyncio.run(main()).connections
            with pytest.raises(OSError):
                Server(self.App(), port=port).start_in_thread()
        finally:
            blocker.close()

    def test_close_is_idempotent(self):
        async def main():
            server = Server(self.App(), port=0)
            await server.start()
            await server.close()
            await server.close()
            return server

        server = asyncio.run(main())
        assert server.closing and not server.connections

    def test_serve_forever_returns_after_close(self):
        async def main():
            server = Server(self.App(), port=0)
            task = asyncio.ensure_future(server.serve_forever())
            while not server.sockets:
                await asyncio.sleep(0)
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(get())
            line = await reader.readline()
            writer.close()
            await server.close()
            await task
            return line

        assert asyncio.run(main()).startswith(b"HTTP/1.1 200 ")

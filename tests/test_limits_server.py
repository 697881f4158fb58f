"""The server against hostile clients: slow request bodies (deadline and minimum rate, on a fake
clock and over a real socket), bodies no route takes refused before they are read, connection caps
overall and per address, accept() failures logged once, the text-message limit."""
import asyncio
import logging
import os
import socket
import subprocess
import sys
import textwrap
import threading

import pytest

from pywebio_lite.platform.server import make_server
from pywebio_lite.protocol.http import BodyDeadline
from pywebio_lite.protocol.websocket import Message, WebSocketProtocol
from pywebio_lite.server import Server
from pywebio_lite.server.core import FD_RESERVE, default_max_connections

from test_server_http import EchoPathApp
from test_server_support import HttpReader, OneHandlerApp, WSClient, connect, encode_frame, running

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestBodyDeadline:
    """Pure: times are passed in."""

    def test_on_time_body_passes(self):
        d = BodyDeadline(100.0, timeout=60, min_rate=1000, grace=5)
        assert d.check(104.9) is None
        d.add(50_000)
        assert d.check(140.0) is None  # 50,000 bytes in 40 s beats 1,000 B/s

    def test_trickle_is_too_slow_after_the_grace(self):
        d = BodyDeadline(0.0, timeout=60, min_rate=1000, grace=5)
        for second in range(1, 6):
            d.add(1)  # one byte a second: each byte does not restart any clock
            if second < 5:
                assert d.check(float(second)) is None
        assert d.check(5.0) == "request body too slow"

    def test_total_deadline_even_at_a_good_rate(self):
        d = BodyDeadline(0.0, timeout=60, min_rate=1000, grace=5)
        d.add(10**9)
        assert d.check(59.99) is None
        assert d.check(60.0) == "request body timeout"

    def test_rate_rule_off(self):
        d = BodyDeadline(0.0, timeout=60, min_rate=0)
        assert d.check(59.0) is None and d.check(60.0) == "request body timeout"
        assert d.next_check(0.0) == 60.0

    def test_next_check_is_when_the_body_can_fall_behind(self):
        d = BodyDeadline(0.0, timeout=60, min_rate=1000, grace=5)
        assert d.next_check(0.0) == 5.0   # nothing can be late before the grace ends
        d.add(20_000)                      # enough for 20 s at the minimum rate
        assert d.next_check(5.0) == 15.0
        assert d.check(19.99) is None and d.check(20.01) == "request body too slow"
        d.add(10**9)
        assert d.next_check(20.0) == 40.0  # then only the total deadline is left

    def test_next_check_is_never_zero(self):
        d = BodyDeadline(0.0, timeout=1, min_rate=0)
        assert d.next_check(5.0) > 0


def post_head(length: int, path: str = "/", extra: bytes = b"") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {length}\r\n".encode()
            + extra + b"\r\n")


class TestSlowBodyOverASocket:
    def test_a_trickled_body_is_refused_by_the_rate_rule(self):
        with running(EchoPathApp(), body_timeout=3600, min_body_rate=1000,
                     body_rate_grace=0.3) as srv:
            with connect(srv) as sock:
                sock.sendall(post_head(1_000_000) + b"x")
                stop = threading.Event()

                def trickle():  # one byte every 20 ms (pacing only, not synchronisation)
                    while not stop.wait(0.02):
                        try:
                            sock.sendall(b"x")
                        except OSError:
                            return

                thread = threading.Thread(target=trickle, daemon=True)
                thread.start()
                try:
                    reader = HttpReader(sock)
                    status, headers, body = reader.read_response()
                    assert status == 408 and body == b"request body too slow\n"
                    assert headers["connection"] == "close"
                    assert reader.at_eof()
                finally:
                    stop.set()
                    thread.join()

    def test_a_fast_body_is_served(self):
        with running(EchoPathApp(), min_body_rate=1000, body_rate_grace=0.3) as srv:
            with connect(srv) as sock:
                sock.sendall(post_head(200_000) + b"y" * 200_000)
                status, _, body = HttpReader(sock).read_response()
                assert status == 200 and body.endswith(b"y" * 1000)


@pytest.fixture
def webio():
    def app():
        pass
    server = make_server(app, host="127.0.0.1", port=0)
    server.start_in_thread()
    yield server
    server.stop_thread()


class TestBodiesNoRouteTakes:
    def test_post_is_refused_with_405_before_the_body(self, webio):
        with connect(webio) as sock:
            sock.sendall(post_head(1_000_000))  # and not one byte of the body
            reader = HttpReader(sock)
            status, headers, _ = reader.read_response()
            assert status == 405 and headers["allow"] == "GET, HEAD"
            assert headers["connection"] == "close" and reader.at_eof()

    def test_get_with_a_body_is_413(self, webio):
        with connect(webio) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 500000\r\n\r\n")
            reader = HttpReader(sock)
            assert reader.read_response()[0] == 413 and reader.at_eof()

    def test_chunked_body_is_refused_too(self, webio):
        with connect(webio) as sock:
            sock.sendall(b"PUT /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            reader = HttpReader(sock)
            assert reader.read_response()[0] == 405 and reader.at_eof()

    def test_no_100_continue_for_a_refused_body(self, webio):
        with connect(webio) as sock:
            sock.sendall(post_head(10, extra=b"Expect: 100-continue\r\n"))
            status, _, _ = HttpReader(sock).read_response()
            assert status == 405

    def test_refusal_keeps_the_order_of_pipelined_answers(self, webio):
        with connect(webio) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" + post_head(1_000_000))
            reader = HttpReader(sock)
            assert reader.read_response()[0] == 200
            assert reader.read_response()[0] == 405
            assert reader.at_eof()

    def test_an_app_without_refuse_body_reads_bodies(self):
        with running(EchoPathApp()) as srv:
            with connect(srv) as sock:
                sock.sendall(post_head(3) + b"abc")
                assert HttpReader(sock).read_response()[2].endswith(b"abc")


def refused(sock) -> tuple:
    reader = HttpReader(sock)
    status, headers, body = reader.read_response()
    return status, headers, body, reader.at_eof()


class TestConnectionCaps:
    def test_per_address_cap(self):
        with running(EchoPathApp(), max_connections_per_ip=2) as srv:
            a, b = connect(srv), connect(srv)
            for s in (a, b):  # both served
                s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                assert HttpReader(s).read_response()[0] == 200
            with connect(srv) as c:
                status, headers, body, eof = refused(c)
                assert status == 503 and headers["retry-after"] == "5" and eof
                assert body == b"too many connections from this address\n"
            gone = threading.Event()
            done = srv.connection_done

            def counted_out(conn):
                done(conn)
                if not srv.per_ip:
                    gone.set()

            srv.connection_done = counted_out
            a.close()
            b.close()
            gone.wait()  # a new connection is admitted once the others have gone
            with connect(srv) as d:
                d.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                assert HttpReader(d).read_response()[0] == 200
            assert srv.refused_connections == 1

    def test_overall_cap(self):
        with running(EchoPathApp(), max_connections=3, max_connections_per_ip=None) as srv:
            held = [connect(srv) for _ in range(3)]
            for s in held:
                s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                assert HttpReader(s).read_response()[0] == 200
            with connect(srv) as extra:
                status, _, body, eof = refused(extra)
                assert status == 503 and body == b"too many connections\n" and eof
            for s in held:
                s.close()

    def test_refusals_are_logged_with_a_limit(self, caplog):
        with running(EchoPathApp(), max_connections_per_ip=1) as srv:
            with connect(srv) as keep, caplog.at_level(logging.INFO, "pywebio_lite.server"):
                keep.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                HttpReader(keep).read_response()
                for _ in range(60):
                    with connect(srv) as s:
                        assert refused(s)[0] == 503
        lines = [r for r in caplog.records if "refused a connection" in r.getMessage()]
        assert len(lines) == srv.client_log.burst

    def test_default_cap_follows_the_fd_limit(self):
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert default_max_connections() == max(soft - FD_RESERVE, 16)
        assert Server(EchoPathApp()).max_connections == default_max_connections()

    @pytest.mark.parametrize("kw", [{"max_connections": 0}, {"max_connections_per_ip": -1},
                                    {"max_connections": 2.5}, {"min_body_rate": -1},
                                    {"body_rate_grace": "1"}, {"max_text_message_size": 0}])
    def test_bad_arguments_name_themselves(self, kw):
        with pytest.raises(ValueError, match=next(iter(kw))):
            Server(EchoPathApp(), **kw)


class TestAcceptErrors:
    CONTEXT = {"message": "socket.accept() out of system resource",
               "exception": OSError(24, "Too many open files")}

    def test_one_line_for_many_failed_accepts(self, caplog):
        with running(EchoPathApp()) as srv, caplog.at_level(logging.DEBUG):
            done = threading.Event()

            def report():
                for _ in range(50):
                    srv.loop.call_exception_handler(dict(self.CONTEXT))
                done.set()

            srv.loop.call_soon_threadsafe(report)
            done.wait()
            assert srv.accept_errors == 50
        lines = [r for r in caplog.records if "cannot accept" in r.getMessage()]
        assert len(lines) == 1 and lines[0].exc_info is None
        assert "Too many open files" in lines[0].getMessage()

    def test_other_reports_reach_the_previous_handler(self):
        seen = []

        async def main():
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(lambda loop, ctx: seen.append(ctx["message"]))
            server = Server(EchoPathApp(), host="127.0.0.1")
            await server.start()
            loop.call_exception_handler({"message": "something else"})
            loop.call_exception_handler(dict(self.CONTEXT))
            await server.close()
            restored = loop.get_exception_handler()
            restored(loop, {"message": "after close"})

        asyncio.run(main())
        assert seen == ["something else", "after close"]

    def test_out_of_file_descriptors_for_real(self):
        """A server process with few fds and no connection cap: clients exhaust its fds; it logs
        one line (no traceback), and serves again once they have gone."""
        script = textwrap.dedent("""
            import logging, resource, sys
            logging.basicConfig(stream=sys.stderr, level=logging.INFO)
            from pywebio_lite.protocol.http import Response
            from pywebio_lite.server import Server
            class App:
                async def handle_request(self, request):
                    return Response.text(200, "ok")
                def handle_websocket(self, request):
                    return Response.text(404, "no")
            server = Server(App(), host="127.0.0.1", port=0, max_connections=10_000,
                            max_connections_per_ip=None)
            def started(server):
                import os
                used = len(os.listdir("/proc/self/fd"))
                resource.setrlimit(resource.RLIMIT_NOFILE, (used + 10, resource.getrlimit(
                    resource.RLIMIT_NOFILE)[1]))
                print(server.port, flush=True)
            server.run(on_start=started)
        """)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, PYTHONPATH=ROOT))
        try:
            port = int(proc.stdout.readline())
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
            lines = []
            while True:  # the server reports running out of fds (blocking read of its log)
                line = proc.stderr.readline()
                assert line, "server exited"
                lines.append(line)
                if "cannot accept connections" in line:
                    break
            for c in clients:
                c.close()
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.settimeout(30)
                s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                assert HttpReader(s).read_response()[0] == 200
        finally:
            proc.terminate()
            _, err = proc.communicate()
        log = "".join(lines) + err
        assert log.count("cannot accept connections") == 1
        assert "Traceback" not in log and "Errno 24" in log


class TestTextMessageLimit:
    def test_text_over_its_limit_is_1009_binary_of_the_same_size_passes(self):
        app = OneHandlerApp()
        with running(app, ping_interval=None, max_message_size=100_000,
                     max_text_message_size=1000) as srv:
            client = WSClient(srv)
            client.send_binary(b"b" * 5000)
            assert client.recv_message() == (0x2, b"b" * 5000)
            client.send_text("t" * 1000)
            assert client.recv_message() == (0x1, b"t" * 1000)
            client.send_text("t" * 1001)
            assert client.recv_close()[0] == 1009

    def test_fragmented_text_counts_its_fragments(self):
        proto = WebSocketProtocol(max_message_size=10_000, max_text_size=100)
        data = (encode_frame(0x1, b"a" * 60, fin=False) + encode_frame(0x0, b"a" * 60))
        proto.receive_data(data)
        assert proto.sent_close_code == 1009

    def test_default_text_limit_is_the_message_limit(self):
        proto = WebSocketProtocol(max_message_size=50)
        events = proto.receive_data(encode_frame(0x1, b"a" * 50))
        assert events == [Message("a" * 50)] or [e.data for e in events] == ["a" * 50]

    def test_start_server_defaults(self):
        server = make_server(lambda: None, host="127.0.0.1", port=0)
        assert server.max_message_size == 200 * 1024 * 1024
        assert server.max_text_message_size == 1024 * 1024

    def test_text_limit_never_exceeds_the_message_limit(self):
        assert Server(EchoPathApp(), max_message_size=10,
                      max_text_message_size=1000).max_text_message_size == 10

"""Server.run() and bench/ws_echo.py in a subprocess: SIGINT / SIGTERM give a clean shutdown
(WebSockets closed with 1001, exit code 0, no traceback). Also: reading pauses while the
server's own output is backed up, so a client that never reads cannot grow our buffers, and
accepted sockets have Nagle's algorithm off."""
import asyncio
import pathlib
import signal
import socket
import subprocess
import sys
import threading

import pytest

from test_server_support import (
    SAFETY_TIMEOUT, OneHandlerApp, WSClient, connect, encode_frame, running,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from pywebio_lite.protocol.http import Response
from pywebio_lite.server import Server, WebSocketHandler

class Echo(WebSocketHandler):
    def on_open(self, ws):
        self.ws = ws
    def on_message(self, data):
        self.ws.send(data)
    def on_close(self, code, reason):
        print("on_close", code, flush=True)

class App:
    async def handle_request(self, request):
        return Response.text(200, "ok")
    def handle_websocket(self, request):
        return Echo()

Server(App(), port=0).run(on_start=lambda s: print(s.port, flush=True))
print("run returned", flush=True)
"""


class _Port:
    def __init__(self, port):
        self.port = port


def _start(args):
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_stops_cleanly_on_signal(sig):
    proc = _start([sys.executable, "-c", SCRIPT])
    try:
        port = int(proc.stdout.readline())
        client = WSClient(_Port(port))
        client.send_text("hi")
        assert client.recv_message() == (0x1, b"hi")
        proc.send_signal(sig)
        assert client.recv_close() == (1001, "server shutting down")
        client.send_close(1001)
        assert client.reader.at_eof()
        out, err = proc.communicate(timeout=SAFETY_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.splitlines() == ["on_close 1001", "run returned"]


def test_run_with_port_in_use_fails_instead_of_hanging():
    blocker = socket.create_server(("127.0.0.1", 0))
    try:
        script = SCRIPT.replace("Server(App(), port=0)",
                                f"Server(App(), port={blocker.getsockname()[1]})")
        proc = _start([sys.executable, "-c", script])
        try:
            out, err = proc.communicate(timeout=SAFETY_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode != 0 and "Address already in use" in err
    finally:
        blocker.close()


def test_ws_echo_bench_server():
    proc = _start([sys.executable, "bench/ws_echo.py", "--port", "0"])
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on ws://127.0.0.1:")
        client = WSClient(_Port(int(line.rsplit(":", 1)[1])))
        assert client.status == 101
        client.send_text("text stays text")
        assert client.recv_message() == (0x1, b"text stays text")
        client.send_binary(b"\x00binary")
        assert client.recv_message() == (0x2, b"\x00binary")
        big = bytes(range(256)) * 8192  # 2 MiB: over the library default, under the echo's
        client.send_binary(big)
        assert client.recv_message() == (0x2, big)
        client.send_close(1000)
        assert client.recv_close()[0] == 1000
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=SAFETY_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0 and "Traceback" not in err


def test_reading_pauses_while_output_is_backed_up(monkeypatch):
    """An echo client that sends without reading: once the server's output is over high water
    it stops reading from that client instead of buffering echoes without bound."""
    from pywebio_lite.server import stream, websocket

    paused = threading.Event()
    original = websocket.WebSocketConnection._pause_reading

    def spy(self, why):
        if why == stream.PAUSE_WRITE:
            paused.set()
        original(self, why)

    monkeypatch.setattr(websocket.WebSocketConnection, "_pause_reading", spy)
    app = OneHandlerApp()
    with running(app, ping_interval=None, high_water=64 * 1024, low_water=16 * 1024) as srv:
        greedy = WSClient(srv)
        frame = encode_frame(0x2, b"e" * 65536)

        def flood():  # blocks for good once the server stops reading; ends when we close
            try:
                for _ in range(1024):  # 64 MiB, far more than both kernels' buffers
                    greedy.sock.sendall(frame)
            except OSError:
                pass

        sender = threading.Thread(target=flood, daemon=True)
        sender.start()
        assert paused.wait(SAFETY_TIMEOUT)

        async def buffered():
            return [c.transport.get_write_buffer_size() for c in srv.connections]

        sizes = asyncio.run_coroutine_threadsafe(buffered(), srv.loop).result(SAFETY_TIMEOUT)
        # Bounded by high water plus what one read could echo, not by what the client sent.
        assert max(sizes) < 2 << 20, sizes
        other = WSClient(srv)
        other.send_text("still served")
        assert other.recv_message() == (0x1, b"still served")
        greedy.sock.shutdown(socket.SHUT_RDWR)
        greedy.sock.close()
        sender.join()
        other.close_socket()
        app.handlers[0].wait("close")
    assert len(app.handlers[0].closes) == 1


def test_accepted_sockets_have_nagle_off():
    """TCP_NODELAY on every connection. asyncio sets it only when the socket's proto field is
    IPPROTO_TCP, which socket.create_server() leaves at 0; with Nagle on, the second of two small
    writes (the rest of a frame, the next message) waits for the peer's delayed ACK."""
    app = OneHandlerApp()
    with running(app, ping_interval=None) as srv:
        ws_client = WSClient(srv)
        with connect(srv) as http_client:
            http_client.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert http_client.recv(1024).startswith(b"HTTP/1.1 200")

            async def nodelay_flags():
                return [c.transport.get_extra_info("socket").getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in srv.connections]

            flags = asyncio.run_coroutine_threadsafe(nodelay_flags(), srv.loop).result(
                SAFETY_TIMEOUT)
            assert len(flags) == 2 and all(flags), flags
        ws_client.close_socket()

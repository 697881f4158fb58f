"""Helpers for the server tests: a server on a background loop, a raw-socket HTTP reader and a
hand-written WebSocket client that masks its own frames. (The few tests here check the helpers.)

Socket timeouts below are safety nets so a broken server fails a test instead of hanging it;
no test asserts on elapsed time.
"""
from __future__ import annotations

import base64
import contextlib
import os
import queue
import socket
import struct
import zlib

from pywebio_lite.protocol.http import Response
from pywebio_lite.server import Server, WebSocketHandler

SAFETY_TIMEOUT = 10.0


@contextlib.contextmanager
def running(app, **kw):
    """A Server for `app` on 127.0.0.1, port 0, in a background thread."""
    server = Server(app, host="127.0.0.1", port=0, **kw)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=SAFETY_TIMEOUT)
    sock.settimeout(SAFETY_TIMEOUT)
    return sock


class HttpReader:
    """Reads responses from a socket, byte-exact."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def read_until(self, marker: bytes) -> bytes:
        while marker not in self.buf:
            if not self._fill():
                raise EOFError(f"connection closed before {marker!r}; got {self.buf!r}")
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError(f"connection closed after {len(self.buf)} of {n} bytes")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, *, head: bool = False):
        """(status, headers {lower-name: value}, body). Body by Content-Length (none for HEAD)."""
        raw = self.read_until(b"\r\n\r\n")
        lines = raw[:-4].split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.decode().lower()] = value.strip().decode("latin-1")
        body = b""
        if not head and status >= 200 and status not in (204, 304):
            if "content-length" in headers:
                body = self.read_exact(int(headers["content-length"]))
            else:
                body = self.read_to_eof()
        return status, headers, body

    def read_to_eof(self) -> bytes:
        while self._fill():
            pass
        out, self.buf = self.buf, b""
        return out

    def at_eof(self) -> bool:
        """True if the server closed the connection with nothing more to read."""
        return self.read_to_eof() == b""


def http_exchange(server, raw: bytes, *, head: bool = False):
    """Send `raw` on a new connection and read one response."""
    with connect(server) as sock:
        sock.sendall(raw)
        return HttpReader(sock).read_response(head=head)


# -- WebSocket client -------------------------------------------------------------------------

def mask_payload(payload: bytes, mask: bytes) -> bytes:
    n = len(payload)
    if not n:
        return b""
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big")


def encode_frame(opcode: int, payload: bytes = b"", *, fin: bool = True, rsv: int = 0,
                 mask: bytes | None = b"\x37\xfa\x21\x3d") -> bytes:
    """One client frame (RFC 6455 §5.2), masked unless mask=None."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    mbit = 0x80 if mask is not None else 0
    if n < 126:
        head = struct.pack("!BB", b0, mbit | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if mask is None:
        return head + payload
    return head + mask + mask_payload(payload, mask)


WS_KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def handshake_request(path: str = "/ws", extra: bytes = b"", *, key: str = WS_KEY) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n").encode() + extra + b"\r\n"


class WSClient:
    """A minimal RFC 6455 client over a blocking socket; it never answers pings by itself."""

    def __init__(self, server, path: str = "/ws", extra: bytes = b"", after: bytes = b""):
        self.sock = connect(server)
        self.reader = HttpReader(self.sock)
        self.sock.sendall(handshake_request(path, extra) + after)
        self.status, self.headers, _ = self.reader.read_response(head=True)
        self.inflater = None

    def close_socket(self) -> None:
        self.sock.close()

    def send_frame(self, opcode: int, payload: bytes = b"", **kw) -> None:
        self.sock.sendall(encode_frame(opcode, payload, **kw))

    def send_text(self, text: str) -> None:
        self.send_frame(0x1, text.encode())

    def send_binary(self, data: bytes) -> None:
        self.send_frame(0x2, data)

    def send_close(self, code: int | None = 1000, reason: str = "") -> None:
        payload = b"" if code is None else struct.pack("!H", code) + reason.encode()
        self.send_frame(0x8, payload)

    def recv_frame(self):
        """(fin, rsv1, opcode, payload) of the next server frame (which must be unmasked)."""
        b0, b1 = self.reader.read_exact(2)
        assert not b1 & 0x80, "server frames must not be masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.reader.read_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.reader.read_exact(8))[0]
        payload = self.reader.read_exact(n)
        return bool(b0 & 0x80), bool(b0 & 0x40), b0 & 0x0F, payload

    def recv_message(self):
        """The next data message as (opcode, payload), inflating compressed ones."""
        fin, rsv1, opcode, payload = self.recv_frame()
        assert fin and opcode in (1, 2), (fin, opcode, payload)
        if rsv1:
            if self.inflater is None:
                self.inflater = zlib.decompressobj(wbits=-15)
            payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
        return opcode, payload

    def recv_close(self):
        """Read frames until a close frame; return (code, reason) (None, "" if empty)."""
        while True:
            _, _, opcode, payload = self.recv_frame()
            if opcode == 0x8:
                if not payload:
                    return None, ""
                return struct.unpack("!H", payload[:2])[0], payload[2:].decode()


class Recorder(WebSocketHandler):
    """A handler that echoes and records every callback into a queue (thread-safe)."""

    def __init__(self, events: queue.Queue | None = None, echo: bool = True):
        self.events = events if events is not None else queue.Queue()
        self.echo = echo
        self.ws = None
        self.closes = []

    def on_open(self, ws):
        self.ws = ws
        self.events.put(("open", ws))

    def on_message(self, data):
        self.events.put(("message", data))
        if self.echo:
            self.ws.send(data)

    def on_close(self, code, reason):
        self.closes.append((code, reason))
        self.events.put(("close", code, reason))

    def wait(self, kind: str):
        """The next recorded event of `kind` (others are skipped)."""
        while True:
            event = self.events.get(timeout=SAFETY_TIMEOUT)
            if event[0] == kind:
                return event


class OneHandlerApp:
    """Upgrades every WebSocket request to `handler`; answers HTTP with a small text."""

    def __init__(self, handler_factory=Recorder):
        self.handler_factory = handler_factory
        self.handlers = []

    async def handle_request(self, request):
        return Response.text(200, "hello")

    def handle_websocket(self, request):
        handler = self.handler_factory()
        self.handlers.append(handler)
        return handler


# -- checks of the helpers themselves ----------------------------------------------------------

class TestHelpers:
    def test_mask_roundtrip(self):
        data = os.urandom(1001)
        mask = b"\x01\x02\x03\x04"
        assert mask_payload(mask_payload(data, mask), mask) == data

    def test_encode_frame_rfc_example(self):
        # RFC 6455 §5.7: a single-frame masked text message "Hello".
        frame = encode_frame(0x1, b"Hello", mask=b"\x37\xfa\x21\x3d")
        assert frame == b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"

    def test_encode_frame_lengths(self):
        assert encode_frame(0x2, b"x" * 256, mask=None)[:4] == b"\x82\x7e\x01\x00"
        assert encode_frame(0x2, b"x" * 65536, mask=None)[:10] == b"\x82\x7f" + (65536).to_bytes(8, "big")

    def test_key_is_16_bytes(self):
        assert len(base64.b64decode(WS_KEY)) == 16

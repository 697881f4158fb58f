"""The transport seam: QueuedTransport over a fake framework socket, and make_request."""

import asyncio

import pytest

from pywebio_lite.platform.transport import (ABNORMAL_CLOSURE, QueuedTransport, SocketClosed,
                                             make_request)


class FakeSocket:
    """A framework WebSocket: messages to receive come from a queue; what is sent is recorded."""

    def __init__(self):
        self.incoming = asyncio.Queue()
        self.sent = []
        self.closed_with = None
        self.gate = None  # an Event that send_* waits for (a slow network)

    async def send_text(self, data):
        if self.gate is not None:
            await self.gate.wait()
        self.sent.append(data)

    async def send_bytes(self, data):
        self.sent.append(data)

    async def close(self, code, reason):
        self.closed_with = (code, reason)
        self.incoming.put_nowait(SocketClosed(code, reason))

    async def receive(self):
        item = await self.incoming.get()
        if isinstance(item, BaseException):
            raise item
        return item


class Recorder:
    def __init__(self, on_open=None):
        self.events = []
        self._on_open = on_open

    def on_open(self, transport):
        self.transport = transport
        self.events.append("open")
        if self._on_open:
            self._on_open(transport)

    def on_message(self, data):
        self.events.append(("message", data))

    def on_close(self, code, reason):
        self.events.append(("close", code, reason))


def transport_for(sock, **kw):
    return QueuedTransport(sock.send_text, sock.send_bytes, sock.close, **kw)


def test_messages_reach_the_handler_and_frames_leave_in_order():
    async def main():
        sock = FakeSocket()
        handler = Recorder(on_open=lambda t: (t.send("a"), t.send(b"b"), t.send("c")))
        task = asyncio.ensure_future(transport_for(sock).serve(handler, sock.receive))
        sock.incoming.put_nowait("hello")
        sock.incoming.put_nowait(b"\x00\x01")
        for _ in range(100):  # let the writer task run (it needs a few loop turns)
            if len(sock.sent) == 3:
                break
            await asyncio.sleep(0)
        sock.incoming.put_nowait(SocketClosed(1001, "going away"))
        await task
        return sock, handler

    sock, handler = asyncio.run(main())
    assert handler.events == ["open", ("message", "hello"), ("message", b"\x00\x01"),
                              ("close", 1001, "going away")]
    assert sock.sent == ["a", b"b", "c"]


def test_close_sends_what_is_queued_then_closes_the_socket():
    async def main():
        sock = FakeSocket()
        handler = Recorder(on_open=lambda t: (t.send("last"), t.close(1000, "session ended")))
        await transport_for(sock).serve(handler, sock.receive)
        return sock, handler

    sock, handler = asyncio.run(main())
    assert sock.sent == ["last"]
    assert sock.closed_with == (1000, "session ended")
    assert handler.events[-1] == ("close", 1000, "session ended")


def test_back_pressure_writable_and_drain():
    async def main():
        sock = FakeSocket()
        sock.gate = asyncio.Event()
        transport = transport_for(sock, high_water=10)
        handler = Recorder()
        task = asyncio.ensure_future(transport.serve(handler, sock.receive))
        await asyncio.sleep(0)
        assert transport.writable
        transport.send("x" * 6)
        transport.send("y" * 6)
        assert not transport.writable  # 12 characters wait, over the mark of 10
        drained = asyncio.ensure_future(transport.drain())
        await asyncio.sleep(0)
        assert not drained.done()
        sock.gate.set()
        await drained
        assert transport.writable
        sock.incoming.put_nowait(SocketClosed(1000, ""))
        await task
        return sock

    sock = asyncio.run(main())
    assert sock.sent == ["x" * 6, "y" * 6]


def test_a_failing_receive_is_an_abnormal_closure_and_sends_stop():
    async def main():
        sock = FakeSocket()
        handler = Recorder()
        transport = transport_for(sock)
        task = asyncio.ensure_future(transport.serve(handler, sock.receive))
        sock.incoming.put_nowait(ConnectionResetError())
        await task
        transport.send("too late")
        assert transport.closed and not transport.writable
        return sock, handler

    sock, handler = asyncio.run(main())
    assert handler.events == ["open", ("close", ABNORMAL_CLOSURE, "")]
    assert sock.sent == []


def test_a_failing_send_ends_the_serve_loop_once_the_socket_reports_it():
    async def main():
        sock = FakeSocket()

        async def broken(data):
            sock.incoming.put_nowait(ConnectionResetError())
            raise ConnectionResetError

        handler = Recorder(on_open=lambda t: t.send("x"))
        transport = QueuedTransport(broken, broken, sock.close)
        await transport.serve(handler, sock.receive)
        return handler, transport

    handler, transport = asyncio.run(main())
    assert handler.events == ["open", ("close", ABNORMAL_CLOSURE, "")]
    assert transport.closed


def test_make_request_from_host_parts():
    request = make_request("get", "/a%20b", "app=x&session=NEW",
                           [(b"Host", b"example.com"), ("Origin", "http://example.com")],
                           remote="10.0.0.1")
    assert request.method == "GET"
    assert request.path == "/a b"
    assert request.query_arg("app") == "x"
    assert request.headers.get("host") == "example.com"
    assert request.remote == ("10.0.0.1", 0)
    assert make_request("GET", "").path == "/"
    assert make_request("POST", "/", headers={"Content-Type": "text/plain"}, body=b"hi").body == b"hi"


def test_make_request_refuses_non_string_headers():
    with pytest.raises(TypeError):
        make_request("GET", "/", headers=[("X", 1)])

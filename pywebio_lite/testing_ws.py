"""A small asyncio WebSocket client that plays a page over a real socket, for tests and benchmarks.

    client = await SessionClient.connect(port)               # a new session (session=NEW)
    form = await client.next_command("input_group")
    client.submit(form, "Ada")
    await client.next_command("output")
    client.abort()                                           # the network drops (no close frame)
    again = await SessionClient.connect(port, session=client.token, ack=client.last_seq)

It is built on the package's own sans-I/O `WebSocketProtocol` in client mode (no third-party
client), and makes the few app-protocol moves a browser makes (docs/protocol.md): it reads the
hello frame (the session's token, for a reconnect), acknowledges nothing by itself, answers a
form, clicks a button. Use it through a reverse proxy too (`path=` the proxy's prefix, `host=`).
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
from urllib.parse import quote

from .protocol.websocket import CloseReceived, Message, WebSocketProtocol

__all__ = ["SessionClient", "Closed", "run"]


def run(coro):
    """Run `coro` to its end on a new event loop, in a thread of its own, and return its result
    (or raise its exception). Unlike asyncio.run it works where the calling thread already runs
    a loop, as in a test that also drives Playwright's sync API."""
    import threading
    box: dict = {}

    def main():
        try:
            box["result"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001  (handed to the caller)
            box["error"] = exc
    thread = threading.Thread(target=main, name="pywebio_lite-testing-ws")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


class Closed(Exception):
    """The server refused or closed the connection (its close code or status line in args[0])."""


class SessionClient:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.proto = WebSocketProtocol(max_message_size=None, client=True)
        self.messages: list = []
        self.commands: list = []
        self.seq = 0
        self.last_seq = 0
        self.token: str | None = None
        self.close_code = None

    @classmethod
    async def connect(cls, port: int, app: str = "index", *, host: str = "127.0.0.1", path: str = "/",
                      session: str = "NEW", ack: int = 0, local_ip: str | None = None,
                      origin: bool = True) -> "SessionClient":
        """Open a session's socket: a new one, or (`session`, `ack`) a resumed one."""
        reader, writer = await asyncio.open_connection(
            host, port, local_addr=(local_ip, 0) if local_ip else None, limit=1 << 22)
        key = base64.b64encode(os.urandom(16)).decode()
        query = f"app={quote(app)}&session={quote(session)}" + (f"&ack={ack}" if session != "NEW" else "")
        head = (f"GET {path}?{query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if origin:
            head += f"Origin: http://{host}:{port}\r\n"
        writer.write((head + "\r\n").encode())
        response = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            writer.close()
            raise Closed(response.split(b"\r\n", 1)[0].decode(errors="replace"))
        client = cls(reader, writer)
        if session != "NEW":
            client.token = session
        return client

    async def _read(self) -> None:
        data = await self.reader.read(1 << 18)
        if not data:
            self.proto.receive_eof()
            raise Closed(self.close_code or 1006)
        for ev in self.proto.receive_data(data):
            if isinstance(ev, Message):
                self.messages.append(ev.data)
            elif isinstance(ev, CloseReceived):
                self.close_code = ev.code
        out = self.proto.data_to_send()
        if out:
            self.writer.write(out)

    def _take_messages(self) -> None:
        while self.messages:
            frame = json.loads(self.messages.pop(0))
            hello = frame.get("hello")
            if isinstance(hello, dict) and isinstance(hello.get("session"), str):
                self.token = hello["session"]
            self.last_seq = frame.get("seq", self.last_seq)
            self.commands.extend(frame.get("commands", ()))

    async def next_command(self, name: str) -> dict:
        """The next command called `name` (earlier ones of other names are dropped)."""
        while True:
            self._take_messages()
            for i, cmd in enumerate(self.commands):
                if cmd["command"] == name:
                    del self.commands[:i + 1]
                    return cmd
            self.commands.clear()
            await self._read()

    async def hello(self) -> str:
        """The session's token, from the hello frame (sent when reconnecting is on)."""
        while True:
            self._take_messages()
            if self.token is not None:
                return self.token
            await self._read()

    def send_text(self, text: str) -> None:
        self.proto.send_message(text)
        self.writer.write(self.proto.data_to_send())

    def send_binary(self, data: bytes) -> None:
        self.proto.send_message(data)
        self.writer.write(self.proto.data_to_send())

    def send_events(self, events: list) -> None:
        self.seq += 1
        self.send_text(json.dumps({"seq": self.seq, "ack": self.last_seq, "events": events}))

    def submit(self, form: dict, value) -> None:
        """Submit the first field of an input form (`form`: the input command) with `value`."""
        spec = form["spec"]
        name = spec["inputs"][0]["name"]
        self.send_events([{"event": "from_submit", "task_id": form["task_id"],
                           "form": spec["form_id"], "data": {name: value}}])

    async def drain(self) -> None:
        await self.writer.drain()

    def abort(self) -> None:
        """Drop the connection without a close frame, as a lost network does (code 1006)."""
        transport = self.writer.transport
        transport.abort()

    async def close(self) -> None:
        try:
            self.proto.send_close(1000)
            self.writer.write(self.proto.data_to_send())
            self.writer.close()
            await self.writer.wait_closed()
        except (OSError, RuntimeError):
            pass

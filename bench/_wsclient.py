"""A small asyncio WebSocket client for the load, soak and hostile benchmarks, built on the
package's own sans-I/O `WebSocketProtocol` in client mode (no third-party client needed), plus
the few app-protocol moves a browser makes: wait for a command, answer a form, click a button.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os

from _common import proc_status
from pywebio_lite.protocol.websocket import CloseReceived, Message, WebSocketProtocol


class Closed(Exception):
    """The server closed the connection (code in args[0])."""


class Client:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.proto = WebSocketProtocol(max_message_size=None, client=True)
        self.messages: list = []
        self.commands: list = []
        self.seq = 0
        self.last_seq = 0
        self.close_code = None

    @classmethod
    async def connect(cls, port: int, app: str = "index", *, host: str = "127.0.0.1",
                      local_ip: str | None = None, origin: bool = True) -> "Client":
        reader, writer = await asyncio.open_connection(
            host, port, local_addr=(local_ip, 0) if local_ip else None, limit=1 << 22)
        key = base64.b64encode(os.urandom(16)).decode()
        head = (f"GET /?app={app}&session=NEW HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if origin:
            head += f"Origin: http://{host}:{port}\r\n"
        writer.write((head + "\r\n").encode())
        response = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            writer.close()
            raise Closed(response.split(b"\r\n", 1)[0].decode(errors="replace"))
        return cls(reader, writer)

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

    async def next_command(self, name: str) -> dict:
        """The next command called `name` (earlier ones of other names are kept in `commands`)."""
        while True:
            while self.messages:
                frame = json.loads(self.messages.pop(0))
                self.last_seq = frame.get("seq", self.last_seq)
                self.commands.extend(frame.get("commands", ()))  # {"hello": ...} carries none
            for i, cmd in enumerate(self.commands):
                if cmd["command"] == name:
                    del self.commands[:i + 1]
                    return cmd
            self.commands.clear()
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
        spec = form["spec"]
        name = spec["inputs"][0]["name"]
        self.send_events([{"event": "from_submit", "task_id": form["task_id"],
                           "form": spec["form_id"], "data": {name: value}}])

    async def drain(self) -> None:
        await self.writer.drain()

    async def close(self) -> None:
        try:
            self.proto.send_close(1000)
            self.writer.write(self.proto.data_to_send())
            self.writer.close()
            await self.writer.wait_closed()
        except (OSError, RuntimeError):
            pass


def threads_of(pid: int) -> int:
    """Threads of the process (from /proc)."""
    return proc_status(pid, "Threads")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fds_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentiles(samples: list[float]) -> dict:
    """p50 / p90 / p99 / max of `samples` (seconds) in milliseconds."""
    if not samples:
        return {"n": 0, "p50": float("nan"), "p90": float("nan"), "p99": float("nan"),
                "max": float("nan")}
    s = sorted(samples)

    def at(q):
        return s[min(len(s) - 1, int(q * len(s)))] * 1000
    return {"n": len(s), "p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": s[-1] * 1000}

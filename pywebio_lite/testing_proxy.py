"""A loopback TCP proxy that misbehaves on command, for testing what a dropped connection does.

    with FlakyProxy(("127.0.0.1", app_port)) as proxy:
        page.goto(f"http://127.0.0.1:{proxy.port}/")
        proxy.cut()          # every open connection dies at once (RST), as when Wi-Fi drops
        proxy.refuse(True)   # new connections are cut as soon as they arrive (the network is down)
        proxy.stall(True)    # bytes stop flowing both ways but the connections stay open
        proxy.half_close()   # the client side gets EOF, as from a proxy that gave up

Nothing here is used by the package at run time; it serves the test suites (tests/, e2e/) and
bench/reconnect.py. Standard library only: one thread accepts, two threads pump each connection.
"""
from __future__ import annotations

import socket
import struct
import threading

__all__ = ["FlakyProxy"]


def _reset(sock: socket.socket) -> None:
    """End the connection at once, mid-stream: the peer gets no WebSocket close frame (1006).

    shutdown() first: it wakes a pump thread blocked in recv() on this socket (a bare close()
    from another thread would not, and the connection would live on); a zero linger then drops
    whatever was still queued instead of delivering it.
    """
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class _Pair:
    __slots__ = ("client", "upstream", "dead")

    def __init__(self, client: socket.socket, upstream: socket.socket):
        self.client, self.upstream, self.dead = client, upstream, False

    def kill(self) -> None:
        if not self.dead:
            self.dead = True
            _reset(self.client)
            _reset(self.upstream)


class FlakyProxy:
    """Forwards 127.0.0.1:`port` to `target` until told to misbehave."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: set[_Pair] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._refusing = False
        self._closed = False
        self.accepted = 0  # connections accepted so far (reconnects show up here)
        self._thread = threading.Thread(target=self._accept_loop, name="flaky-proxy", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ commands
    def cut(self) -> int:
        """Kill every open connection with a reset. Returns how many there were."""
        with self._lock:
            pairs, self._pairs = list(self._pairs), set()
        for pair in pairs:
            pair.kill()
        return len(pairs)

    def refuse(self, on: bool = True) -> None:
        """While on, new connections are reset as soon as they are accepted."""
        self._refusing = on

    def stall(self, on: bool = True) -> None:
        """While on, no bytes are forwarded in either direction (connections stay open)."""
        if on:
            self._flowing.clear()
        else:
            self._flowing.set()

    def half_close(self) -> None:
        """Send EOF to every client (its reading side ends; its writes still reach the app)."""
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            try:
                pair.client.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        try:
            self._listener.close()
        except OSError:
            pass
        self.cut()

    def __enter__(self) -> "FlakyProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing
    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self._refusing:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _reset(client)
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = _Pair(client, upstream)
            with self._lock:
                self._pairs.add(pair)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(pair, src, dst), daemon=True).start()

    def _pump(self, pair: _Pair, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                self._flowing.wait()
                if pair.dead:
                    return
                if not data:  # an orderly end from src: pass the FIN on
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
        except OSError:  # one side died: so does the other
            with self._lock:
                self._pairs.discard(pair)
            pair.kill()

"""The Server: binds one port and serves the app's pages, static files and WebSockets on it.

`await server.start()` / `await server.serve_forever()` / `await server.close()` inside a running
loop; `server.run()` to block with clean Ctrl-C / SIGTERM handling; `start_in_thread()` and
`stop_thread()` to run it on a background loop (tests, thread-based apps).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
import time
from email.utils import formatdate
from typing import Callable

from ..clientlog import LogLimiter
from ..protocol.http import RequestParser
from .connection import Connection
from .stream import StreamConnection

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["Server", "default_max_connections"]

#: File descriptors kept free for everything else when max_connections comes from the fd limit.
FD_RESERVE = 64


def default_max_connections() -> int:
    """The connection cap used when none is given: the process's file descriptor limit minus
    FD_RESERVE (so the server refuses new connections cleanly before accept() fails), at least
    16; 10,000 where the limit cannot be read."""
    try:
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 10_000
    if soft == resource.RLIM_INFINITY:
        return 10_000
    return max(soft - FD_RESERVE, 16)


def _check_number(name: str, value, *, allow_none: bool = False, minimum: float = 0,
                  integer: bool = False) -> None:
    if value is None and allow_none:
        return
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        what = "an int" if integer else "a number"
        raise ValueError(f"{name} must be {what} >= {minimum}"
                         + (" or None" if allow_none else ""))


class Server:
    """An asyncio HTTP/1.1 + WebSocket server for one application object.

    `app` provides ``async handle_request(request) -> Response`` and
    ``handle_websocket(request) -> WebSocketHandler | Response``.

    host: "127.0.0.1" by default (loopback only); "" or None means every interface (IPv4 and,
    where available, IPv6 on the same port). port 0 picks a free port, see `self.port`.
    Timeouts are in seconds; None or 0 turns a keepalive ping / timeout off.

    Limits against hostile clients (docs/security.md): a request body must arrive whole within
    body_timeout seconds and, after body_rate_grace seconds, at min_body_rate bytes/s or more;
    max_text_message_size bounds a text WebSocket message (binary ones: max_message_size);
    max_connections (default: from the fd limit, see `default_max_connections`) and
    max_connections_per_ip (None: no cap) refuse further connections with a 503.
    """

    def __init__(self, app, *, host: str | None = "127.0.0.1", port: int = 0,
                 ssl=None, backlog: int = 1024, reuse_port: bool = False,
                 max_message_size: int = 1 << 20, deflate: bool = True,
                 deflate_no_context_takeover: bool = True,
                 ping_interval: float | None = 20.0, ping_timeout: float | None = 20.0,
                 close_timeout: float = 10.0, header_timeout: float = 10.0,
                 body_timeout: float = 60.0, keepalive_timeout: float = 30.0,
                 max_body: int = 1 << 20, max_request_line: int = 8192,
                 max_header_line: int = 8192, max_headers: int = 100,
                 high_water: int = 64 * 1024, low_water: int = 16 * 1024,
                 min_body_rate: float = 1024, body_rate_grace: float = 5.0,
                 max_text_message_size: int | None = None,
                 max_connections: int | None = None, max_connections_per_ip: int | None = 256):
        if not callable(getattr(app, "handle_request", None)) or \
                not callable(getattr(app, "handle_websocket", None)):
            raise TypeError("app must have handle_request and handle_websocket methods")
        if host is not None and not isinstance(host, str):
            raise TypeError("host must be a str or None")
        _check_number("port", port, integer=True)
        if port > 65535:
            raise ValueError("port must be an int between 0 and 65535")
        _check_number("backlog", backlog, integer=True, minimum=1)
        _check_number("max_message_size", max_message_size, integer=True, minimum=1)
        _check_number("ping_interval", ping_interval, allow_none=True)
        _check_number("ping_timeout", ping_timeout, allow_none=True)
        _check_number("max_text_message_size", max_text_message_size, allow_none=True,
                      integer=True, minimum=1)
        _check_number("max_connections", max_connections, allow_none=True, integer=True,
                      minimum=1)
        _check_number("max_connections_per_ip", max_connections_per_ip, allow_none=True,
                      integer=True, minimum=1)
        for name, value in (("close_timeout", close_timeout), ("header_timeout", header_timeout),
                            ("body_timeout", body_timeout),
                            ("keepalive_timeout", keepalive_timeout),
                            ("min_body_rate", min_body_rate), ("body_rate_grace", body_rate_grace)):
            _check_number(name, value)
        for name, value in (("max_body", max_body), ("max_request_line", max_request_line),
                            ("max_header_line", max_header_line), ("max_headers", max_headers),
                            ("high_water", high_water), ("low_water", low_water)):
            _check_number(name, value, integer=True)
        if low_water > high_water:
            raise ValueError("low_water must not exceed high_water")
        self.app = app
        self.host = host
        self.port = port
        self.ssl = ssl
        self.backlog = backlog
        self.reuse_port = reuse_port
        self.max_message_size = max_message_size
        self.deflate = bool(deflate)
        # Compress each message on its own (RFC 7692 no_context_takeover both ways): slightly
        # bigger frames, but an idle connection holds no zlib state (~40 KiB each otherwise).
        self.deflate_no_context_takeover = bool(deflate_no_context_takeover)
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.close_timeout = close_timeout
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.keepalive_timeout = keepalive_timeout
        self.max_body = max_body
        self.max_request_line = max_request_line
        self.max_header_line = max_header_line
        self.max_headers = max_headers
        self.high_water = high_water
        self.low_water = low_water
        self.min_body_rate = min_body_rate
        self.body_rate_grace = body_rate_grace
        self.max_text_message_size = min(max_text_message_size or max_message_size,
                                         max_message_size)
        self.max_connections = (default_max_connections() if max_connections is None
                                else max_connections)
        self.max_connections_per_ip = max_connections_per_ip
        #: open connections per client address (for max_connections_per_ip)
        self.per_ip: dict[str, int] = {}
        #: connections refused by the caps, accept() failures (out of fds...), since start
        self.refused_connections = 0
        self.accept_errors = 0
        #: log lines about clients (bad requests, refusals): a few per minute at most
        self.client_log = LogLimiter(logger, burst=20, period=60.0)
        self._accept_log = LogLimiter(logger, burst=1, period=60.0)
        self._previous_handler = None
        self._exception_handler = None

        self.loop: asyncio.AbstractEventLoop | None = None
        self.connections: set[StreamConnection] = set()
        self.closing = False
        self.sockets: list[socket.socket] = []
        self._servers: list[asyncio.AbstractServer] = []
        self._stopped: asyncio.Event | None = None
        self._all_gone: asyncio.Future | None = None
        self._date_second = -1
        self._date = ""
        self._thread: threading.Thread | None = None

    # -- helpers used by connections -------------------------------------------------------------

    def new_parser(self) -> RequestParser:
        return RequestParser(max_request_line=self.max_request_line,
                             max_header_line=self.max_header_line,
                             max_headers=self.max_headers, max_body=self.max_body)

    def http_date(self) -> str:
        """The Date header value (RFC 9110 §6.6.1), formatted once per second."""
        now = int(time.time())
        if now != self._date_second:
            self._date_second = now
            self._date = formatdate(now, usegmt=True)
        return self._date

    def admit(self, conn: StreamConnection) -> str | None:
        """Count a new connection in; the reason to refuse it when a cap is reached."""
        if len(self.connections) >= self.max_connections:
            return "too many connections"
        ip = conn.remote[0] if isinstance(conn.remote, tuple) and conn.remote else str(conn.remote)
        count = self.per_ip.get(ip, 0)
        if self.max_connections_per_ip is not None and count >= self.max_connections_per_ip:
            return "too many connections from this address"
        self.per_ip[ip] = count + 1
        conn.ip = ip
        self.connections.add(conn)
        return None

    def connection_done(self, conn: StreamConnection) -> None:
        ip = conn.ip
        if ip is not None:
            conn.ip = None
            count = self.per_ip.get(ip, 0) - 1
            if count > 0:
                self.per_ip[ip] = count
            else:
                self.per_ip.pop(ip, None)
        self.connections.discard(conn)
        if not self.connections and self._all_gone is not None and not self._all_gone.done():
            self._all_gone.set_result(None)

    def replace_connection(self, old: StreamConnection, new: StreamConnection) -> None:
        """The transport of `old` was switched to `new` (a WebSocket upgrade): `new` takes its
        place, counted once, as the same client address."""
        new.ip, old.ip = old.ip, None
        self.connections.discard(old)
        self.connections.add(new)

    @property
    def websocket_count(self) -> int:
        """How many connections are in WebSocket mode."""
        return sum(1 for c in self.connections if c.ws is not None)

    # -- lifecycle ----------------------------------------------------------------------------------

    def _bind(self) -> list[socket.socket]:
        """Listening sockets for host/port. Several addresses (IPv4 + IPv6) share one port."""
        host, port = self.host, self.port
        if not host:
            if socket.has_dualstack_ipv6():
                try:
                    return [socket.create_server(("::", port), family=socket.AF_INET6,
                                                 backlog=self.backlog, dualstack_ipv6=True,
                                                 reuse_port=self.reuse_port)]
                except OSError:
                    pass
            return [socket.create_server(("0.0.0.0", port), backlog=self.backlog,
                                         reuse_port=self.reuse_port)]
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        socks: list[socket.socket] = []
        seen = set()
        error: OSError | None = None
        for family, _, _, _, addr in infos:
            if (family, addr[0]) in seen:
                continue
            seen.add((family, addr[0]))
            if socks:  # same port for every address of the name (port 0 picked one already)
                addr = (addr[0], socks[0].getsockname()[1], *addr[2:])
            try:
                socks.append(socket.create_server(addr, family=family, backlog=self.backlog,
                                                  reuse_port=self.reuse_port))
            except OSError as exc:  # e.g. ::1 on a machine without IPv6
                error = error or exc
        if not socks:
            raise error or OSError(f"could not bind {host}:{port}")
        return socks

    async def start(self) -> None:
        """Bind and start accepting. `self.port` is the real port afterwards."""
        if self._servers:
            raise RuntimeError("server already started")
        self.loop = asyncio.get_running_loop()
        self.closing = False
        self._stopped = asyncio.Event()
        self.sockets = self._bind()
        self.port = self.sockets[0].getsockname()[1]
        try:
            for sock in self.sockets:
                server = await self.loop.create_server(lambda: Connection(self), sock=sock,
                                                       backlog=self.backlog, ssl=self.ssl)
                self._servers.append(server)
        except BaseException:
            for server in self._servers:
                server.close()
            for sock in self.sockets:
                sock.close()
            self._servers = []
            raise
        self._install_accept_handler()
        logger.debug("listening on %s", self.addresses)

    def _install_accept_handler(self) -> None:
        """asyncio reports a failed accept() (EMFILE, ENFILE, ENOBUFS, ENOMEM: out of file
        descriptors or memory) with a traceback each time, and retries a second later. Keep the
        retry, but log one line a minute instead (other reports go to the previous handler)."""
        loop = self.loop
        previous = loop.get_exception_handler()

        def handler(loop, context):
            message = str(context.get("message", ""))
            if message.startswith("socket.accept() out of system resource"):
                self.accept_errors += 1
                exc = context.get("exception")
                self._accept_log.log(logging.ERROR, "cannot accept connections (%s); asyncio "
                                     "retries every second; %d open connections",
                                     exc or message, len(self.connections))
                return
            callback = getattr(context.get("handle"), "_callback", None)
            if self.accept_errors and getattr(callback, "__name__", "") == "_start_serving" \
                    and isinstance(context.get("exception"), ValueError):
                # asyncio's accept retry timer outlives server.close(): it then finds the
                # listening socket closed. Nothing is wrong; there is nothing to retry.
                logger.debug("accept retry after close ignored")
                return
            if previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)

        self._previous_handler, self._exception_handler = previous, handler
        loop.set_exception_handler(handler)

    def _remove_accept_handler(self) -> None:
        if self.accept_errors:
            return  # keep it: asyncio's accept retry timer may still fire (see the handler)
        if self._exception_handler is not None and self.loop is not None \
                and self.loop.get_exception_handler() is self._exception_handler:
            self.loop.set_exception_handler(self._previous_handler)
        self._previous_handler = self._exception_handler = None

    @property
    def addresses(self) -> list[tuple]:
        return [sock.getsockname() for sock in self.sockets]

    @property
    def url(self) -> str:
        """An http:// URL for this server (loopback when it listens everywhere)."""
        host = self.host or "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        scheme = "https" if self.ssl else "http"
        return f"{scheme}://{host}:{self.port}"

    async def serve_forever(self) -> None:
        """Start if needed and wait until `close()` has finished."""
        if not self._servers:
            await self.start()
        await self._stopped.wait()

    async def close(self) -> None:
        """Stop accepting, close WebSockets with 1001 and HTTP connections, wait (bounded)."""
        if self.closing:
            await self._stopped.wait()  # another close() is running, or done
            return
        if not self._servers:
            return  # never started, or start() failed
        self.closing = True
        for server in self._servers:
            server.close()
        if self.connections:
            self._all_gone = self.loop.create_future()
            for conn in list(self.connections):
                conn.shutdown()
            # Each connection aborts itself after close_timeout; this bound is a safety net.
            try:
                await asyncio.wait_for(asyncio.shield(self._all_gone), self.close_timeout + 1.0)
            except asyncio.TimeoutError:
                for conn in list(self.connections):
                    if conn.transport is not None:
                        conn.transport.abort()
                await asyncio.sleep(0)  # let connection_lost callbacks run
        for conn in list(self.connections):
            if conn.task is not None:
                conn.task.cancel()
        for server in self._servers:
            try:
                await asyncio.wait_for(server.wait_closed(), 1.0)
            except asyncio.TimeoutError:
                pass
        self._servers = []
        self.sockets = []
        self._remove_accept_handler()
        self._stopped.set()

    def run(self, on_start: Callable[["Server"], None] | None = None) -> None:
        """Serve until SIGINT (Ctrl-C) or SIGTERM, then shut down cleanly and return.

        `on_start(server)` is called once the port is bound (to print the URL, say).
        """
        try:
            asyncio.run(self._run(on_start))
        except KeyboardInterrupt:
            pass  # platforms without loop signal handlers: Ctrl-C still ends quietly

    async def _run(self, on_start) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        installed = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        try:
            await self.start()
            if on_start is not None:
                on_start(self)
            waiter = asyncio.ensure_future(stop.wait())
            stopped = asyncio.ensure_future(self._stopped.wait())
            try:
                await asyncio.wait([waiter, stopped], return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
                stopped.cancel()
            logger.info("shutting down")
        finally:
            await self.close()
            for sig in installed:
                loop.remove_signal_handler(sig)

    # -- background thread ---------------------------------------------------------------------

    def start_in_thread(self) -> tuple[str, int]:
        """Run the server on a new event loop in a daemon thread; returns (host, port)."""
        if self._thread is not None:
            raise RuntimeError("server already running in a thread")
        started = threading.Event()
        errors: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                try:
                    loop.run_until_complete(self.start())
                except BaseException as exc:
                    errors.append(exc)
                    return
                finally:
                    started.set()
                loop.run_until_complete(self.serve_forever())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

        self._thread = threading.Thread(target=main, name="pywebio_lite-server", daemon=True)
        self._thread.start()
        started.wait()
        if errors:
            self._thread.join()
            self._thread = None
            raise errors[0]
        return (self.host or "127.0.0.1", self.port)

    def stop_thread(self) -> None:
        """Close the server started by `start_in_thread` and wait for its thread to end."""
        thread = self._thread
        if thread is None:
            return
        if thread.is_alive() and self.loop is not None and not self.loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(self.close(), self.loop).result()
            except RuntimeError:
                pass  # the loop stopped meanwhile
        thread.join()
        self._thread = None

    def call_soon_threadsafe(self, callback, *args) -> None:
        """Schedule `callback(*args)` on the server's loop from any thread."""
        self.loop.call_soon_threadsafe(callback, *args)

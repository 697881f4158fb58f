"""Real ASGI servers for the host tests (tests/test_asgi_hosts.py, e2e/test_asgi_browser.py).

    with running(app, "uvicorn") as base:   # or "uvicorn-wsproto", "hypercorn"
        ...  base is "http://127.0.0.1:PORT"

The socket is bound and listening before the server thread starts, so a client may connect at
once (the kernel queues it until the server accepts): there is nothing to wait for.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading

#: uvicorn with each of its WebSocket implementations, and hypercorn
SERVERS = ["uvicorn", "uvicorn-wsproto", "hypercorn"]


def _listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextlib.contextmanager
def running(app, server: str = "uvicorn", **settings):
    """Serve the ASGI `app` with `server` in a thread; yields the base URL; stops it after."""
    sock = _listening_socket()
    port = sock.getsockname()[1]
    if server in ("uvicorn", "uvicorn-wsproto"):
        import uvicorn
        if server == "uvicorn-wsproto":
            settings.setdefault("ws", "wsproto")
        config = uvicorn.Config(app, log_level="warning", **settings)
        instance = uvicorn.Server(config)
        thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)

        def stop():
            instance.should_exit = True
    elif server == "hypercorn":
        from hypercorn.asyncio import serve
        from hypercorn.config import Config
        config = Config()
        config.bind = [f"fd://{os.dup(sock.fileno())}"]  # hypercorn closes the one it gets
        config.loglevel = "WARNING"
        for key, value in settings.items():
            setattr(config, key, value)
        state: dict = {}
        ready = threading.Event()

        async def main():
            state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
            ready.set()
            await serve(app, config, shutdown_trigger=state["stop"].wait)

        thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)

        def stop():
            ready.wait()
            state["loop"].call_soon_threadsafe(state["stop"].set)
    else:
        raise ValueError(f"unknown server {server!r}")
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop()
        thread.join()
        sock.close()

"""Several worker processes behind one reverse proxy, with sticky routing (docs/deploy.md).

A session lives in the process that started it: its thread or coroutine, its outbox and its
replay buffer are Python objects there. So a page's reconnects (and, over HTTP long-polling,
every poll) must reach that process again. Each worker is given a short id in the environment
variable ``PYWEBIO_LITE_WORKER`` (``w0``, ``w1``...), and every session token it hands out starts
with ``<id>.``; the page sends the token back in the ``session=`` query parameter of every
reconnect, so the proxy can route on it with no state of its own: `nginx_config` writes the
``map`` that does it. New sessions (``session=NEW``) and plain page or file requests may go to any
worker.

    run_workers(main, workers=4, port=8081)          # w0 on 8081 ... w3 on 8084
    python -m pywebio_lite.platform.workers --nginx 4 --port 8081 --listen 8080   # the nginx part

The same works for any host: start each uvicorn/gunicorn/Tornado process with its own
``PYWEBIO_LITE_WORKER`` and port, and list them in `nginx_config`.
"""
from __future__ import annotations

import os
import re
import signal
import sys
from typing import Sequence

__all__ = ["WORKER_ENV", "worker_id", "token_prefix", "nginx_config", "run_workers"]

#: The environment variable that names this process's worker id.
WORKER_ENV = "PYWEBIO_LITE_WORKER"
_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


def worker_id() -> str | None:
    """This process's worker id from ``PYWEBIO_LITE_WORKER``, or None when it is not a worker.

    A malformed id is an error (it would break the proxy's routing silently)."""
    value = os.environ.get(WORKER_ENV)
    if not value:
        return None
    if not _ID.fullmatch(value):
        raise ValueError(f"{WORKER_ENV} must be 1-16 letters, digits, '-' or '_' (got {value!r})")
    return value


def token_prefix() -> str:
    """What every session token of this process starts with ("" outside a worker)."""
    wid = worker_id()
    return f"{wid}." if wid else ""


def _check_ports(ports) -> list[tuple[str, int]]:
    if isinstance(ports, dict):
        items = list(ports.items())
    else:
        items = [(f"w{i}", port) for i, port in enumerate(ports)]
    if not items:
        raise ValueError("nginx_config needs at least one worker port")
    out = []
    for wid, port in items:
        if not isinstance(wid, str) or not _ID.fullmatch(wid):
            raise ValueError(f"worker id {wid!r}: 1-16 letters, digits, '-' or '_'")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"worker port {port!r}: an int from 1 to 65535")
        out.append((wid, port))
    return out


def nginx_config(ports: Sequence[int] | dict, *, listen: int | str = 8080, location: str = "/",
                 host: str = "127.0.0.1", max_body: str = "200m") -> str:
    """The nginx ``http { }`` part that serves workers with sticky routing.

    `ports`: the workers' ports in id order (``w0``, ``w1``...) or a dict id -> port. `listen`:
    what nginx listens on. `location`: the URL prefix the app is served under (its requests reach
    the workers without it). Reconnects and polls carry ``session=<id>.<random>`` and go to that
    worker; everything else is spread over the workers by `least_conn`.
    """
    workers = _check_ports(ports)
    if not re.fullmatch(r"[A-Za-z0-9.:\[\]_ -]{1,80}", str(listen)):
        raise ValueError(f"listen {listen!r}: a port or address:port for nginx's listen directive")
    if not isinstance(location, str) or not location.startswith("/") or not location.endswith("/") \
            or any(c in location for c in " ;{}\"'\\$"):
        raise ValueError("location must be a URL path that starts and ends with '/'")
    servers = "".join(f"        server {host}:{port};\n" for _, port in workers)
    routes = "".join(f'        "~^{re.escape(wid)}\\." {host}:{port};\n' for wid, port in workers)
    strip = f"            rewrite ^{re.escape(location)}(.*)$ /$1 break;\n" if location != "/" else ""
    return f"""\
    # pywebio_lite workers: a session's reconnects and polls reach the process that holds it.
    upstream pywebio_lite_workers {{
        least_conn;
{servers}    }}
    map $arg_session $pywebio_lite_backend {{
{routes}        default pywebio_lite_workers;
    }}
    map $http_upgrade $pywebio_lite_connection {{ default upgrade; '' close; }}
    server {{
        listen {listen};
        location {location} {{
{strip}            proxy_pass http://$pywebio_lite_backend;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $pywebio_lite_connection;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_read_timeout 1h;      # a WebSocket may stay quiet for long (pings keep it alive)
            proxy_buffering off;        # long-polling answers must not wait in a buffer
            client_max_body_size {max_body};
        }}
    }}
"""


def _serve_worker(index: int, applications, port: int, host: str, kwargs: dict) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (a forked copy)
    os.environ[WORKER_ENV] = f"w{index}"
    from .server import start_server
    start_server(applications, port=port, host=host, **kwargs)


def run_workers(applications, workers: int = 2, port: int = 8081, host: str = "127.0.0.1",
                **start_server_options) -> None:
    """Serve `applications` in `workers` processes, ``w0`` on `port`, ``w1`` on `port` + 1...,
    until Ctrl-C or SIGTERM (which stop them all). Put nginx in front with `nginx_config`.

    Every other option is `start_server`'s. Worker processes are forked where the platform can
    (the apps need not be importable), else spawned (then the apps must be module-level functions
    and the script must guard its start with ``if __name__ == '__main__':``).
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError("workers must be an int >= 1")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port <= 65536 - workers:
        raise ValueError("port must be a free port number (the workers use port, port+1, ...)")
    import multiprocessing
    import threading
    method = "fork" if hasattr(os, "fork") and threading.active_count() == 1 else "spawn"
    context = multiprocessing.get_context(method)
    procs = [context.Process(target=_serve_worker, name=f"pywebio_lite-w{i}",
                             args=(i, applications, port + i, host, start_server_options))
             for i in range(workers)]

    def stop(*_):
        for proc in procs:
            if proc.is_alive():
                proc.terminate()

    # Before the first worker starts, so that a SIGTERM at any moment stops them all.
    previous = signal.signal(signal.SIGTERM, stop)
    for proc in procs:
        proc.start()
    print(f"pywebio_lite: {workers} workers on {host} ports {port}-{port + workers - 1} "
          f"(nginx: python -m pywebio_lite.platform.workers --nginx {workers} --port {port})", flush=True)
    try:
        for proc in procs:
            proc.join()
    except KeyboardInterrupt:
        stop()
        for proc in procs:
            proc.join()
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """``python -m pywebio_lite.platform.workers --nginx N --port P [--listen L] [--location /x/]``"""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m pywebio_lite.platform.workers",
                                     description="Print the nginx configuration for N pywebio_lite workers.")
    parser.add_argument("--nginx", type=int, required=True, metavar="N", help="number of workers")
    parser.add_argument("--port", type=int, default=8081, help="port of worker w0 (w1 uses port+1...)")
    parser.add_argument("--host", default="127.0.0.1", help="address the workers listen on")
    parser.add_argument("--listen", default="8080", help="what nginx listens on")
    parser.add_argument("--location", default="/", help="URL prefix of the app, e.g. /tool/")
    args = parser.parse_args(argv)
    try:
        text = nginx_config([args.port + i for i in range(args.nginx)], listen=args.listen,
                            location=args.location, host=args.host)
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

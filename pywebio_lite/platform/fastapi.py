"""FastAPI and Starlette: `webio_routes`, `asgi_app` and `start_server` (uvicorn), as in PyWebIO 1.8.4.

Each is a thin layer over the framework-free ASGI application of `platform.asgi`: the routes
hand their requests and WebSockets to it, so the page, its frontend files (with any `cdn`) and
the session's socket all work at ``/`` or under any prefix (``app.mount('/tool', asgi_app(main))``
or ``Mount('/tool', routes=webio_routes(main))``; Starlette redirects ``/tool`` to ``/tool/``).
Neither the ``websockets`` nor the ``aiofiles`` package is needed (the ASGI server may want a
WebSocket library of its own: uvicorn uses ``websockets`` or ``wsproto``). Starlette is imported
inside the functions; importing this module imports no framework.
"""

from __future__ import annotations

import threading
import webbrowser
from typing import Callable

from ..utils import parse_file_size
from .asgi import make_webio_app

__all__ = ["webio_routes", "asgi_app", "start_server"]

#: session.info.backend under FastAPI and Starlette (PyWebIO's name)
BACKEND = "starlette"


def _starlette_app(applications, **options):
    """The ASGI app of `asgi.make_webio_app` whose sessions see Starlette's WebSocket object as
    ``session.info.request``, as in PyWebIO (headers, cookies, query_params, client...)."""
    from starlette.websockets import WebSocket

    app = make_webio_app(applications, backend=BACKEND, **options)
    app.request_object = WebSocket
    return app


def webio_routes(applications, cdn=True, reconnect_timeout=None, allowed_origins: list[str] | None = None,
                 check_origin: Callable[[str], bool] | None = None, **options) -> list:
    """Starlette routes serving `applications`: the page and its WebSocket at ``/``, the frontend
    files at ``/_pywebio_lite/``. Put them in a Starlette/FastAPI app's routes (the app is then at
    ``/``) or in a ``Mount('/tool', routes=...)``. The arguments are those of `start_server`;
    `options` takes `asgi.asgi_app`'s further keywords (max_payload_size, allowed_hosts...)."""
    from starlette.routing import Route, WebSocketRoute

    app = _starlette_app(applications, cdn=cdn, reconnect_timeout=reconnect_timeout,
                         allowed_origins=allowed_origins, check_origin=check_origin, **options)
    # An endpoint that is not a function is an ASGI app to Starlette: it gets the request as it is.
    routes = [Route("/", app), WebSocketRoute("/", app), Route("/_pywebio_lite/{path:path}", app)]
    if options.get("static_dir"):
        routes.append(Route("/static/{path:path}", app))
    return routes


def asgi_app(applications, cdn=True, reconnect_timeout=None, static_dir: str | None = None, debug: bool = False,
             allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
             **options):
    """A Starlette app serving `applications` (mount it: ``app.mount('/tool', asgi_app(main))``).

    Everything below its mount point goes to the pywebio_lite app: the page, its WebSocket, the
    frontend files and `static_dir` at ``static/``. `options` takes `asgi.asgi_app`'s further
    keywords (max_payload_size, allowed_hosts...)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = _starlette_app(applications, cdn=cdn, reconnect_timeout=reconnect_timeout,
                         static_dir=static_dir, debug=debug, allowed_origins=allowed_origins,
                         check_origin=check_origin, **options)
    return Starlette(debug=debug, routes=[Mount("/", app=app)])


def start_server(applications, port: int = 0, host: str = "", cdn=True, reconnect_timeout=None,
                 static_dir: str | None = None, remote_access: bool = False, debug: bool = False,
                 allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
                 auto_open_webbrowser: bool = False, max_payload_size="200M", **uvicorn_settings) -> None:
    """Serve `applications` with uvicorn until Ctrl-C (PyWebIO's signature).

    `port=0` picks a free port; `host=''` listens on all interfaces. `max_payload_size` is also
    uvicorn's ``ws_max_size``; `uvicorn_settings` go to ``uvicorn.Config`` (log_level, ...).
    """
    import socket

    import uvicorn

    if remote_access:
        from .remote_access import parse_service
        parse_service(remote_access)  # a bad value fails before serving
    app = asgi_app(applications, cdn=cdn, reconnect_timeout=reconnect_timeout, static_dir=static_dir,
                   debug=debug, allowed_origins=allowed_origins, check_origin=check_origin,
                   max_payload_size=max_payload_size)
    uvicorn_settings.setdefault("ws_max_size", parse_file_size(max_payload_size, name="max_payload_size"))
    host = host or "0.0.0.0"
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # listening before "Running on": a client may connect at once
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **uvicorn_settings))
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/"
    print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
    if auto_open_webbrowser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    from .remote_access import remote_access_for
    with remote_access_for(port, remote_access):
        server.run(sockets=[sock])

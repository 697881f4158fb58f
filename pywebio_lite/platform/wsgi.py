"""WSGI hosting: `wsgi_app()` (any WSGI server: gunicorn, waitress, wsgiref) and the pieces the
Flask and Django adapters share.

Sessions run on an asyncio event loop; a WSGI server has none, so `host_loop()` runs one on a
background daemon thread (started on first use; the loop `run_event_loop()` runs, if the app started
one, as PyWebIO's guide does for coroutine apps). Each WSGI request becomes a
`protocol.http.Request`, `WebIOApp.handle_request` answers it on that loop, and the WSGI worker
waits for the answer (a long poll at most `poll.POLL_WAIT` seconds). The page talks over HTTP
long-polling (docs/protocol.md §9), so one process must hold the sessions: run one worker
process with threads (gunicorn ``-w 1 --threads 8``).
"""

from __future__ import annotations

import asyncio
import threading
from http import HTTPStatus
from typing import Callable
from urllib.parse import quote

from ..protocol.http import Headers, Request, Response
from ..session.base import claim_server_mode
from ..utils import parse_file_size
from .transport import HostRequest

__all__ = ["wsgi_app", "host_loop", "HostRequest", "make_app", "request_from_environ", "answer"]

_loop_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def host_loop() -> asyncio.AbstractEventLoop:
    """The event loop WSGI-hosted sessions run on: `run_event_loop()`'s if it runs, else our own
    one on a daemon thread, started now."""
    global _loop
    from . import running_event_loop
    user = running_event_loop()
    if user is not None:
        return user
    with _loop_lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="pywebio_lite-loop", daemon=True).start()
            _loop = loop
        return _loop


def request_from_environ(environ: dict, *, path: str, body: bytes, native=None) -> HostRequest:
    """A Request for `path` (as the app routes it) from a WSGI environ, with the body read already."""
    query = environ.get("QUERY_STRING") or ""
    headers = Headers()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.add(key[5:].replace("_", "-").title(), value)
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers.add(name, environ[key])
    target = quote(path, safe="/%!$&'()*+,;=:@~") + ("?" + query if query else "")
    remote = (environ.get("REMOTE_ADDR") or "", int(environ.get("REMOTE_PORT") or 0) if
              str(environ.get("REMOTE_PORT") or "0").isdigit() else 0)
    request = HostRequest(environ.get("REQUEST_METHOD") or "GET", target,
                          environ.get("SERVER_PROTOCOL") or "HTTP/1.1", headers, body, remote)
    request.native = native
    request.page_path = quote((environ.get("SCRIPT_NAME") or "") + (environ.get("PATH_INFO") or ""))
    return request


def read_body(environ: dict, limit: int, read: Callable[[int], bytes] | None = None) -> bytes | None:
    """The request body, at most `limit` bytes; None if it is longer (answer 413 without reading it)."""
    length = environ.get("CONTENT_LENGTH") or ""
    if length and not length.isdigit():
        return None
    if length and int(length) > limit:
        return None
    if read is None:
        stream = environ.get("wsgi.input")
        read = stream.read if stream is not None else (lambda n: b"")
    if length:
        return read(int(length)) if int(length) else b""
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return b""
    data = read(limit + 1)  # chunked (no Content-Length): read one byte past the limit to notice
    return None if len(data) > limit else data


def check_remote_access(remote_access) -> None:
    """A bad `remote_access` value fails before serving (the tunnel opens once the server listens)."""
    if remote_access:
        from .remote_access import parse_service
        parse_service(remote_access)


def too_large() -> Response:
    return Response(413, [("Content-Type", "text/plain; charset=utf-8")], b"Request body too large")


def answer(app, request: Request) -> Response:
    """Run `app.handle_request(request)` on the host loop; wait for the Response (WSGI thread)."""
    future = asyncio.run_coroutine_threadsafe(app.handle_request(request), host_loop())
    return future.result()


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def make_app(applications, *, backend: str, cdn=True, static_dir=None, allowed_origins=None, check_origin=None,
             session_expire_seconds=None, session_cleanup_interval=None, max_payload_size="200M",
             debug: bool = False, files_by_query: bool = False):
    """A `WebIOApp` that serves `applications` over long-polling (shared by every WSGI adapter)."""
    claim_server_mode()
    from .server import DEFAULT_MAX_TEXT_MESSAGE, WebIOApp
    size = parse_file_size(max_payload_size, name="max_payload_size")
    app = WebIOApp(applications, cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, debug=debug, max_payload_size=size)
    app.max_text_size = min(parse_file_size(DEFAULT_MAX_TEXT_MESSAGE, name="max_text_message_size"), size)
    app.enable_polling(backend=backend, session_expire_seconds=session_expire_seconds,
                       session_cleanup_interval=session_cleanup_interval, max_body=size,
                       files_by_query=files_by_query)
    app.max_body = size
    return app


def view_for(make: Callable, applications, backend: str, **options):
    """`make(app)`: the view (or handler) of a `WebIOApp` a host routes one exact URL to
    (webio_view, webio_handler), with that app as its `webio_app`."""
    app = make_app(applications, backend=backend, files_by_query=True, **options)
    view = make(app)
    view.webio_app = app
    return view


def wsgi_app(applications, cdn=True, static_dir: str | None = None, allowed_origins=None, check_origin=None,
             session_expire_seconds=None, session_cleanup_interval=None, max_payload_size="200M",
             debug: bool = False) -> Callable:
    """A WSGI application serving PyWebIO apps (beyond PyWebIO: no framework needed).

    Mount it anywhere (the WSGI server's SCRIPT_NAME): its root is the page (``?app=NAME`` picks
    the app), the frontend files are under ``_pywebio_lite/``, `static_dir` under ``static/``.
    Arguments as in `pywebio_lite.platform.flask.wsgi_app`.
    """
    app = make_app(applications, backend="wsgi", cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                   session_cleanup_interval=session_cleanup_interval, max_payload_size=max_payload_size,
                   debug=debug)
    host_loop()

    def application(environ, start_response):
        path = environ.get("PATH_INFO") or ""
        if not path:  # the mount point without its slash: relative URLs need the slash
            location = quote(environ.get("SCRIPT_NAME") or "") + "/"
            if environ.get("QUERY_STRING"):
                location += "?" + environ["QUERY_STRING"]
            response = Response(301, [("Location", location)])
        else:
            body = read_body(environ, app.max_body)
            if body is None:
                response = too_large()
            else:
                response = answer(app, request_from_environ(environ, path=path, body=body))
        start_response(status_line(response.status), list(response.headers)
                       + [("Content-Length", str(len(response.body)))])
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    application.webio_app = app
    return application

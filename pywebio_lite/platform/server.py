"""`start_server()` and `WebIOApp`: pywebio_lite apps on the built-in asyncio server.

One port serves everything: ``/`` is the app page (``?app=NAME`` picks the app) and its WebSocket,
``/_pywebio_lite/...`` the package's frontend files, ``/static/...`` the user's `static_dir`.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from ..clientlog import excerpt
from ..protocol.http import Request, Response
from ..server import Server, check_allowed_hosts, host_allowed, origin_allowed, serve_static
from ..session.base import claim_server_mode
from ..utils import parse_file_size
from .adaptor import (DEFAULT_RECONNECT_TIMEOUT, SessionConnection, SessionGone, SessionRegistry,
                      make_session_info, peer_ip)
from .assets import serve_frontend, warm
from .auth import BasicAuth, make_auth
from .proxy import TrustedProxies
from .page import STATIC_PATH, make_applications, render_page

logger = logging.getLogger("pywebio_lite.server")

__all__ = ["WebIOApp", "start_server", "make_server", "server_for", "run_server", "STATIC_PREFIX"]

#: URL prefix of the package's frontend files.
STATIC_PREFIX = "/_pywebio_lite/"
#: The query parameter that names a frontend file when they are served through the page's URL.
FILE_PARAM = "_pwl_file"
#: Default limit of one text WebSocket message (form values, events): far below max_payload_size,
#: which bounds the binary messages that carry uploaded files in chunks.
DEFAULT_MAX_TEXT_MESSAGE = "1M"


def _version() -> str:
    from .. import __version__
    return __version__


class WebIOApp:
    """The server application object: routes requests to pages, static files and sessions."""

    #: session.info.backend of its sessions: the host that serves it (an adapter sets its own)
    backend = "pywebio_lite"

    def __init__(self, applications, *, cdn=True, static_dir: str | None = None,
                 allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
                 debug: bool = False, reconnect_timeout: float | None = None, auth: BasicAuth | None = None,
                 trusted_proxies=None, max_text_size: int | None = None, allowed_hosts: list[str] | None = None,
                 max_payload_size: int | None = None):
        self.apps = make_applications(applications)
        self.static_root = Path(STATIC_PATH)
        self.user_static = Path(static_dir).resolve() if static_dir else None
        # Relative to the page at "/", so a proxy that serves the app under a sub-path
        # (location /tool/ { proxy_pass http://app/; }) needs no setting: /tool/_pywebio_lite/...
        # (path_deploy pages deeper down use `base_url_for`.)
        self.base_url = cdn if isinstance(cdn, str) else "." + STATIC_PREFIX
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        if allowed_origins is not None and not isinstance(allowed_origins, (list, tuple)):
            raise TypeError("allowed_origins must be a list of origin patterns")
        if check_origin is not None and not callable(check_origin):
            raise TypeError("check_origin must be a function origin -> bool")
        self.allowed_origins = list(allowed_origins or [])
        self.check_origin = check_origin
        self.allowed_hosts = check_allowed_hosts(allowed_hosts)
        self.debug = debug
        if reconnect_timeout is None:
            reconnect_timeout = DEFAULT_RECONNECT_TIMEOUT
        if isinstance(reconnect_timeout, bool) or not isinstance(reconnect_timeout, (int, float)) \
                or reconnect_timeout < 0:
            raise ValueError("reconnect_timeout must be a number of seconds >= 0 (0 turns reconnecting off)")
        self.reconnect_timeout = reconnect_timeout
        self.sessions = SessionRegistry()  # the sessions a page may reconnect to
        #: the server's text message limit, told to the page (see make_server)
        self.max_text_size = max_text_size
        #: the server's max_payload_size (bytes), the sessions' upload limit (see make_server)
        self.max_payload_size = max_payload_size
        self._pages: dict[str, bytes] = {}
        if auth is not None and not isinstance(auth, BasicAuth):
            raise TypeError("auth must be a BasicAuth (see platform.auth.make_auth)")
        self.auth = auth
        self.proxies = TrustedProxies(trusted_proxies) if trusted_proxies is not None else None
        self.protocol = "ws"      # the page's transport: "http" once `enable_polling` was called
        self.poll = None          # the long-polling endpoint (platform/poll.py), POSTs to the page's URL
        self.files_by_query = False  # frontend files at PAGE?_pwl_file=PATH (hosts routing one exact URL)
        # Our own server delivers the frontend linked (platform/assets.py); a cdn URL gets the sources.
        self.linked = not isinstance(cdn, str)
        if self.linked:  # link the frontend now, not on the first page request
            threading.Thread(target=warm, name="pywebio_lite-assets", daemon=True).start()

    def enable_polling(self, *, backend: str, session_expire_seconds=None, session_cleanup_interval=None,
                       max_body: int = 200 << 20, files_by_query: bool = False) -> None:
        """Serve sessions over HTTP long-polling (docs/protocol.md §9) instead of WebSocket.
        `files_by_query`: the host routes only the page's exact URL to us, so the frontend files
        are served through it (``PAGE?_pwl_file=js/main.js``)."""
        from .poll import PollEndpoint
        self.protocol = "http"
        self.files_by_query = files_by_query
        self.poll = PollEndpoint(self.app_for, backend=backend, debug=self.debug, registry=self.sessions,
                                 session_expire_seconds=session_expire_seconds,
                                 session_cleanup_interval=session_cleanup_interval, max_body=max_body,
                                 max_text=self.max_text_size or max_body, forwarded=self.forwarded)

    def page_base(self, request: Request) -> str:
        """Where the page at `request` finds the frontend files: `base_url`, or with
        `files_by_query` its own URL's query (relative to the page: the host may add a prefix)."""
        if not self.files_by_query:
            return self.base_url
        from urllib.parse import quote, unquote
        last = (getattr(request, "page_path", None) or "/").rsplit("/", 1)[-1]  # as the browser sent it
        return "./" + quote(unquote(last), safe="") + "?" + FILE_PARAM + "="

    def base_url_for(self, path: str) -> str:
        """`base_url` as seen from a page at `path` (relative URLs keep working under a proxy's prefix)."""
        if not self.base_url.startswith("./"):
            return self.base_url
        depth = path.count("/") - 1
        return ("../" * depth or "./") + self.base_url[2:]

    def forwarded(self, request):
        """The client as a trusted proxy reports it, or None without trusted proxies."""
        if self.proxies is None:
            return None
        return self.proxies.resolve(peer_ip(request), request.headers)

    def app_for(self, request: Request) -> Callable:
        """The app named by ?app=, or the index app if there is no such app."""
        name = request.query_arg("app") or "index"
        return self.apps.get(name) or self.apps["index"]

    def _page(self, request: Request) -> Response:
        name = request.query_arg("app") or "index"
        if name not in self.apps:
            name = "index"
        base = self.page_base(request)
        body = self._pages.get((name, base))
        if body is None:
            body = render_page(self.apps[name], base_url=base, debug=self.debug, protocol=self.protocol,
                               version=_version(), max_text_size=self.max_text_size,
                               linked=self.linked).encode("utf-8")
            if not self.debug:
                self._pages[(name, base)] = body
        return Response(200, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"),
                              ("X-Content-Type-Options", "nosniff")], body)

    def refuse_body(self, request: Request) -> Response | None:
        """Only poll requests take a body: refuse any other before the server reads it."""
        if self.poll is not None and request.method == "POST":
            size = request.content_length
            return None if size is None or size <= self.poll.max_body else Response(
                413, [("Content-Type", "text/plain; charset=utf-8")], b"message too large")
        if request.method not in ("GET", "HEAD"):
            return _method_not_allowed()
        return Response(413, [("Content-Type", "text/plain; charset=utf-8")], b"Request body not accepted")

    def _bad_host(self, request: Request) -> Response | None:
        """The refusal for a Host header outside `allowed_hosts` (DNS rebinding), else None."""
        if host_allowed(request.headers.get("Host"), self.allowed_hosts):
            return None
        logger.warning("refused a request for host %s (not in allowed_hosts)", excerpt(request.headers.get("Host")))
        return Response(400, [("Content-Type", "text/plain; charset=utf-8")], b"Host not allowed")

    def refusal(self, request: Request) -> Response | None:
        """The answer to a request or upgrade that fails the Host check or authentication, else None."""
        refused = self._bad_host(request)
        if refused is not None:
            return refused
        if self.auth is not None and not self.auth.allows(request):
            logger.info("refused a request without valid credentials from %s", peer_ip(request))
            return self.auth.challenge()
        return None

    async def handle_request(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        path = request.path
        if self.poll is not None and path == "/" and request.method in ("POST", "OPTIONS"):
            return await self.handle_poll(request)
        if request.method not in ("GET", "HEAD"):
            return _method_not_allowed("GET, HEAD, POST, OPTIONS" if self.poll is not None else "GET, HEAD")
        if path == "/":
            rel = request.query_arg(FILE_PARAM) if self.files_by_query else None
            if rel is not None:
                return serve_frontend(request, rel, rebase=self.page_base(request))
            return self._page(request)
        if path.startswith(STATIC_PREFIX):
            return serve_frontend(request, path[len(STATIC_PREFIX):])
        if self.user_static is not None and path.startswith("/static/"):
            return serve_static(request, self.user_static, path[len("/static/"):])
        return Response(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found")

    async def handle_poll(self, request: Request) -> Response:
        """A long-polling request (POST, or an OPTIONS preflight) to a page's URL (protocol.md §9)."""
        refused = self._foreign_origin(request)
        if refused is not None:
            return refused
        return self.poll.cors(request, await self.poll.handle(request) if request.method == "POST" else None)

    def handle_websocket(self, request: Request):
        refused = self.refusal(request)
        if refused is not None:
            return refused
        return self._foreign_origin(request) or self.connection_for(request)

    def _foreign_origin(self, request: Request) -> Response | None:
        """403 for a WebSocket or poll request from an origin that is not allowed, else None."""
        origin = request.headers.get("Origin")
        forwarded = self.forwarded(request)
        host = (forwarded.host if forwarded is not None else None) or request.headers.get("Host")
        if not origin_allowed(origin, host, self.allowed_origins, self.check_origin):
            logger.warning("refused a %s from origin %s (host %s)", "poll" if request.method == "POST" else
                           "WebSocket", excerpt(origin), excerpt(host))
            return Response(403, [("Content-Type", "text/plain; charset=utf-8")], b"Forbidden origin")
        return None

    def resume(self, request: Request):
        """The handler for a page coming back after its socket dropped (docs/protocol.md §1)."""
        conn = self.sessions.get(request.query_arg("session") or "")
        ack = request.query_arg("ack") or "0"
        if conn is None or not ack.isdigit() or len(ack) > 18:
            return SessionGone()
        return conn.resume_handler(int(ack))

    def connection_for(self, request: Request):
        """The WebSocket handler of an accepted upgrade (or a Response refusing it)."""
        if request.path != "/":
            return Response(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found")
        if (request.query_arg("session") or "NEW") != "NEW":
            return self.resume(request)
        info = make_session_info(request, backend=self.backend, protocol="websocket",
                                 forwarded=self.forwarded(request))
        return SessionConnection(self.app_for(request), info, debug=self.debug,
                                 reconnect_timeout=self.reconnect_timeout, registry=self.sessions,
                                 max_payload_size=self.max_payload_size)


def _method_not_allowed(allow: str = "GET, HEAD") -> Response:
    return Response(405, [("Allow", allow), ("Content-Type", "text/plain; charset=utf-8")],
                    b"Method Not Allowed")


_SETTING_ALIASES = {
    "websocket_ping_interval": "ping_interval",
    "websocket_ping_timeout": "ping_timeout",
}


def start_server(applications, port: int = 0, host: str = "", debug: bool = False, cdn=True,
                 static_dir: str | None = None, remote_access: bool = False, reconnect_timeout: float | None = None,
                 allowed_origins: list[str] | None = None, check_origin: Callable[[str], bool] | None = None,
                 auto_open_webbrowser: bool = False, max_payload_size="200M", allowed_hosts: list[str] | None = None,
                 **server_settings) -> None:
    """Serve PyWebIO apps on the built-in server until Ctrl-C.

    Args:
        applications: an app function, a list of them (named by ``__name__``) or a dict name -> app.
        port: TCP port (0 = any free port). host: interface ('' = all).
        debug: show tracebacks of app errors in the browser.
        cdn: ignored unless a str (a base URL to load the frontend from); files are always served locally.
        remote_access: True: a temporary public address through PyWebIO's tunnel service (``ssh -R``;
            printed when known); or a service of your own, ``'[user@]host[:ssh_port][/remote_port]'``.
            Without ssh or the service, a message says so and the app serves locally.
        reconnect_timeout: seconds a session waits for its page after the connection drops (the page
            reconnects by itself and nothing is lost); None = 10 s, 0 = off (a drop ends the session).
        static_dir: a directory served at /static/.
        allowed_origins: extra origins (shell patterns, e.g. 'https://*.example.com') allowed to connect.
        check_origin: a function origin -> bool that replaces allowed_origins.
        allowed_hosts: (pywebio_lite only) Host header patterns, e.g. ['localhost', '127.0.0.1'];
            other hosts get 400. Stops DNS rebinding (docs/security.md). None: any host.
        auto_open_webbrowser: open the app in a browser once the server is up.
        max_payload_size: largest WebSocket message / request body, int bytes or like '200M'.
        server_settings: ping_interval, ping_timeout (also as websocket_ping_*), header_timeout,
            max_text_message_size (largest text message, default '1M': form values, events; files
            travel as binary chunks), max_connections, max_connections_per_ip, body_timeout,
            min_body_rate... (see `pywebio_lite.server.Server` and docs/security.md),
            and these pywebio_lite additions (see docs/deploy.md):

            - ``ssl_context`` (an `ssl.SSLContext`), or ``certfile`` and ``keyfile`` (PEM paths):
              serve HTTPS and WSS on the same port.
            - ``auth=(user, password)`` or ``check_auth=f(user, password) -> bool``: HTTP Basic
              authentication on the page, the static files and the WebSocket alike; ``auth_realm``.
            - ``trusted_proxies``: addresses/networks of reverse proxies whose ``X-Forwarded-For``,
              ``-Proto`` and ``-Host`` headers are believed (for session.info and the origin check).
    """
    server = make_server(applications, port=port, host=host, debug=debug, cdn=cdn, static_dir=static_dir,
                         remote_access=remote_access, reconnect_timeout=reconnect_timeout,
                         allowed_origins=allowed_origins, check_origin=check_origin,
                         max_payload_size=max_payload_size, allowed_hosts=allowed_hosts, **server_settings)

    run_server(server, auto_open_webbrowser=auto_open_webbrowser, remote_access=remote_access)


def run_server(server: Server, *, auto_open_webbrowser: bool = False, remote_access=False) -> None:
    """Print where `server` listens, open a browser if asked, open the remote access tunnel if
    asked (`platform/remote_access.py`), serve until Ctrl-C."""
    tunnel = []

    def on_start(server: Server) -> None:
        url = server.url + "/"
        print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
        if auto_open_webbrowser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        if remote_access:
            from .remote_access import start_remote_access
            tunnel.append(start_remote_access(server.port, remote_access))

    try:
        server.run(on_start=on_start)
    finally:
        for t in tunnel:
            t.stop()


def make_server(applications, port: int = 0, host: str = "", debug: bool = False, cdn=True,
                static_dir: str | None = None, remote_access: bool = False, reconnect_timeout: float | None = None,
                allowed_origins=None, check_origin=None, max_payload_size="200M", allowed_hosts=None,
                **server_settings) -> Server:
    """A configured Server for `applications`, not yet started (start_server() runs it)."""
    return server_for(functools.partial(WebIOApp, applications), port=port, host=host, debug=debug, cdn=cdn,
                      static_dir=static_dir, remote_access=remote_access, reconnect_timeout=reconnect_timeout,
                      allowed_origins=allowed_origins, check_origin=check_origin,
                      max_payload_size=max_payload_size, allowed_hosts=allowed_hosts, **server_settings)


def server_for(make_app: Callable[..., WebIOApp], *, port: int = 0, host: str = "", debug: bool = False,
               cdn=True, static_dir: str | None = None, remote_access: bool = False,
               reconnect_timeout: float | None = None, allowed_origins=None, check_origin=None,
               max_payload_size="200M", allowed_hosts=None, **server_settings) -> Server:
    """A Server for the application object `make_app(cdn=, static_dir=, ...)` builds, with
    start_server's options applied (shared by start_server and path_deploy)."""
    claim_server_mode()  # PyWebIO's error if script mode has begun
    tls = make_ssl_context(server_settings.pop("ssl_context", None), server_settings.pop("certfile", None),
                           server_settings.pop("keyfile", None))
    auth = make_auth(server_settings.pop("auth", None), server_settings.pop("check_auth", None),
                     server_settings.pop("auth_realm", "pywebio_lite"))
    trusted_proxies = server_settings.pop("trusted_proxies", None)
    if os.environ.get("PYWEBIO_DEBUG"):
        debug = True
    if remote_access:  # opened by run_server once the server listens; a bad value fails now
        from .remote_access import parse_service
        parse_service(remote_access)
    app = make_app(cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, debug=debug, reconnect_timeout=reconnect_timeout,
                   auth=auth, trusted_proxies=trusted_proxies, allowed_hosts=allowed_hosts)
    settings = {}
    for key, value in server_settings.items():
        key = _SETTING_ALIASES.get(key, key)
        if key == "websocket_max_message_size":
            max_payload_size = value
            continue
        settings[key] = value
    size = parse_file_size(max_payload_size, name="max_payload_size")
    text_size = min(parse_file_size(settings.pop("max_text_message_size", DEFAULT_MAX_TEXT_MESSAGE),
                                    name="max_text_message_size"), size)
    app.max_text_size = text_size
    app.max_payload_size = size
    return Server(app, host=host, port=port, ssl=tls, max_message_size=size, max_text_message_size=text_size,
                  **settings)


def make_ssl_context(ssl_context=None, certfile: str | None = None, keyfile: str | None = None):
    """The server's TLS context: the one given, one loaded from PEM files, or None (plain HTTP)."""
    if ssl_context is not None:
        if certfile or keyfile:
            raise ValueError("give ssl_context or certfile/keyfile, not both")
        import ssl
        if not isinstance(ssl_context, ssl.SSLContext):
            raise TypeError("ssl_context must be an ssl.SSLContext")
        return ssl_context
    if keyfile and not certfile:
        raise ValueError("keyfile needs certfile")
    if not certfile:
        return None
    import ssl  # only a TLS server pays for importing ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(os.fspath(certfile), os.fspath(keyfile) if keyfile else None)
    except FileNotFoundError as error:
        raise ValueError(f"certfile/keyfile not found: {error.filename}") from None
    return context

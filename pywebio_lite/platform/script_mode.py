"""Script mode: PyWebIO calls anywhere in a plain script, with no start_server().

The first PyWebIO call made outside any session, in a process that started no server, starts
script mode (``pywebio_lite.session`` imports this module only then):

* a server for one session on a free loopback port (or ``PYWEBIO_SCRIPT_MODE_PORT``) in a
  background thread, and the browser opened on it; with no usable browser (or with that
  variable set) the URL is printed to stderr instead;
* the calling thread waits until the page connects, then becomes a task of the session; every
  other thread of the script is bound the same way on its first call;
* when every non-daemon thread has finished (an ``atexit`` handler runs exactly then), the page
  gets ``close_session`` and keeps its output; if callbacks were registered the script first
  waits for the page to close, as PyWebIO does. A closed tab makes pending and later calls raise
  SessionClosedException, and the defer_call functions run.

Coroutine apps have no place here: an ``async def`` calling PyWebIO functions with no session
gets a RuntimeError pointing to start_server().
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import webbrowser
from typing import Callable

from ..protocol.http import Response
from ..server import Server
from ..session import base as session_base
from ..session.scriptmode import ScriptModeSession
from .adaptor import SessionConnection, make_session_info
from .page import MAX_PAYLOAD_SIZE
from .server import WebIOApp

logger = logging.getLogger("pywebio_lite.script_mode")

__all__ = ["ScriptMode", "binding_for_current_thread", "PORT_ENV", "open_browser"]

#: The environment variable that fixes script mode's port (and then no browser is opened).
PORT_ENV = "PYWEBIO_SCRIPT_MODE_PORT"

_CO_ASYNC = 0x0080 | 0x0100 | 0x0200  # CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR


class ScriptMode:
    """Script mode's state in this process: its server, its one session, and how it ends."""

    #: Seconds the end of the script waits for the page to apply its last frames and close.
    PAGE_CLOSE_WAIT = 15.0

    def __init__(self):
        self.session: ScriptModeSession | None = None
        self.server: Server | None = None
        self.server_thread: int | None = None  # ident of the thread running the server loop
        self.url = ""
        self.connected = threading.Event()
        self.page_gone = threading.Event()  # the page's socket has closed
        self.interrupted = False  # the script ended with Ctrl-C: do not wait for the page

    def attach(self, session_info: dict, *, loop, on_output: Callable[[], None],
               on_close: Callable[[], None], debug: bool = False) -> ScriptModeSession | None:
        """The page connected (called in the transport's loop thread): the first connection
        gets the session and wakes the script; any later one gets None."""
        if self.session is not None:
            return None
        session = ScriptModeSession(session_info, loop=loop, on_output=on_output, on_close=on_close)
        if debug or os.environ.get("PYWEBIO_DEBUG"):
            session.debug = True
        self.session = session
        self.connected.set()
        return session

    def finish(self) -> None:
        """The script has ended (every non-daemon thread finished): end the session, stop the server."""
        session = self.session
        if session is not None:
            if not session.closed() and session.need_keep_alive() and not self.interrupted:
                try:
                    session._closed_event.wait()  # callbacks stay usable until the page closes
                except KeyboardInterrupt:  # Ctrl-C while waiting: end now
                    pass
            session.close(from_app=True)
            session.deferred_done.wait()
            if self.server is not None:
                # Let the page finish loading and apply the last frames; a page that never
                # does (JavaScript off, a frozen tab) does not keep the script from exiting.
                self.page_gone.wait(self.PAGE_CLOSE_WAIT)
        if self.server is not None:
            self.server.stop_thread()


class _ScriptConnection(SessionConnection):
    """The page's WebSocket: attaches to script mode's session instead of starting an app."""

    def __init__(self, state: ScriptMode, session_info: dict):
        super().__init__(None, session_info)
        self.state = state

    def make_session(self, loop):
        return self.state.attach(self.session_info, loop=loop, on_output=self._flush,
                                 on_close=self._session_ended)

    def _session_ended(self) -> None:
        # The script ended: send the rest, but leave the socket to the page. It closes it once it
        # has applied close_session, so the server stays up while the page is still loading.
        if self.session.ended_by_app:
            self.send_rest()

    def on_close(self, code: int, reason: str) -> None:
        super().on_close(code, reason)
        self.state.page_gone.set()


def _script_page():
    pass  # no docstring: the page title comes from config() or the default


class _ScriptModeApp(WebIOApp):
    """The page of script mode; only its first WebSocket is accepted."""

    def __init__(self, state: ScriptMode):
        super().__init__(_script_page)
        self.state = state
        self._taken = False

    async def handle_request(self, request):
        if request.path == "/" and self._taken:  # a second tab, or the first one reloaded
            from .app_files import error_page
            ended = self.state.session is not None and self.state.session.closed()
            title = ("This script's session has ended" if ended
                     else "This script is already shown in another tab")
            detail = ("Its page was closed or reloaded; run the script again for a new one." if ended
                      else "A script talks to one page at a time. If you reloaded its page, its "
                           "session has ended: run the script again for a new one.")
            return Response.html(409, error_page(title, detail))
        return await super().handle_request(request)

    def connection_for(self, request):
        if self._taken:
            return Response(409, [("Content-Type", "text/plain; charset=utf-8")],
                            b"This script is already shown in another tab")
        self._taken = True
        info = make_session_info(request, backend="pywebio_lite", protocol="websocket")
        return _ScriptConnection(self.state, info)


def open_browser(url: str) -> bool:
    """Open `url` in a browser; False if there is no usable one.

    On Linux and other Unix desktops, with no DISPLAY/WAYLAND_DISPLAY (and no $BROWSER chosen),
    webbrowser would fall back to a console browser that takes over the script's terminal, so
    that counts as no browser.
    """
    graphical = sys.platform in ("win32", "darwin") or any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))
    if not graphical:
        return False
    try:
        return bool(webbrowser.open(url))
    except Exception:  # webbrowser.Error, or the browser command failing to start
        logger.debug("could not open a browser", exc_info=True)
        return False


def _serve(state: ScriptMode) -> None:
    """Start script mode's server and show its page (the default `launcher`)."""
    raw_port = os.environ.get(PORT_ENV)
    try:
        port = int(raw_port) if raw_port else 0
    except ValueError:
        raise ValueError(f"{PORT_ENV} must be a port number, got {raw_port!r}") from None
    server = Server(_ScriptModeApp(state), host="127.0.0.1", port=port, max_message_size=MAX_PAYLOAD_SIZE)
    server.start_in_thread()
    state.server = server
    state.server_thread = server._thread.ident
    state.url = server.url + "/"
    if raw_port or not open_browser(state.url):
        print(f"pywebio_lite script mode: open {state.url} in a browser", file=sys.stderr, flush=True)


#: Starts what shows script mode's page: `launcher(state)` must lead to `state.attach(...)` once
#: the page connects. pywebio_lite.testing.ScriptModeClient puts a fake browser here.
launcher: Callable[[ScriptMode], None] = _serve

_state: ScriptMode | None = None
_lock = threading.Lock()
_atexit_registered = False


def _at_exit() -> None:
    state = _state
    if state is not None:
        state.finish()


def _watch_interrupt() -> None:
    """Note a Ctrl-C that ends the script (sys.excepthook runs before the atexit handlers)."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt) and _state is not None:
            _state.interrupted = True
        previous(kind, value, tb)

    sys.excepthook = hook


def _refuse_coroutine_caller() -> None:
    """RuntimeError if the code calling into pywebio_lite is an ``async def``."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__") or ""
        if name != "pywebio_lite" and not name.startswith("pywebio_lite."):
            break
        frame = frame.f_back
    if frame is not None and frame.f_code.co_flags & _CO_ASYNC:
        raise RuntimeError(
            "Coroutine-based apps cannot run in script mode: an async function called a "
            "pywebio_lite function outside any session. Serve it with start_server(app) instead.")


def binding_for_current_thread() -> tuple | None:
    """The (session, task_id) binding of the calling thread, starting script mode if needed.

    None when the process is a server (no script mode) or the caller is script mode's own
    server thread. Blocks until the page has connected.
    """
    global _state, _atexit_registered
    state = _state
    if state is not None and threading.get_ident() == state.server_thread:
        return None
    _refuse_coroutine_caller()
    if state is None:
        with _lock:
            if _state is None:
                if session_base.process_mode == "server":
                    return None
                session_base.process_mode = "script"
                new_state = ScriptMode()
                try:
                    launcher(new_state)
                except BaseException:
                    session_base.process_mode = None
                    raise
                _state = new_state
                if not _atexit_registered:
                    atexit.register(_at_exit)
                    _watch_interrupt()
                    _atexit_registered = True
            state = _state
    state.connected.wait()
    return state.session.bind_thread(threading.current_thread())

"""The session API: what an app can ask of its browser session.

The session kind is chosen per app from the function type, as PyWebIO does: an `async def` app
gets a CoroutineBasedSession, anything else a ThreadBasedSession (functools.partial is looked
through). Functions marked "[C]" below return an awaitable in a coroutine app (``await`` it) and
block and return the value in a thread app.

The coroutine side (`CoroutineBasedSession`, `TaskHandler`, and with them asyncio) is loaded on
first use: a thread app or a script never imports asyncio. A call made outside any session, in a
process that started no server, starts script mode (`pywebio_lite.platform.script_mode`, imported
only then).
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Callable

from ..exceptions import SessionClosedException, SessionException, SessionNotFoundException
from ..utils import check_dom_name_value, check_language, iscoroutinefunction, isgeneratorfunction
from . import base as _base
from .base import Session, get_current_session, get_current_task_id
from .threadbased import ThreadBasedSession

# Importable from here as in PyWebIO 1.8.4 (not in __all__, like there).
_REEXPORTED = (SessionClosedException, SessionException, SessionNotFoundException, get_current_task_id)

if TYPE_CHECKING:
    from .coroutinebased import CoroutineBasedSession, TaskHandler


def __getattr__(name: str):
    """`CoroutineBasedSession` and `TaskHandler` (with asyncio), and `ScriptModeSession`, imported
    when first asked for."""
    if name in ("CoroutineBasedSession", "TaskHandler"):
        from . import coroutinebased
        return getattr(coroutinebased, name)
    if name == "ScriptModeSession":  # loaded on first use, like script mode itself
        from .scriptmode import ScriptModeSession
        return ScriptModeSession
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"CoroutineBasedSession", "TaskHandler", "ScriptModeSession"})

__all__ = ["run_async", "run_asyncio_coroutine", "register_thread", "hold", "defer_call", "data",
           "get_info", "run_js", "eval_js", "download", "set_env", "go_app", "local", "info"]


def _script_mode_binding():
    """No session is bound to the caller: with no server in this process, start script mode.
    Its machinery (server, browser) is imported here, on first use only."""
    if _base.process_mode == "server":
        return None
    from ..platform import script_mode
    return script_mode.binding_for_current_thread()


_base.no_session_hook = _script_mode_binding


def session_class_for(app: Callable) -> type[Session]:
    """CoroutineBasedSession for `async def` (or generator) apps, ThreadBasedSession otherwise."""
    if iscoroutinefunction(app) or isgeneratorfunction(app):
        from .coroutinebased import CoroutineBasedSession
        return CoroutineBasedSession
    return ThreadBasedSession


def chose_impl(gen_func: Callable) -> Callable:
    """Turn a generator that yields whenever it needs the next browser event into a "[C]" function.

    In a thread session the generator is driven to completion at once (blocking); in a coroutine
    session the call returns a coroutine that drives it.
    """
    @functools.wraps(gen_func)
    def inner(*args, **kwargs):
        session = get_current_session()
        return session.drive(gen_func(*args, **kwargs))

    return inner


def next_client_event():
    """[C] The next event the browser sends to the calling task."""
    return get_current_session().next_client_event()


def _need_thread_session(func_name: str) -> ThreadBasedSession:
    session = get_current_session()
    if session.is_coroutine:
        raise RuntimeError(f"Only can invoke {func_name}() in thread-based session")
    return session


def _need_coroutine_session(func_name: str) -> "CoroutineBasedSession":
    session = get_current_session()
    if not session.is_coroutine:
        raise RuntimeError(f"Only can invoke {func_name}() in coroutine-based session")
    return session


def register_thread(thread: threading.Thread) -> None:
    """Let `thread` use PyWebIO functions of the current session (thread apps only)."""
    _need_thread_session("register_thread").register_thread(thread)


def run_async(coro_obj) -> "TaskHandler":
    """Run a coroutine as a new task of the current session (coroutine apps only)."""
    return _need_coroutine_session("run_async").run_async(coro_obj)


async def run_asyncio_coroutine(coro_obj):
    """Await a plain asyncio coroutine (coroutine apps only).

    Sessions run on the asyncio loop itself, so this is plain ``await``; it is kept so PyWebIO
    apps written for Flask/Django with run_event_loop() run unchanged.
    """
    import asyncio
    session = _need_coroutine_session("run_asyncio_coroutine")
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is session.loop:
        return await coro_obj
    future = asyncio.run_coroutine_threadsafe(coro_obj, session.loop)
    return await asyncio.wrap_future(future)


def hold():
    """[C] Keep the session alive until the browser leaves."""
    return get_current_session().hold()


def defer_call(func: Callable) -> Callable:
    """Call `func` when the session closes, whatever closed it. First registered, first run.

    Returns `func`, so it works as a decorator.
    """
    return get_current_session().defer_call(func)


def run_js(code_: str, **args) -> None:
    """Run JavaScript in the browser; keyword arguments become local variables of the code."""
    if not isinstance(code_, str):
        raise TypeError(f"code_ must be a str, not {type(code_).__name__}")
    get_current_session().send_task_command("run_script", {"code": code_, "args": args})


@chose_impl
def eval_js(expression_: str, **args):
    """[C] Evaluate a JavaScript expression in the browser and return its (JSON) value.

    A Promise is awaited; `undefined`, a rejected Promise or an exception give None.
    """
    if not isinstance(expression_, str):
        raise TypeError(f"expression_ must be a str, not {type(expression_).__name__}")
    get_current_session().send_task_command("run_script", {"code": expression_, "args": args, "eval": True})
    while True:
        event = yield
        if event.event == "js_yield":
            return event.data


def download(name: str, content: bytes) -> None:
    """Make the browser save `content` as a file called `name`."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"content must be bytes, not {type(content).__name__}")
    import base64
    get_current_session().send_task_command(
        "download", {"name": name, "content": base64.b64encode(bytes(content)).decode("ascii")})


_ENV_KEYS = {
    "title": str, "output_animation": bool, "auto_scroll_bottom": bool, "http_pull_interval": int,
    "input_panel_fixed": bool, "input_panel_min_height": int, "input_panel_init_height": int,
    "input_auto_focus": bool, "output_max_width": str, "language": str,
}


def set_env(**env_info) -> None:
    """Page settings: title, output_animation, auto_scroll_bottom, output_max_width, input panel keys...
    and ``language`` (pywebio_lite's own: the language of the built-in labels and messages, e.g. 'de')."""
    for key, value in env_info.items():
        if key not in _ENV_KEYS:
            raise ValueError(f"set_env() got an unknown setting {key!r}; known: {', '.join(_ENV_KEYS)}")
        kind = _ENV_KEYS[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"set_env({key}=...) needs an int, got {type(value).__name__}")
        if kind is str and not isinstance(value, str):
            raise TypeError(f"set_env({key}=...) needs a str, got {type(value).__name__}")
    session = get_current_session()
    if "language" in env_info:
        # The language of the built-in labels and messages from now on (pywebio_lite.i18n).
        session.language_choice = check_language(env_info["language"])
    session.send_task_command("set_env", env_info)


def go_app(name: str, new_window: bool = True) -> None:
    """Open another app of the same server (``?app=name``)."""
    check_dom_name_value(name, "name")
    get_current_session().send_task_command("open_app", {"name": name, "new_window": bool(new_window)})


class _ObjectDictProxy:
    """Attribute access to the current session's `local` dict; missing attributes read as None."""

    __slots__ = ()

    @property
    def _dict(self) -> dict:
        return get_current_session().save

    def __getattr__(self, name):
        # `_` names cannot be set as attributes; tools probe such names (pytest's _mock_name,
        # IPython's _repr_*_), and that must not start script mode.
        if name.startswith("_"):
            raise AttributeError(name)
        return self._dict.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AssertionError("Cannot set attributes starting with underscore")
        self._dict[name] = value

    def __delattr__(self, name):
        self._dict.pop(name, None)

    def __getitem__(self, key):
        return self._dict[key]

    def __setitem__(self, key, value):
        self._dict[key] = value

    def __delitem__(self, key):
        del self._dict[key]

    def __contains__(self, key):
        return key in self._dict

    def __len__(self):
        return len(self._dict)

    def __iter__(self):
        return iter(self._dict)

    def __repr__(self):
        return f"local({self._dict!r})"


class _ReadOnlyInfo:
    """Read-only attribute access to the current session's info."""

    __slots__ = ()

    @property
    def _dict(self) -> dict:
        return get_current_session().info

    def __getattr__(self, name):
        if name.startswith("_"):  # as for `local`: introspection must not start script mode
            raise AttributeError(name)
        try:
            return self._dict[name]
        except KeyError:
            raise AttributeError(f"session info has no field {name!r}") from None

    def __getitem__(self, key):
        return self._dict[key]

    def __setattr__(self, name, value):
        raise AttributeError("session info is read-only")

    def __contains__(self, key):
        return key in self._dict

    def __iter__(self):
        return iter(self._dict)

    def __len__(self):
        return len(self._dict)

    def __repr__(self):
        return f"info({self._dict!r})"


local = _ObjectDictProxy()
info = _ReadOnlyInfo()


def data():
    """Deprecated since PyWebIO 1.1: use `local`."""
    return local


def get_info():
    """Deprecated since PyWebIO 1.2: use `info`."""
    return info

"""The Session base class: what thread-based and coroutine-based sessions share.

A session is one browser page talking to one run of an app. It owns

* the outbox: commands waiting to be sent, cut into numbered frames (`protocol.app.Outbox`);
* the registries that browser events are routed through: waiting tasks and callbacks, both
  keyed by ids this session gave out, so an event can only reach this session's own code;
* the per-task scope stacks, the `local` dict, `info`, and the `defer_call` functions.

A transport adaptor (`pywebio_lite.platform.adaptor`) connects a session to a connection. It gives
the session two callables, both run in the adaptor's event loop thread:

* ``on_output()``: commands are waiting; call `take_frame()` until it returns None and send them;
* ``on_close()``: the session has ended; flush what is left and close the connection.

and feeds it `dispatch_frame(text)` for every browser message and `close()` when the browser goes.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import traceback
import weakref
from typing import TYPE_CHECKING, Any, Callable

from ..clientlog import LogLimiter, excerpt
from ..exceptions import SessionClosedException, SessionNotFoundException
from ..protocol.app import (ClientEvent, FrameError, Inbox, Outbox, command_loads, encode_command,
                            encode_command_with_spec_json, output_loads, parse_client_frame,
                            parse_upload_chunk)
from ..utils import random_str
from .uploads import UploadTarget

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["Session", "get_current_session", "get_current_task_id", "current_binding", "claim_server_mode"]

#: (session, task_id) of the running task, for code that runs in a task we started.
_current: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("pywebio_lite_task", default=None)
#: (session, task_id) of threads the user registered with register_thread() before starting them.
_registered_threads: "weakref.WeakKeyDictionary[threading.Thread, tuple]" = weakref.WeakKeyDictionary()

#: Called when no session is bound (script mode plugs in here). Returns a binding or None.
no_session_hook: Callable[[], tuple | None] | None = None
#: How this process runs apps, as PyWebIO allows only one way: None until decided, "server" once
#: a server (or any session host) exists, "script" once script mode began.
process_mode: str | None = None

SCRIPT_MODE_ERROR = "Already in script mode, can't start server"


def claim_server_mode() -> None:
    """Called by every server and session host: from now on no script mode. PyWebIO's
    RuntimeError if script mode has begun already."""
    global process_mode
    if process_mode == "script":
        raise RuntimeError(SCRIPT_MODE_ERROR)
    process_mode = "server"

_INTERNAL_ERROR = {
    "en": "An internal error occurred in the application",
    "zh": "应用发生内部错误",
}


def current_binding() -> tuple:
    """(session, task_id) of the caller, or raise SessionNotFoundException."""
    binding = _current.get()
    if binding is None:
        binding = _registered_threads.get(threading.current_thread())
        if binding is None and no_session_hook is not None:
            binding = no_session_hook()
        if binding is None:
            raise SessionNotFoundException(
                "No session found in this context. PyWebIO functions can only be called inside an "
                "app run by start_server(); a thread you start must be registered with "
                "register_thread(thread) before it calls them.")
    session = binding[0]
    if session.is_coroutine:  # each asyncio task is its own PyWebIO task (asyncio.gather works)
        return session, session.current_task_id(binding[1])
    return binding


def get_current_session() -> "Session":
    """The session of the calling task or thread.

    Raises SessionNotFoundException outside a session, SessionClosedException once it has closed.
    """
    session = current_binding()[0]
    if session.closed():
        raise SessionClosedException("the session has closed")
    return session


def get_current_task_id() -> str:
    """The id of the calling task (thread or coroutine) within its session."""
    return current_binding()[1]


class Session:
    """Base class of the two session kinds. See the module docstring for the adaptor contract."""

    #: Set per session by the app's server (start_server(debug=True), path_deploy(debug=True)):
    #: unhandled errors show a traceback popup in the browser.
    debug = False
    #: The max_payload_size the app's server was started with (bytes), the limit of file uploads;
    #: None: the default (platform.page.MAX_PAYLOAD_SIZE). Set per session by the server.
    max_payload_size: int | None = None
    #: Most events queued for one task that is not reading them; later ones are dropped.
    max_queued_events = 100
    #: Log lines about a browser's bad events: at most this many per period (seconds).
    client_log_burst = 10
    client_log_period = 60.0
    #: A thread that queues more commands than this while the browser is not taking them waits
    #: until half have left, so a fast app and a slow connection cannot fill the memory.
    max_pending_commands = 20000
    #: How long commands of an app thread wait for company before leaving, in seconds (see _queue).
    LINGER = 0.002
    is_coroutine = False
    #: True for the one session of script mode (it does not make the process a server).
    is_script_mode = False

    def __init__(self, target: Callable, session_info: dict | None = None, *,
                 loop: "asyncio.AbstractEventLoop" | None = None,
                 on_output: Callable[[], None] | None = None,
                 on_close: Callable[[], None] | None = None,
                 history_chars: int = 0):
        if not self.is_script_mode:
            claim_server_mode()
        self.target = target
        self.info = session_info if session_info is not None else {}
        self.loop = loop
        self._on_output = on_output
        self._on_close = on_close
        self._lock = threading.Lock()
        self._drained = threading.Condition(self._lock)
        self._senders_waiting = 0
        self.outbox = Outbox(history_chars=history_chars)
        self.inbox = Inbox()
        self._flush_scheduled = False
        self._linger_scheduled = False
        self._last_flush = 0.0
        self._closed = False
        self._close_reason = ""
        self._deferred: list[Callable] = []
        self.callbacks: dict[str, tuple[Callable, dict]] = {}
        self._callback_counter = 0
        self._scope_stacks: dict[str, list[str]] = {}
        self.save: dict = {}  # backs session.local
        self.uploads: dict[str, UploadTarget] = {}
        self.pins: dict[str, object] = {}  # pin name -> its InputItem (pywebio_lite.pin)
        self.onchange_contexts: dict[str, tuple] = {}  # task id -> the form whose onchange runs
        self.ended_by_app = False
        self._client_log: LogLimiter | None = None
        # Sessions are created by their adaptor in the event loop's thread.
        self._loop_thread = threading.get_ident() if loop is not None else None

    # ------------------------------------------------------------------ sending
    def send_task_command(self, command: str, spec: Any = None, task_id: str | None = None, *,
                          linger: bool = False) -> None:
        """Queue one command for the browser. `task_id` defaults to the calling task's id.

        linger=True: the app is about to send more (destroy_form, then the next form or output),
        so let a thread app's next command join this one's frame instead of waking the event
        loop at once; the frame leaves within `LINGER` seconds anyway.
        """
        if task_id is None:
            try:
                session, task_id = current_binding()
            except SessionNotFoundException:  # e.g. a deferred function after the session closed
                session = None
            if session is not self:
                task_id = None
        encoded = encode_command(command, spec, task_id)
        self._queue(encoded, linger=linger, loads=command_loads(command, encoded))

    def send_command(self, command: str, spec: Any = None) -> None:
        """Queue a command that belongs to no task (close_session, set_env...)."""
        encoded = encode_command(command, spec)
        self._queue(encoded, loads=command_loads(command, encoded))

    def send_output_json(self, spec_json: str) -> None:
        """Queue an `output` command whose spec is already JSON text (the put_xxx() fast path)."""
        self._queue(encode_command_with_spec_json("output", spec_json), loads=output_loads(spec_json))

    def _queue(self, encoded: str, *, linger: bool = False, loads=None) -> None:
        """Add a command and make sure a flush will send it.

        A flush runs in the event loop's thread. From a coroutine session (the loop's own thread)
        it runs once the running task yields, so everything a task does between two awaits leaves
        in one frame. From an app thread, the first command after a quiet moment wakes the loop at
        once (no added latency); commands that follow a flush within `LINGER` seconds, or that ask
        to linger, wait that long, so a burst of output goes out in a few large frames rather than
        one frame per command.
        """
        with self._lock:
            if self._closed:
                return
            self.outbox.add(encoded, loads)
            if self.loop is None:
                return  # no transport attached (tests take frames themselves)
            in_loop = threading.get_ident() == self._loop_thread
            delay = not in_loop and (linger or time.monotonic() - self._last_flush < self.LINGER)
            schedule_now = schedule_later = False
            if delay:
                if not self._flush_scheduled and not self._linger_scheduled:
                    schedule_later = self._linger_scheduled = True
            elif not self._flush_scheduled:
                schedule_now = self._flush_scheduled = True
            if len(self.outbox) > self.max_pending_commands and not in_loop:
                if not self._flush_scheduled:
                    schedule_now = self._flush_scheduled = True
                if schedule_now:
                    self._schedule_flush()
                    schedule_now = False
                self._wait_for_drain()
        if schedule_now:
            self._schedule_flush()
        elif schedule_later:
            self._schedule_linger()

    def _wait_for_drain(self) -> None:
        """Block the calling (app) thread until the outbox is half empty. Holds self._lock."""
        self._senders_waiting += 1
        try:
            self._drained.wait_for(lambda: self._closed or len(self.outbox) <= self.max_pending_commands // 2)
        finally:
            self._senders_waiting -= 1

    def _schedule_flush(self) -> None:
        if threading.get_ident() == self._loop_thread:
            self.loop.call_soon(self._run_on_output)
        else:
            try:
                self.loop.call_soon_threadsafe(self._run_on_output)
            except RuntimeError:  # the loop has closed: the server is gone
                pass

    def flush_lingering(self) -> None:
        """Send at once what waits for company: the app is about to block (for an event), so
        nothing more is coming for now. Called by an app thread before it waits."""
        with self._lock:
            if self._closed or self._flush_scheduled or not self._linger_scheduled:
                return
            self._flush_scheduled = True
        self._schedule_flush()

    def _schedule_linger(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.loop.call_later, self.LINGER, self._run_lingered)
        except RuntimeError:
            pass

    def _run_lingered(self) -> None:
        with self._lock:
            self._linger_scheduled = False
        self._run_on_output()

    def _run_on_output(self) -> None:
        with self._lock:
            self._flush_scheduled = False
            self._last_flush = time.monotonic()
        if self._on_output is not None:
            self._on_output()

    def take_frame(self) -> str | None:
        """The next frame of waiting commands (for the adaptor), or None."""
        with self._lock:
            frame = self.outbox.take_frame(self.inbox.last_seq)
            if self._senders_waiting:
                self._drained.notify_all()
            return frame

    def pending_commands(self) -> int:
        with self._lock:
            return len(self.outbox)

    def frames_after(self, seq: int) -> list[str] | None:
        """Sent frames numbered after `seq`, for a page that reconnects; None if some were forgotten."""
        with self._lock:
            return self.outbox.frames_after(seq)

    # ------------------------------------------------------------------ receiving
    def dispatch_frame(self, text: str | bytes) -> None:
        """Apply one browser frame. Malformed frames and unknown ids are dropped with a log line."""
        try:
            seq, ack, events = parse_client_frame(text)
        except FrameError as e:
            self.client_log.warning("dropped a malformed frame from the browser: %s", e)
            return
        if not self.inbox.accept(seq):
            return  # a replayed frame that was applied already
        if ack is not None:
            with self._lock:
                self.outbox.ack(ack)
        for event in events:
            self.dispatch_event(event)

    def dispatch_event(self, event: ClientEvent) -> None:
        """Route one event to the callback or the waiting task it names."""
        if self._closed:
            return
        if event.event == "callback":
            entry = self.callbacks.get(event.task_id)
            if entry is None:
                self.client_log.warning("dropped a callback event for an unknown callback id %s",
                                        excerpt(event.task_id, 40))
                return
            self._run_callback(entry[0], event.data, entry[1])
            return
        if not self._deliver_to_task(event):
            self.client_log.warning("dropped a %s event for an unknown task %s", event.event,
                                    excerpt(event.task_id, 40))

    def _deliver_to_task(self, event: ClientEvent) -> bool:
        raise NotImplementedError

    @property
    def client_log(self) -> LogLimiter:
        """Where this session logs what its browser did wrong: at most `client_log_burst` lines
        per `client_log_period` seconds, so a flood of bad events cannot flood the log."""
        limiter = self._client_log
        if limiter is None:
            limiter = self._client_log = LogLimiter(logger, burst=self.client_log_burst,
                                                    period=self.client_log_period)
        return limiter

    def dispatch_binary(self, message: bytes) -> None:
        """Apply one binary browser message: a chunk of an uploaded file."""
        try:
            chunk = parse_upload_chunk(message)
        except FrameError as e:
            self.client_log.warning("dropped a malformed upload chunk: %s", e)
            return
        target = self.uploads.get(chunk.target)
        if target is None:
            self.client_log.warning("dropped an upload chunk for an unknown target")
            return
        target.add_chunk(chunk, chunk.name)

    def open_upload_target(self, limits: dict, on_refuse=None, target_id: str | None = None) -> UploadTarget:
        """Start accepting files for one submit; `limits` maps input name -> (max_size, max_total)."""
        target = UploadTarget(target_id or random_str(20), limits, on_refuse)
        with self._lock:
            self.uploads[target.target_id] = target
        return target

    def close_upload_target(self, target: UploadTarget) -> None:
        with self._lock:
            self.uploads.pop(target.target_id, None)
            target.close()

    def _run_callback(self, func: Callable, data: Any, options: dict) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ callbacks, scopes, defer
    def register_callback(self, callback: Callable, **options) -> str:
        """Register a function the browser may call; returns its id (unique within this session)."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        with self._lock:
            self._callback_counter += 1
            callback_id = "cb" + str(self._callback_counter)
            self.callbacks[callback_id] = (callback, options)
        return callback_id

    def unregister_callback(self, callback_id: str) -> None:
        self.callbacks.pop(callback_id, None)

    def need_keep_alive(self) -> bool:
        """An app that registered callbacks keeps its session open until the browser leaves."""
        return bool(self.callbacks)

    def scope_stack(self, task_id: str | None = None) -> list[str]:
        """The scope stack of a task (the caller's by default); 'ROOT' at the bottom."""
        if task_id is None:
            task_id = current_binding()[1]
        stack = self._scope_stacks.get(task_id)
        if stack is None:
            stack = self._scope_stacks[task_id] = ["ROOT"]
        return stack

    def forget_task(self, task_id: str) -> None:
        """A task ended: drop its scope stack and event queue."""
        self._scope_stacks.pop(task_id, None)

    def defer_call(self, func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"defer_call() needs a callable, got {type(func).__name__}")
        self._deferred.append(func)
        return func

    def _run_deferred(self) -> None:
        """Run the defer_call functions, first registered first; one failing does not stop the rest."""
        deferred, self._deferred = self._deferred, []
        for func in deferred:
            try:
                func()
            except Exception:
                logger.exception("error in a defer_call function")

    # ------------------------------------------------------------------ errors
    def on_task_exception(self) -> None:
        """Log the exception being handled and tell the user (a toast, or a traceback popup when debug)."""
        logger.exception("error in the application")
        if self._closed:
            return
        try:
            if self.debug:
                tb = traceback.format_exc()
                self.send_task_command("popup", {
                    "title": "Error", "size": "large", "implicit_close": True, "closable": True,
                    "contents": [{"type": "code", "content": tb, "language": "python"}],
                })
                self.send_task_command("run_script", {"code": "console.error(msg)", "args": {"msg": tb}})
            else:
                lang = str(self.info.get("user_language") or "").lower()
                text = _INTERNAL_ERROR["zh" if lang.startswith("zh") else "en"]
                self.send_task_command("toast", {"content": text, "duration": 4000, "position": "center",
                                                 "color": "#e53935", "callback_id": None})
        except Exception:  # never let error reporting raise
            logger.debug("could not report the error to the browser", exc_info=True)

    # ------------------------------------------------------------------ closing
    def closed(self) -> bool:
        return self._closed

    def close(self, *, from_app: bool = False) -> None:
        """End the session.

        from_app=True: the app finished; the browser gets `close_session`. Otherwise the browser
        left: waiting calls raise SessionClosedException. Either way the defer_call functions run
        and the adaptor's on_close is called once.
        """
        with self._lock:
            if self._closed:
                return
            if from_app:
                self.outbox.add(encode_command("close_session"))
            self._closed = True
            self.ended_by_app = from_app
            self._drained.notify_all()
        self._wake_waiters()
        with self._lock:
            targets = list(self.uploads.values())
            self.uploads.clear()
        for target in targets:
            target.close()
        self._finish_close()

    def _wake_waiters(self) -> None:
        raise NotImplementedError

    def _finish_close(self) -> None:
        """Run deferred functions, then tell the adaptor. Subclasses choose the thread."""
        self._run_deferred()
        self._notify_closed()

    def _notify_closed(self) -> None:
        if self._on_close is None or self.loop is None:
            return
        if threading.get_ident() == self._loop_thread:
            self._on_close()
        else:
            try:
                self.loop.call_soon_threadsafe(self._on_close)
            except RuntimeError:
                pass

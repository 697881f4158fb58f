"""Thread-based sessions: a plain `def` app runs in its own thread and blocks in input calls.

Each task (the main function, each callback run, each thread registered with register_thread())
has an id and, once something is sent to it, an event queue. `next_client_event()` blocks on the
caller's queue. Callbacks run concurrently on a bounded per-session pool of threads
(`max_callback_threads`, started on demand, ended when idle), or, with ``serial_mode=True``, one
after another in a single per-session worker thread; at most `max_queued_callbacks` runs wait
for a thread, later clicks are dropped with a (rate-limited) log line.

When the app returns, registered threads are joined; then, if callbacks were registered, the session
stays open until the browser leaves; otherwise the browser gets `close_session`.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from ..exceptions import SessionClosedException, SessionException
from ..protocol.app import ClientEvent
from ..utils import task_id as new_task_id, unwrap_partial
from .base import Session, _current, _registered_threads, current_binding
from .pool import CallbackPool

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["ThreadBasedSession"]

_CLOSED = object()  # put into every queue when the session closes


def _func_name(func) -> str:
    return getattr(unwrap_partial(func), "__name__", "task")


class ThreadBasedSession(Session):
    """A session whose app and callbacks run in threads."""

    #: Most callback runs of one session at the same time (each on its own thread).
    max_callback_threads = 16
    #: Most callback runs waiting for a thread (or, in serial_mode, for the one before them).
    max_queued_callbacks = 100

    def __init__(self, target: Callable, session_info: dict | None = None, **kwargs):
        super().__init__(target, session_info, **kwargs)
        self._queues: dict[str, queue.SimpleQueue] = {}
        self._live_tasks: set[str] = set()
        self._registered: list[threading.Thread] = []
        self._serial_queue: queue.SimpleQueue | None = None
        self._pool: CallbackPool | None = None
        self._closed_event = threading.Event()
        self.main_thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the app's main thread."""
        self.main_thread = threading.Thread(target=self._run_main, daemon=True,
                                            name=f"pywebio-{_func_name(self.target)}")
        self.main_thread.start()

    # ------------------------------------------------------------------ tasks
    def _bind_current_thread(self, name: str) -> str:
        task_id = new_task_id(name)
        _current.set((self, task_id))
        with self._lock:
            self._live_tasks.add(task_id)
        return task_id

    def _end_task(self, task_id: str) -> None:
        with self._lock:
            self._live_tasks.discard(task_id)
            self._queues.pop(task_id, None)
        self.forget_task(task_id)

    def _run_main(self) -> None:
        task_id = self._bind_current_thread(_func_name(self.target))
        try:
            self.target()
            for thread in list(self._registered):
                if thread.ident is not None and thread is not threading.current_thread():
                    thread.join()
        except SessionException:
            pass
        except Exception:
            self.on_task_exception()
        finally:
            self._end_task(task_id)
        if self.need_keep_alive():
            self._closed_event.wait()
        self.close(from_app=True)

    def register_thread(self, thread: threading.Thread) -> None:
        """Let `thread` call PyWebIO functions of this session; the app waits for it before closing."""
        if not isinstance(thread, threading.Thread):
            raise TypeError(f"register_thread() needs a threading.Thread, got {type(thread).__name__}")
        name = _func_name(getattr(thread, "_target", None) or thread.run)
        task_id = new_task_id(name)
        _registered_threads[thread] = (self, task_id)
        with self._lock:
            self._live_tasks.add(task_id)
            self._registered.append(thread)

    # ------------------------------------------------------------------ events
    def _deliver_to_task(self, event: ClientEvent) -> bool:
        with self._lock:
            if event.task_id not in self._live_tasks:
                return False
            q = self._queues.get(event.task_id)
            if q is None:
                q = self._queues[event.task_id] = queue.SimpleQueue()
        if q.qsize() >= self.max_queued_events:
            self.client_log.warning("dropped an event: task %s has %d unread events", event.task_id, q.qsize())
            return True
        q.put(event)
        return True

    def next_client_event(self) -> dict:
        """Block until the browser sends an event for the calling task (as PyWebIO's dict)."""
        return self._next_event().as_dict()

    def _next_event(self) -> ClientEvent:
        """Block until the browser sends an event for the calling task."""
        task_id = current_binding()[1]
        with self._lock:
            if self._closed:
                raise SessionClosedException("the session has closed")
            q = self._queues.get(task_id)
            if q is None:
                q = self._queues[task_id] = queue.SimpleQueue()
        if q.empty():
            self.flush_lingering()  # e.g. the next form, queued behind a destroy_form: send it now
        event = q.get()
        if event is _CLOSED:
            raise SessionClosedException("the session has closed")
        return event

    def drive(self, gen) -> Any:
        """Run an input generator to completion, feeding it client events (blocking)."""
        value = None
        while True:
            try:
                gen.send(value)
            except StopIteration as stop:
                return stop.value
            value = self._next_event()

    # ------------------------------------------------------------------ callbacks
    def _run_callback(self, func: Callable, data: Any, options: dict) -> None:
        if options.get("serial_mode"):
            with self._lock:
                if self._closed:
                    return
                if self._serial_queue is None:
                    self._serial_queue = queue.SimpleQueue()
                    threading.Thread(target=self._serial_worker, daemon=True,
                                     name="pywebio-callbacks").start()
            if self._serial_queue.qsize() >= self.max_queued_callbacks:
                self.client_log.warning("dropped a click: %d serial callback runs are waiting",
                                        self._serial_queue.qsize())
                return
            self._serial_queue.put((func, data))
            return
        pool = self._pool
        if pool is None:
            with self._lock:
                if self._closed:
                    return
                pool = self._pool = CallbackPool(self._callback_thread,
                                                 max_workers=self.max_callback_threads,
                                                 max_queued=self.max_queued_callbacks)
        if not pool.submit(func, data) and not self._closed:
            self.client_log.warning("dropped a click: %d callback runs in progress and %d waiting",
                                    pool.workers, pool.queued)

    def _call(self, func: Callable, data: Any) -> None:
        try:
            func(data)
        except SessionException:
            pass
        except Exception:
            self.on_task_exception()

    def _callback_thread(self, func: Callable, data: Any) -> None:
        task_id = self._bind_current_thread(_func_name(func))
        try:
            self._call(func, data)
        finally:
            self._end_task(task_id)

    def _serial_worker(self) -> None:
        task_id = self._bind_current_thread("callbacks")
        q = self._serial_queue
        try:
            while True:
                item = q.get()
                if item is _CLOSED:
                    return
                self._call(*item)
        finally:
            self._end_task(task_id)

    # ------------------------------------------------------------------ closing
    def _wake_waiters(self) -> None:
        with self._lock:
            queues = list(self._queues.values())
            serial = self._serial_queue
            pool = self._pool
        if pool is not None:
            pool.close()
        for q in queues:
            q.put(_CLOSED)
        if serial is not None:
            serial.put(_CLOSED)
        self._closed_event.set()
        for thread in self._registered:
            _registered_threads.pop(thread, None)

    def _finish_close(self) -> None:
        if threading.get_ident() == self._loop_thread:
            # The browser left: deferred functions may block, so keep them off the event loop.
            threading.Thread(target=super()._finish_close, daemon=True, name="pywebio-close").start()
        else:
            super()._finish_close()

    def hold(self) -> None:
        """Block until the browser leaves (events that arrive meanwhile are discarded)."""
        try:
            while True:
                self._next_event()
        except SessionException:
            return

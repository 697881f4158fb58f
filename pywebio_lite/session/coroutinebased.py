"""Coroutine-based sessions: an `async def` app runs as asyncio tasks on the server's event loop.

Every session task (the main coroutine, each `run_async()` coroutine, each coroutine callback run)
is a real `asyncio.Task` whose context carries the (session, task id) binding, so PyWebIO calls
inside it know their session, and PyWebIO awaitables mix freely with asyncio ones
(`asyncio.gather(input(...), asyncio.sleep(1))` works, unlike in PyWebIO).

The session closes when the main task and every `run_async()` task have finished, unless callbacks
are registered, in which case it stays until the browser leaves. When the browser leaves, tasks
waiting for the browser get SessionClosedException, other tasks of the session are cancelled.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import weakref
from collections import deque
from typing import Any, Callable, Coroutine

from ..exceptions import SessionClosedException, SessionException
from ..protocol.app import ClientEvent
from ..utils import task_id as new_task_id, unwrap_partial
from .base import Session, _current, current_binding

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["CoroutineBasedSession", "TaskHandler"]


class TaskHandler:
    """Handle of a coroutine started with run_async(): `close()` cancels it, `closed()` tells if it ended.

    As in PyWebIO, `closed()` is True as soon as `close()` was called (the cancellation reaches
    the coroutine at its next await), and stays True even if the coroutine swallows it.
    """

    __slots__ = ("_task", "_closed")

    def __init__(self, task: asyncio.Task):
        self._task = task
        self._closed = False

    def close(self) -> None:
        self._closed = True
        self._task.cancel()

    def closed(self) -> bool:
        return self._closed or self._task.done()

    def __repr__(self) -> str:
        return f"<TaskHandler {'closed' if self.closed() else 'running'}>"


def _name_of(obj) -> str:
    return getattr(obj, "__name__", None) or getattr(unwrap_partial(obj), "__name__", "task")


class CoroutineBasedSession(Session):
    """A session whose app and callbacks are coroutines on the server's event loop."""

    is_coroutine = True
    #: Most coroutine callback runs of one session alive at the same time; later clicks are
    #: dropped with a (rate-limited) log line. 116: a thread session's 16 running + 100 waiting.
    max_callback_tasks = 116

    def __init__(self, target: Callable, session_info: dict | None = None, **kwargs):
        super().__init__(target, session_info, **kwargs)
        if self.loop is None:
            self.loop = asyncio.get_event_loop()
            self._loop_thread = threading.get_ident()
        self._tasks: dict[str, asyncio.Task] = {}
        self._events: dict[str, deque] = {}
        self._waiters: dict[str, asyncio.Future] = {}
        self._alive = 0  # main + run_async tasks still running
        self._callback_tasks = 0  # coroutine callback runs still running
        self.main_task: asyncio.Task | None = None
        # Every asyncio task that calls PyWebIO functions gets a task id: ours when we spawned it,
        # a new one for tasks the app made itself (asyncio.gather, create_task...).
        self._task_ids: "weakref.WeakKeyDictionary[asyncio.Task, str]" = weakref.WeakKeyDictionary()
        self._other_tasks: set[str] = set()

    def start(self) -> None:
        """Start the app's main task (call from the event loop's thread)."""
        self.main_task = self._spawn(self.target(), _name_of(self.target), counts=True)

    # ------------------------------------------------------------------ tasks
    def _spawn(self, coro: Coroutine, name: str, *, counts: bool) -> asyncio.Task:
        task_id = new_task_id(name)
        if counts:
            self._alive += 1
        else:
            self._callback_tasks += 1
        task = self.loop.create_task(self._run_task(coro, task_id, counts))
        self._tasks[task_id] = task
        # A task cancelled before it first ran never enters _run_task: finish it here.
        task.add_done_callback(lambda _: self._finish_task(task_id, counts, coro))
        return task

    def current_task_id(self, bound_id: str) -> str:
        """The id of the running asyncio task; `bound_id` (the id in its context) if none runs.

        A task the app started itself gets its own id the first time it calls PyWebIO, with a
        copy of the scope stack of the task that started it.
        """
        task = asyncio.current_task(self.loop) if self._in_loop_thread() else None
        if task is None:
            return bound_id
        task_id = self._task_ids.get(task)
        if task_id is None:
            coro = task.get_coro()
            task_id = new_task_id(getattr(coro, '__name__', 'task'))
            self._task_ids[task] = task_id
            self._other_tasks.add(task_id)
            parent = self._scope_stacks.get(bound_id)
            if parent is not None:
                self._scope_stacks[task_id] = list(parent)
            task.add_done_callback(lambda _: self._forget_other(task_id))
        return task_id

    def _forget_other(self, task_id: str) -> None:
        self._other_tasks.discard(task_id)
        self._events.pop(task_id, None)
        self.forget_task(task_id)

    async def _run_task(self, coro: Coroutine, task_id: str, counts: bool) -> Any:
        _current.set((self, task_id))  # this task's own context copy
        self._task_ids[asyncio.current_task()] = task_id
        try:
            return await coro
        except (SessionException, asyncio.CancelledError):
            pass
        except Exception:
            self.on_task_exception()
        finally:
            self._finish_task(task_id, counts)

    def _finish_task(self, task_id: str, counts: bool, coro: Coroutine | None = None) -> None:
        """Forget an ended task (once); close the session when the last counted task ended."""
        if self._tasks.pop(task_id, None) is None:
            return
        if coro is not None:
            coro.close()  # it never ran (cancelled at once); no "never awaited" warning
        self._events.pop(task_id, None)
        self.forget_task(task_id)
        if not counts:
            self._callback_tasks -= 1
        if counts:
            self._alive -= 1
            if self._alive == 0 and not self._closed and not self.need_keep_alive():
                self.close(from_app=True)

    def run_async(self, coro: Coroutine) -> TaskHandler:
        """Run `coro` as a new task of this session; the session stays open until it ends."""
        if not asyncio.iscoroutine(coro):
            raise TypeError(f"run_async() needs a coroutine object, got {type(coro).__name__}")
        return TaskHandler(self._spawn(coro, _name_of(coro), counts=True))

    # ------------------------------------------------------------------ events
    def _deliver_to_task(self, event: ClientEvent) -> bool:
        waiter = self._waiters.pop(event.task_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(event)
            return True
        if event.task_id not in self._tasks and event.task_id not in self._other_tasks:
            return False
        q = self._events.setdefault(event.task_id, deque())
        if len(q) >= self.max_queued_events:
            self.client_log.warning("dropped an event: task %s has %d unread events", event.task_id, len(q))
        else:
            q.append(event)
        return True

    async def next_client_event(self) -> dict:
        """Wait for the next browser event for the calling task (as PyWebIO's dict)."""
        return (await self._next_event()).as_dict()

    async def _next_event(self) -> ClientEvent:
        """Wait for the next browser event for the calling task."""
        task_id = current_binding()[1]
        if self._closed:
            raise SessionClosedException("the session has closed")
        q = self._events.get(task_id)
        if q:
            return q.popleft()
        waiter = self.loop.create_future()
        self._waiters[task_id] = waiter
        try:
            return await waiter
        finally:
            if self._waiters.get(task_id) is waiter:
                del self._waiters[task_id]

    async def drive(self, gen) -> Any:
        """Run an input generator to completion, feeding it client events."""
        value = None
        while True:
            try:
                gen.send(value)
            except StopIteration as stop:
                return stop.value
            value = await self._next_event()

    # ------------------------------------------------------------------ callbacks
    def _run_callback(self, func: Callable, data: Any, options: dict) -> None:
        """Call the callback in a context bound to a new task id. A plain function runs inline;
        if the call gives a coroutine (an async callback, or a wrapper around one), that coroutine
        runs as a new task, one at a time per callback when ``mutex_mode=True``."""
        task_id = new_task_id(_name_of(func))
        contextvars.copy_context().run(self._call_sync, func, data, task_id, options)

    def _call_sync(self, func: Callable, data: Any, task_id: str, options: dict) -> None:
        _current.set((self, task_id))
        try:
            result = func(data)
        except SessionException:
            return
        except Exception:
            self.on_task_exception()
            return
        finally:
            self.forget_task(task_id)
        if asyncio.iscoroutine(result):
            if self._callback_tasks >= self.max_callback_tasks:
                result.close()
                self.client_log.warning("dropped a click: %d callback tasks are running",
                                        self._callback_tasks)
                return
            if options.get("mutex_mode"):
                lock = options.get("_lock")
                if lock is None:
                    lock = options["_lock"] = asyncio.Lock()
                result = self._locked(lock, result)
            self._spawn(result, _name_of(func), counts=False)

    async def _locked(self, lock: asyncio.Lock, coro: Coroutine) -> None:
        async with lock:
            await coro

    # ------------------------------------------------------------------ closing
    def _wake_waiters(self) -> None:
        waiting = set()
        for task_id, waiter in list(self._waiters.items()):
            waiting.add(task_id)
            if not waiter.done():
                waiter.set_exception(SessionClosedException("the session has closed"))
        self._waiters.clear()
        current = asyncio.current_task() if self._in_loop_thread() else None
        for task_id, task in list(self._tasks.items()):
            if task_id not in waiting and task is not current:
                task.cancel()

    def _in_loop_thread(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def _finish_close(self) -> None:
        if self._in_loop_thread():
            super()._finish_close()
        else:
            self.loop.call_soon_threadsafe(super()._finish_close)

    async def hold(self) -> None:
        """Wait until the browser leaves (events that arrive meanwhile are discarded)."""
        try:
            while True:
                await self._next_event()
        except SessionException:
            return

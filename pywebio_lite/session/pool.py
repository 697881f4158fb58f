"""A bounded pool of worker threads for the callbacks of one thread-based session.

A click runs concurrently with other clicks (PyWebIO's semantics), but on at most `max_workers`
threads; runs beyond that wait in a queue of at most `max_queued`, and what comes beyond that is
refused (the caller drops it and logs). Workers are started on demand and end as soon as the
queue is empty, so an idle session holds no thread.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Callable

__all__ = ["CallbackPool"]


class CallbackPool:
    """Run `runner(*item)` for submitted items on up to `max_workers` threads."""

    __slots__ = ("runner", "max_workers", "max_queued", "name", "_lock", "_queue", "_workers",
                 "_closed")

    def __init__(self, runner: Callable, *, max_workers: int, max_queued: int,
                 name: str = "pywebio-cb"):
        for arg, value, low in (("max_workers", max_workers, 1), ("max_queued", max_queued, 0)):
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{arg} must be an int >= {low}")
        self.runner = runner
        self.max_workers = max_workers
        self.max_queued = max_queued
        self.name = name
        self._lock = threading.Lock()
        self._queue: deque = deque()
        self._workers = 0
        self._closed = False

    @property
    def workers(self) -> int:
        """Threads running now."""
        return self._workers

    @property
    def queued(self) -> int:
        """Items waiting for a free worker."""
        return len(self._queue)

    def submit(self, *item) -> bool:
        """Queue one run; False (nothing queued) when the queue is full or the pool is closed."""
        with self._lock:
            if self._closed:
                return False
            if self._workers < self.max_workers:
                self._workers += 1
                start = True
            elif len(self._queue) < self.max_queued:
                start = False
            else:
                return False
            self._queue.append(item)
        if start:
            try:
                threading.Thread(target=self._work, daemon=True, name=self.name).start()
            except RuntimeError:  # can't start a new thread: the runs wait for the other workers
                with self._lock:
                    self._workers -= 1
                    if not self._workers:
                        self._queue.clear()
                        return False
        return True

    def close(self) -> None:
        """Refuse new runs and forget the queued ones (runs in progress finish)."""
        with self._lock:
            self._closed = True
            self._queue.clear()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._workers -= 1
                    return
                item = self._queue.popleft()
            try:
                self.runner(*item)
            except BaseException:  # the runner reports its own errors; a worker never dies early
                pass

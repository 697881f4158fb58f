"""The session of script mode: the script's own threads are its tasks.

In script mode there is no app function to start. The thread that made the first PyWebIO call,
and every thread that calls one later, is bound to the one `ScriptModeSession` on its first call
(no register_thread() needed). Callbacks run as in any thread session. The session ends when the
script does (`pywebio_lite.platform.script_mode` decides when) or when the browser leaves.
"""

from __future__ import annotations

import threading

from .threadbased import ThreadBasedSession, _func_name
from .base import _registered_threads

__all__ = ["ScriptModeSession"]


class ScriptModeSession(ThreadBasedSession):
    """The single session of a script run in script mode."""

    is_script_mode = True

    def __init__(self, session_info: dict | None = None, **kwargs):
        super().__init__(None, session_info, **kwargs)
        self.deferred_done = threading.Event()  # the defer_call functions have run

    def start(self) -> None:
        """Nothing to start: the script is already running."""

    def bind_thread(self, thread: threading.Thread) -> tuple:
        """Make `thread` one of this session's tasks; returns its (session, task_id) binding."""
        target = getattr(thread, "_target", None)
        name = _func_name(target) if target is not None else thread.name
        task_id = f"{name}-{id(thread)}"
        binding = (self, task_id)
        _registered_threads[thread] = binding
        with self._lock:
            self._live_tasks.add(task_id)
        return binding

    def _run_deferred(self) -> None:
        try:
            super()._run_deferred()
        finally:
            self.deferred_done.set()

"""Output objects: what every put_xxx() returns, and exactly when it reaches the browser.

The rules are PyWebIO's, so existing apps behave the same:

* ``put_text('a')`` used as a statement appears at once. The call builds an `Output`; the
  statement drops it at once; an Output dropped before it was used anywhere sends itself.
* ``x = put_text('a')`` keeps the Output alive, so nothing is sent yet. It is sent when
  ``x.show()`` (or ``x.send()``) is called, or when the last reference to it goes away
  (``del x``, the function returns...), whichever comes first.
* An Output passed into another output (a table cell, a popup, ``put_row([...])``...) is
  *embedded*: it becomes part of its parent's spec and is never sent on its own.

Each Output encodes its spec to JSON as soon as it is built, so data JSON cannot hold raises
TypeError at the call that made it, and the common case (a statement) sends that text as is.
The scope and position an output goes to are fixed when it is built, from the calling task's
scope stack, like PyWebIO.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .session import get_current_session
from .utils import random_str

__all__ = ["Output", "OutputList", "destruct_on_error", "output_register_callback", "safely_destruct"]

#: Output types that can be used as ``with put_xxx():`` (their content area becomes a scope).
CONTAINER_TYPES = frozenset({"row", "column", "collapse", "scrollable", "alert", "loading"})

_EMBED_DROP = ("scope", "position")


def _default(obj: Any) -> Any:
    if isinstance(obj, Output):
        return obj.embed_data()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, default=_default).encode


class destruct_on_error:
    """``with destruct_on_error(children): return Output(...)``: if the block raises, every
    Output inside ``children`` is marked as used (see ``safely_destruct``) before the error
    goes on, so a parent that failed does not leave its children to be sent on their own."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __enter__(self) -> Any:
        return self.value

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            safely_destruct(self.value)
        return False


def safely_destruct(value: Any) -> None:
    """Mark every Output inside `value` as used, so a failed parent does not send its children."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Output):
            item.processed = True
            stack.append(item.spec)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


class Output:
    """The result of a put_xxx() call: a spec the browser draws, plus the rules for sending it."""

    __slots__ = ("spec", "session", "processed", "_json", "__weakref__")

    def __init__(self, spec: dict):
        self.spec = spec
        self.processed = False
        self._json = None
        self.session = get_current_session()
        try:
            self._json = _encode(spec)
        except Exception:
            self.processed = True
            safely_destruct(spec)
            raise

    # -------------------------------------------------------------- embedding and sending
    def embed_data(self) -> dict:
        """The spec to put inside a parent output; this Output will not be sent on its own."""
        self.processed = True
        spec = self.spec
        if "scope" in spec or "position" in spec:
            spec = {k: v for k, v in spec.items() if k not in _EMBED_DROP}
        return spec

    def _spec_json(self) -> str:
        if self._json is None:
            self._json = _encode(self.spec)
        return self._json

    def send(self) -> None:
        """Send this output to its scope now."""
        self.processed = True
        self.session.send_output_json(self._spec_json())

    show = send

    def __del__(self):
        if not self.processed:
            try:
                self.send()
            except Exception:  # the session may be gone; nothing sensible to do in __del__
                pass

    # -------------------------------------------------------------- decoration
    def style(self, css_style: str) -> "Output":
        """Add CSS declarations to this output's element. Chainable."""
        if not isinstance(css_style, str):
            raise TypeError(f"css_style must be a str, not {type(css_style).__name__}")
        self.spec["style"] = self.spec.get("style", "") + ";" + css_style
        self._json = None
        return self

    def onclick(self, callback: Callable[[], Any]) -> "Output":
        """Call `callback()` when the output is clicked. Chainable."""
        callback_id = output_register_callback(lambda _: callback())
        self.spec.setdefault("onclick", []).append(callback_id)
        self._json = None
        return self

    # -------------------------------------------------------------- context manager
    def __enter__(self) -> str:
        if self.spec.get("type") not in CONTAINER_TYPES:
            raise RuntimeError(f"a {self.spec.get('type')} output cannot be used as a context manager")
        name = random_str(10)
        self.spec["container"] = name
        self._json = None
        self.send()
        self.session.scope_stack().append(name)
        return name

    def __exit__(self, exc_type, exc, tb) -> bool:
        stack = self.session.scope_stack()
        name = self.spec.get("container")
        if len(stack) > 1 and stack[-1] == name:
            stack.pop()
        if self.spec.get("type") == "loading" and not self.session.closed():
            # put_loading() as a context manager: the spinner and all output inside it go away.
            self.session.send_task_command("output_ctl", {"remove": name})
        return False

    def __repr__(self) -> str:
        return f"<Output {self.spec.get('type')}>"


class OutputList(list):
    """A list of outputs (what style() returns for a list); sent like its items."""

    def style(self, css_style: str) -> "OutputList":
        for item in self:
            item.style(css_style)
        return self


def output_register_callback(callback: Callable[[Any], Any], **options) -> str:
    """Register a one-argument callback in the current session; returns its id."""
    session = get_current_session()
    return session.register_callback(callback, **options)

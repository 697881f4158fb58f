"""Pin widgets: inputs placed in the page like outputs, read and written by name at any time.

``put_input('name')`` draws an input where output goes; ``pin.name`` (or ``pin['name']``) reads
its current value (``await pin.name`` in a coroutine app), ``pin.name = v`` sets it.
``pin_wait_change()`` waits for the user to change one, ``pin_on_change()`` calls a function
on every change. A new pin with the name of an existing one replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any, Callable, Sequence

from . import input as _input
from .forms import FILE, BadValue, InputItem, parse_input_update_spec, resolve_files
from .io_ctrl import Output, output_register_callback
from .output import OutputPosition, _spec
from .session import chose_impl, get_current_session

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["put_input", "put_textarea", "put_select", "put_checkbox", "put_radio", "put_slider", "put_actions",
           "put_file_upload", "pin", "pin_update", "pin_wait_change", "pin_on_change", "get_pin_values"]


def _pin_output(item: InputItem, scope, position) -> Output:
    if not isinstance(item, InputItem):  # pragma: no cover - input functions always return one with name=
        raise TypeError("internal: a pin needs an input item")
    spec = item.spec
    if item.validate is not None or item.onchange is not None:
        raise ValueError("pin widgets do not take validate or onchange; use pin_on_change()")
    session = get_current_session()
    session.pins[item.name] = item
    return Output(_spec("pin", scope, position, input=spec))


def put_input(name: str, type: str = "text", *, label: str = "", value: Any = None, placeholder: str | None = None,
              readonly: bool | None = None, datalist: Sequence[str] | None = None, help_text: str | None = None,
              scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A one-line input pin (type as for input())."""
    item = _input.input(label, type, name=name, value=value, placeholder=placeholder, readonly=readonly,
                        datalist=datalist, help_text=help_text)
    return _pin_output(item, scope, position)


def put_textarea(name: str, *, label: str = "", rows: int = 6, code: dict | bool | None = None,
                 maxlength: int | None = None, minlength: int | None = None, value: str | None = None,
                 placeholder: str | None = None, readonly: bool | None = None, help_text: str | None = None,
                 scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A multi-line input pin (a code editor with code={...})."""
    item = _input.textarea(label, rows=rows, code=code, maxlength=maxlength, minlength=minlength, name=name,
                           value=value, placeholder=placeholder, readonly=readonly, help_text=help_text)
    return _pin_output(item, scope, position)


def put_select(name: str, options: Sequence | None = None, *, label: str = "", multiple: bool | None = None,
               value: Any = None, native: bool | None = None, help_text: str | None = None, scope=None,
               position: int = OutputPosition.BOTTOM) -> Output:
    """A drop-down pin."""
    item = _input.select(label, options, multiple=multiple, name=name, value=value, help_text=help_text,
                         native=native is not False)  # PyWebIO's default (None) is the native select
    return _pin_output(item, scope, position)


def put_checkbox(name: str, options: Sequence | None = None, *, label: str = "", inline: bool | None = None,
                 value: Sequence | None = None, help_text: str | None = None, scope=None,
                 position: int = OutputPosition.BOTTOM) -> Output:
    """A check-box pin; its value is the list of checked values."""
    item = _input.checkbox(label, options, inline=inline, name=name, value=value, help_text=help_text)
    return _pin_output(item, scope, position)


def put_radio(name: str, options: Sequence | None = None, *, label: str = "", inline: bool | None = None,
              value: Any = None, help_text: str | None = None, scope=None,
              position: int = OutputPosition.BOTTOM) -> Output:
    """A radio-button pin."""
    item = _input.radio(label, options, inline=inline, name=name, value=value, help_text=help_text)
    return _pin_output(item, scope, position)


def put_slider(name: str, *, label: str = "", value: int | float = 0, min_value: int | float = 0,
               max_value: int | float = 100, step: int | float = 1, required: bool | None = None,
               help_text: str | None = None, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A slider pin."""
    item = _input.slider(label, name=name, value=value, min_value=min_value, max_value=max_value, step=step,
                         required=required, help_text=help_text)
    return _pin_output(item, scope, position)


def put_actions(name: str, *, label: str = "", buttons: Sequence | None = None, help_text: str | None = None,
                scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A row of buttons as a pin; its value is the last clicked button's value. Submit buttons only."""
    item = _input.actions(label, buttons, name=name, help_text=help_text)
    if any(b.get("type") != "submit" for b in item.spec["buttons"]):
        raise AssertionError("put_actions() only accepts submit buttons")
    return _pin_output(item, scope, position)


def put_file_upload(name: str, *, label: str = "", accept: str | Sequence[str] | None = None,
                    placeholder: str = "Choose file", multiple: bool = False, max_size=0, max_total_size=0,
                    help_text: str | None = None, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A file picker pin; reading it uploads the chosen files."""
    item = _input.file_upload(label, accept=accept, name=name, placeholder=placeholder, multiple=multiple,
                              max_size=max_size, max_total_size=max_total_size, help_text=help_text)
    return _pin_output(item, scope, position)


# ============================================================================ reading and writing
#: What `_decode` gives for a refused value when the caller must tell it from None.
_REFUSED = object()


def _decode(session, name: str, raw: Any, target, refused: Any = None) -> Any:
    """A pin's browser value as a Python value; refused values read as `refused` (and are logged)."""
    item = session.pins.get(name)
    if item is None:
        logger.warning("dropped the value of an unknown pin %r", str(name)[:40])
        return refused
    try:
        value = item.decode(raw)
        if item.kind == FILE:
            value = resolve_files(item, value, target) if target is not None else None
        return value
    except BadValue as e:
        logger.warning("refused the value of pin %r: %s", name, e)
        return refused


def _names(names) -> list[str]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError("names must be a list of pin names")
    for n in names:
        if not isinstance(n, str):
            raise TypeError("pin names must be strings")
    return list(names)


@chose_impl
def get_pin_values(names: Sequence[str]):
    """[C] The values of several pins in one round trip: {name: value}; pins not in the page are left out."""
    names = _names(names)
    session = get_current_session()
    files = {n: session.pins[n].limits for n in names if n in session.pins and session.pins[n].kind == FILE}
    target = session.open_upload_target(files) if files else None
    spec = {"names": names}
    if target is not None:
        spec["upload_target"] = target.target_id
    try:
        session.send_task_command("pin_values", spec)
        while True:
            event = yield
            if event.event == "js_yield":
                break
        data = event.data
        if not isinstance(data, dict):
            logger.warning("refused pin values that are not an object")
            return {}
        return {n: _decode(session, n, data[n], target) for n in names if n in data}
    finally:
        if target is not None:
            session.close_upload_target(target)


def _get_one(name: str, strict: bool):
    values = yield from get_pin_values.__wrapped__([name])
    if strict and name not in values:
        raise AssertionError(f"no pin named {name!r} in the page")
    return values.get(name)


@chose_impl
def _get_pin(name: str, strict: bool):
    return (yield from _get_one(name, strict))


def pin_update(name: str, **spec) -> None:
    """Change a pin's settings or value (``value=``, ``options=``, ``label=``, ``placeholder=``...)."""
    session = get_current_session()
    item = session.pins.get(name)
    attributes = parse_input_update_spec(spec, item)
    session.send_task_command("pin_update", {"name": name, "attributes": attributes})


@chose_impl
def pin_wait_change(*names: str, timeout: float | None = None):
    """[C] Wait until the user changes one of the pins; returns {'name', 'value'}, or None at timeout.

    Changes made with pin_update() or ``pin.x = v`` do not count."""
    if len(names) == 1 and isinstance(names[0], (list, tuple)):
        names = tuple(names[0])
    names = _names(names)
    if not names:
        raise ValueError("pin_wait_change() needs at least one pin name")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0):
        raise ValueError("timeout must be a number of seconds or None")
    session = get_current_session()
    while True:
        session.send_task_command("pin_wait", {"names": names, "timeout": timeout})
        while True:
            event = yield
            if event.event == "js_yield":
                break
        data = event.data
        if data is None:
            return None
        if not isinstance(data, dict) or data.get("name") not in names:
            logger.warning("refused a pin change for a pin that was not waited for")
            return None
        value = _decode(session, data["name"], data.get("value"), None, refused=_REFUSED)
        if value is not _REFUSED:
            return {"name": data["name"], "value": value}
        # A refused value changes nothing: wait again (a timeout starts over).


def pin_on_change(name: str, onchange: Callable[[Any], Any] | None = None, clear: bool = False,
                  init_run: bool = False, **callback_options) -> None:
    """Call ``onchange(value)`` whenever the user changes pin `name`. Several functions stack up
    unless ``clear=True``; ``onchange=None, clear=True`` removes them. ``init_run=True`` also calls
    it once now with the current value."""
    if onchange is None and not clear:
        raise ValueError("pin_on_change() needs onchange, or clear=True to remove the callbacks")
    if onchange is not None and not callable(onchange):
        raise TypeError("onchange must be a function")
    session = get_current_session()
    callback_id = None
    if onchange is not None:
        def callback(data):
            if not isinstance(data, dict) or "value" not in data:
                logger.warning("dropped a pin change without a value")
                return None
            value = _decode(session, name, data["value"], None, refused=_REFUSED)
            if value is _REFUSED:
                return None  # a refused value changes nothing: the app is not told
            return onchange(value)

        callback.__name__ = getattr(onchange, "__name__", "onchange")
        callback_id = output_register_callback(callback, **callback_options)
    session.send_task_command("pin_onchange", {"name": name, "callback_id": callback_id, "clear": bool(clear)})
    if init_run and onchange is not None:
        if session.is_coroutine:
            async def run_init():
                result = onchange(await pin[name])
                if isinstance(result, Coroutine):
                    await result
            session.run_async(run_init())
        else:
            onchange(pin[name])


class Pin_:
    """`pin`: attribute and item access to pin values ([C] reads, plain writes)."""

    _strict = False

    def use_strict(self) -> None:
        """Make reading a pin that is not in the page raise AssertionError (default: None)."""
        object.__setattr__(self, "_strict", True)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # tools probe `_` names (pytest, IPython): no script mode for them;
            raise AttributeError(name)  # pin["_name"] still reads such a pin
        return _get_pin(name, self._strict)

    def __getitem__(self, name: str):
        return _get_pin(name, self._strict)

    def __setattr__(self, name: str, value: Any) -> None:
        pin_update(name, value=value)

    def __setitem__(self, name: str, value: Any) -> None:
        pin_update(name, value=value)


pin = Pin_()

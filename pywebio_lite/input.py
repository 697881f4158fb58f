"""Input functions: forms that pop up in the browser and return what the user entered.

``input()``, ``select()``, ``file_upload()``... block until the form is submitted (in a coroutine
app, ``await`` them) and return the value, like Python's own input(). Called with ``name=``, an
input function instead describes one field of an ``input_group()``. Protocol:
docs/input-protocol.md.

Everything the browser sends is checked before the app sees it: a value of the wrong type, an
option that was never offered, a missing field, a file over its limit, or an answer to a form
that is already gone is refused (and logged); the form stays open. That checking, and the life of
a form, is the form engine in ``forms.py``; this module holds the public constructors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Callable

from .forms import (ACTIONS, CHECKBOX, COLOR, DATE, DATETIME, DATETIME_LOCAL, FILE, FLOAT, NUMBER,
                    PASSWORD, RADIO, SELECT, SLIDER, TEXT, TEXTAREA, TIME, URL, InputItem,
                    parse_input_update_spec, parse_options, show_form)
from .session import get_current_session
from .session.base import current_binding
from .utils import check_dom_name_value, parse_file_size

__all__ = ["TEXT", "NUMBER", "FLOAT", "PASSWORD", "URL", "DATE", "TIME", "COLOR", "DATETIME_LOCAL",
           "DATETIME", "input", "textarea", "select", "checkbox", "radio", "actions", "file_upload",
           "slider", "input_group", "input_update"]

_INPUT_TYPES = (TEXT, NUMBER, FLOAT, PASSWORD, URL, DATE, TIME, COLOR, DATETIME_LOCAL)


# ============================================================================ items
def _item(spec: dict, name: str | None, **rules):
    """Finish an item: drop None values, check the name. With a name it is a group field
    (returned as is); without, it is shown at once as a one-field form."""
    spec = {k: v for k, v in spec.items() if v is not None}
    label = spec.get("label", "")
    if name is not None:
        check_dom_name_value(name, "name")
        spec["name"] = name
        return InputItem(spec, **rules)
    spec["name"] = "data"
    spec["label"] = ""
    spec["auto_focus"] = True
    item = InputItem(spec, **rules)
    return show_form({"label": label}, [item], single=True)


def _merge_attrs(spec: dict, other_html_attrs: dict) -> dict:
    if other_html_attrs:
        for key in other_html_attrs:
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_.:-]*$", key):
                raise ValueError(f"{key!r} is not a valid HTML attribute name")
        spec["attrs"] = {k.replace("_", "-"): v for k, v in other_html_attrs.items()}
    return spec


def _check_action(action) -> tuple | None:
    if action is None:
        return None
    if (not isinstance(action, (tuple, list)) or len(action) != 2 or not isinstance(action[0], str)
            or not callable(action[1])):
        raise TypeError("action must be a (label, callback) pair")
    return tuple(action)


def _numeric_value(value, type: str) -> int | float:
    """The initial value of a NUMBER/FLOAT input: a number, or a string holding one ("42", " 2.5 "),
    as PyWebIO's ``value: Union[str, int]`` allows."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if type == FLOAT else int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"value of a {type} input must be a number or a numeric string, "
                                 f"got {value!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"value of a {type} input must be a finite number, got {value!r}")
        return number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value of a {type} input must be a number or a numeric string")
    return value


def input(label: str = "", type: str = TEXT, *, validate: Callable | None = None, name: str | None = None,
          value: Any = None, action: tuple | None = None, onchange: Callable | None = None,
          placeholder: str | None = None, required: bool | None = None, readonly: bool | None = None,
          datalist: Sequence[str] | None = None, help_text: str | None = None, **other_html_attrs):
    """A one-line input. type: TEXT, NUMBER (returns int), FLOAT (float), PASSWORD, URL, DATE, TIME,
    COLOR or DATETIME_LOCAL. ``action=(label, callback)`` adds a button next to the field whose
    ``callback(set_value)`` can fill it in."""
    if type not in _INPUT_TYPES:
        raise ValueError(f"type must be one of {', '.join(_INPUT_TYPES)}; got {type!r}")
    if datalist is not None:
        if isinstance(datalist, str) or not isinstance(datalist, Sequence):
            raise TypeError("datalist must be a list of strings")
        datalist = [str(d) for d in datalist]
    if value is not None and type in (NUMBER, FLOAT):
        value = _numeric_value(value, type)
    elif value is not None:
        value = str(value)
    spec = _merge_attrs({"type": type, "label": label, "value": value, "placeholder": placeholder,
                         "required": required, "readonly": readonly, "datalist": datalist,
                         "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, action=_check_action(action))


def textarea(label: str = "", *, rows: int = 6, code: dict | bool | None = None, maxlength: int | None = None,
             minlength: int | None = None, validate: Callable | None = None, name: str | None = None,
             value: str | None = None, onchange: Callable | None = None, placeholder: str | None = None,
             required: bool | None = None, readonly: bool | None = None, help_text: str | None = None,
             **other_html_attrs):
    """A multi-line input. ``code={'mode': 'python', ...}`` makes it a code editor (line numbers, Tab,
    auto-indent, highlighting); CodeMirror options it does not know are ignored."""
    if isinstance(rows, bool) or not isinstance(rows, int) or rows <= 0:
        raise ValueError(f"rows must be a positive int, got {rows!r}")
    if code is True:
        code = {}
    if code is not None and not isinstance(code, Mapping):
        raise TypeError("code must be a dict of editor options")
    spec = _merge_attrs({"type": TEXTAREA, "label": label, "rows": rows, "code": dict(code) if code is not None else None,
                         "maxlength": maxlength, "minlength": minlength, "value": value,
                         "placeholder": placeholder, "required": required, "readonly": readonly,
                         "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange)


def _select_values(specs: list[dict], values: list, value, *, many: bool) -> None:
    """Mark the options whose value is `value` (or in `value` when many) as selected."""
    if value is None:
        return
    wanted = list(value) if many and isinstance(value, (list, tuple, set)) else [value]
    for spec, v in zip(specs, values):
        if any(v == w for w in wanted):
            spec["selected"] = True
        elif not many:
            spec.pop("selected", None)


def select(label: str = "", options: Sequence | None = None, *, multiple: bool | None = None,
           validate: Callable | None = None, name: str | None = None, value: Any = None,
           onchange: Callable | None = None, native: bool = True, required: bool | None = None,
           help_text: str | None = None, **other_html_attrs):
    """A drop-down list (a list box with ``multiple=True``, which returns a list). ``native=False``
    gives our searchable select: type to filter the options; chosen options show as removable chips
    when ``multiple``."""
    specs, values = parse_options(options, kind="select")
    _select_values(specs, values, value, many=bool(multiple))
    spec = _merge_attrs({"type": SELECT, "label": label, "options": specs, "multiple": multiple or None,
                         "native": None if native else False, "required": required, "help_text": help_text},
                        other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, values=values)


def checkbox(label: str = "", options: Sequence | None = None, *, inline: bool | None = None,
             validate: Callable | None = None, name: str | None = None, value: Sequence | None = None,
             onchange: Callable | None = None, help_text: str | None = None, **other_html_attrs):
    """Check boxes; returns the list of checked values."""
    specs, values = parse_options(options, kind="checkbox")
    _select_values(specs, values, value, many=True)
    spec = _merge_attrs({"type": CHECKBOX, "label": label, "options": specs, "inline": inline,
                         "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, values=values)


def radio(label: str = "", options: Sequence | None = None, *, inline: bool | None = None,
          validate: Callable | None = None, name: str | None = None, value: Any = None,
          onchange: Callable | None = None, required: bool | None = None, help_text: str | None = None,
          **other_html_attrs):
    """Radio buttons; returns the chosen value, or None if none is chosen."""
    specs, values = parse_options(options, kind="radio")
    _select_values(specs, values, value, many=False)
    spec = _merge_attrs({"type": RADIO, "label": label, "options": specs, "inline": inline,
                         "required": required, "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, values=values)


def _parse_buttons(buttons) -> tuple[list[dict], list]:
    if buttons is None:
        buttons = []
    if isinstance(buttons, (str, bytes)) or not isinstance(buttons, Sequence):
        raise TypeError("buttons must be a list")
    specs, values = [], []
    for i, b in enumerate(buttons):
        if isinstance(b, Mapping):
            if "label" not in b:
                raise ValueError(f"button #{i} needs a 'label' key")
            label, value = b["label"], b.get("value", b["label"])
            btype, disabled, color = b.get("type", "submit"), bool(b.get("disabled")), b.get("color")
        elif isinstance(b, (tuple, list)):
            if not 2 <= len(b) <= 4:
                raise ValueError(f"button #{i} must be (label, value[, type[, disabled]])")
            label, value = b[0], b[1]
            btype = b[2] if len(b) > 2 else "submit"
            disabled = bool(b[3]) if len(b) > 3 else False
            color = None
        else:
            label, value, btype, disabled, color = b, b, "submit", False, None
        if btype not in ("submit", "reset", "cancel"):
            raise ValueError(f"button type must be 'submit', 'reset' or 'cancel', got {btype!r}")
        spec = {"label": str(label), "value": i, "type": btype}
        if disabled:
            spec["disabled"] = True
        if color:
            spec["color"] = str(color)
        specs.append(spec)
        values.append(value)
    return specs, values


def actions(label: str = "", buttons: Sequence | None = None, name: str | None = None,
            help_text: str | None = None):
    """A row of buttons; returns the value of the submit button clicked (None for a cancel button)."""
    specs, values = _parse_buttons(buttons)
    spec = {"type": ACTIONS, "label": label, "buttons": specs, "help_text": help_text}
    return _item(spec, name, values=values)


def _size_limit(value, name: str) -> int:
    """A file size limit in bytes: 0 means the server's max_payload_size, and more is refused."""
    size = parse_file_size(value, name=name)
    limit = get_current_session().max_payload_size
    if limit is None:
        from .platform import page
        limit = page.MAX_PAYLOAD_SIZE
    if size == 0:
        return limit
    if size > limit:
        raise ValueError(f"{name} ({size} bytes) is over the server's max_payload_size ({limit})")
    return size


def file_upload(label: str = "", accept: str | Sequence[str] | None = None, name: str | None = None,
                placeholder: str = "Choose file", multiple: bool = False, max_size=0, max_total_size=0,
                required: bool | None = None, help_text: str | None = None, **other_html_attrs):
    """Pick and upload files. Returns {filename, content, mime_type, last_modified}, None, or a list
    with ``multiple=True``. Sizes are bytes or strings like '40K', '3M'; 0 means the server's limit."""
    if accept is not None and not isinstance(accept, str):
        accept = ",".join(accept)
    max_size = _size_limit(max_size, "max_size")
    max_total_size = _size_limit(max_total_size, "max_total_size")
    spec = _merge_attrs({"type": FILE, "label": label, "accept": accept, "placeholder": placeholder,
                         "multiple": bool(multiple) or None, "max_size": max_size,
                         "max_total_size": max_total_size, "required": required, "help_text": help_text},
                        other_html_attrs)
    return _item(spec, name, limits=(max_size, max_total_size))


def slider(label: str = "", *, name: str | None = None, value: int | float = 0, min_value: int | float = 0,
           max_value: int | float = 100, step: int | float = 1, validate: Callable | None = None,
           onchange: Callable | None = None, required: bool | None = None, help_text: str | None = None,
           **other_html_attrs):
    """A range slider; returns an int, or a float if value, min_value, max_value or step is a float."""
    for key, v in (("value", value), ("min_value", min_value), ("max_value", max_value), ("step", step)):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{key} must be a number, not {type(v).__name__}")
    if min_value > max_value:
        raise ValueError("min_value must not be greater than max_value")
    is_float = any(isinstance(v, float) for v in (value, min_value, max_value, step))
    spec = _merge_attrs({"type": SLIDER, "label": label, "value": value, "min_value": min_value,
                         "max_value": max_value, "step": step, "float": is_float or None, "required": required,
                         "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange)


# ============================================================================ groups and forms
def input_group(label: str = "", inputs: Sequence | None = None, validate: Callable | None = None,
                cancelable: bool = False):
    """Several inputs in one form; returns {name: value}, or None if cancelled.

    `inputs` are input functions called with ``name=``. ``validate(data)`` returns None, or
    ``(name, error message)`` to show the error at that field and keep the form open.
    """
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence) or not inputs:
        raise TypeError("input_group() needs a list of inputs, each made with name=...")
    names = set()
    for i, item in enumerate(inputs):
        if not isinstance(item, InputItem):
            raise TypeError(f"input #{i} of input_group() is not an input made with name=... "
                            f"(got {type(item).__name__})")
        if item.name in names:
            raise ValueError(f"two inputs of input_group() are named {item.name!r}")
        names.add(item.name)
    if validate is not None and not callable(validate):
        raise TypeError("validate must be a function")
    return show_form({"label": label, "cancelable": bool(cancelable) or None}, list(inputs),
                      group_validate=validate)


# ============================================================================ input_update
def input_update(name: str | None = None, **spec) -> None:
    """Change a field of the form being filled in; only inside an ``onchange`` callback.

    `name` defaults to the field whose change is being handled. Any setting but action, buttons,
    code, inline, max_size, max_total_size, multiple, name, onchange, type, validate can change.
    """
    session = get_current_session()
    task_id = current_binding()[1]
    context = session.onchange_contexts.get(task_id)
    if context is None:
        raise RuntimeError("input_update() can only be called inside an onchange callback of an input")
    form_id, current, by_name = context
    item = current if name is None else by_name.get(name)
    if item is None:
        raise ValueError(f"the form has no input named {name!r}")
    attributes = parse_input_update_spec(spec, item)
    session.send_task_command("update_input", {"form_id": form_id, "target_name": item.name,
                                               "attributes": attributes}, task_id=task_id)

"""Input functions: forms that pop up in the browser and return what the user entered.

``input()``, ``select()``, ``file_upload()``... block until the form is submitted (in a coroutine
app, ``await`` them) and return the value, like Python's own input(). Called with ``name=``, an
input function instead describes one field of an ``input_group()``. Protocol:
docs/input-protocol.md.

Everything the browser sends is checked before the app sees it: a value of the wrong type, an
option that was never offered, a missing field, a file over its limit, or an answer to a form
that is already gone is refused (and logged); the form stays open.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Callable

from .exceptions import SessionException
from .io_ctrl import output_register_callback
from .session import get_current_session
from .session.base import current_binding
from .session.uploads import UploadError
from .i18n import translate
from .utils import check_dom_name_value, parse_file_size, random_str

logger = logging.getLogger("pywebio_lite.session")

TEXT = "text"
NUMBER = "number"
FLOAT = "float"
PASSWORD = "password"
URL = "url"
DATE = "date"
TIME = "time"
COLOR = "color"
DATETIME_LOCAL = "datetime-local"
DATETIME = DATETIME_LOCAL
CHECKBOX = "checkbox"
RADIO = "radio"
SELECT = "select"
TEXTAREA = "textarea"

__all__ = ["TEXT", "NUMBER", "FLOAT", "PASSWORD", "URL", "DATE", "TIME", "COLOR", "DATETIME_LOCAL",
           "DATETIME", "input", "textarea", "select", "checkbox", "radio", "actions", "file_upload",
           "slider", "input_group", "input_update"]

_INPUT_TYPES = (TEXT, NUMBER, FLOAT, PASSWORD, URL, DATE, TIME, COLOR, DATETIME_LOCAL)
_NOT_UPDATABLE = frozenset({"action", "buttons", "code", "inline", "max_size", "max_total_size", "multiple",
                            "name", "onchange", "type", "validate"})
_INVALID_INPUT = "Your input is not valid"
_BAD_VALUE = "This value is not valid"


class _Bad(Exception):
    """A value from the browser that must be refused; the message is shown at the field."""


# ============================================================================ items
class InputItem:
    """One field of a form: the spec the browser draws, plus the server-side rules for its value.

    This is what an input function returns when it is given ``name=``, to be passed to
    input_group(). Option values stay here; the browser only sees their indices.
    """

    __slots__ = ("spec", "validate", "onchange", "action", "values", "kind", "label_map", "limits")

    def __init__(self, spec: dict, *, validate=None, onchange=None, action=None, values=None, limits=None):
        self.spec = spec
        self.kind = spec["type"]
        self.validate = validate
        self.onchange = onchange
        self.action = action
        self.values = values  # option/button values by index
        self.label_map: dict = {}  # label shown by set_value(v, label) -> v
        self.limits = limits  # file inputs: (max_size, max_total_size)
        if validate is not None:
            if not callable(validate):
                raise TypeError("validate must be a function")
            spec["validate"] = True
        if onchange is not None:
            if not callable(onchange):
                raise TypeError("onchange must be a function")
            spec["onchange"] = True

    @property
    def name(self) -> str:
        return self.spec["name"]

    def __repr__(self) -> str:
        return f"<input item {self.kind} {self.spec.get('name')!r}>"

    # ---------------------------------------------------------------- browser value -> Python value
    def decode(self, raw: Any) -> Any:
        """The Python value for a value the browser sent; raises _Bad if it must be refused."""
        kind = self.kind
        if kind in (TEXT, PASSWORD, URL, DATE, TIME, COLOR, DATETIME_LOCAL, TEXTAREA):
            if not isinstance(raw, str):
                raise _Bad(_BAD_VALUE)
            maxlength = self.spec.get("maxlength")
            if isinstance(maxlength, int) and len(raw) > maxlength:
                raise _Bad(_BAD_VALUE)
            return self.label_map.get(raw, raw)
        if kind == NUMBER:
            if raw is None or raw == "":
                return None
            if type(raw) is not int:
                raise _Bad("Please enter a whole number")
            return raw
        if kind == FLOAT:
            if raw is None or raw == "":
                return None
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise _Bad("Please enter a number")
            # JSON lets a crafted frame carry NaN and ±Infinity; a browser never sends them.
            if not math.isfinite(raw):
                raise _Bad("Please enter a number")
            return float(raw)
        if kind == "slider":
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                raise _Bad(_BAD_VALUE)
            lo, hi = self.spec["min_value"], self.spec["max_value"]
            if not lo - 1e-9 <= raw <= hi + 1e-9:
                raise _Bad(_BAD_VALUE)
            return float(raw) if self.spec.get("float") else int(round(raw))
        if kind == SELECT:
            if self.spec.get("multiple"):
                return [self.values[i] for i in self._indices(raw)]
            if raw is None:
                return None
            return self.values[self._index(raw)]
        if kind == CHECKBOX:
            return [self.values[i] for i in self._indices(raw)]
        if kind == RADIO:
            return None if raw is None else self.values[self._index(raw)]
        if kind == "actions":
            if raw is None:
                return None
            i = self._index(raw, self.spec["buttons"])
            if self.spec["buttons"][i].get("type", "submit") != "submit":
                raise _Bad(_BAD_VALUE)
            return self.values[i]
        if kind == "file":
            if not isinstance(raw, list) or (not self.spec.get("multiple") and len(raw) > 1):
                raise _Bad(_BAD_VALUE)
            return raw  # descriptors; resolved against the uploads in _resolve_files
        raise _Bad(_BAD_VALUE)

    def _index(self, raw, options=None) -> int:
        options = self.spec["options"] if options is None else options
        if type(raw) is not int or not 0 <= raw < len(options) or options[raw].get("disabled"):
            raise _Bad("Please choose one of the options")
        return raw

    def _indices(self, raw) -> list[int]:
        if not isinstance(raw, list) or len(set(raw) if all(type(i) is int for i in raw) else raw) != len(raw):
            raise _Bad("Please choose from the options")
        return [self._index(i) for i in raw]


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
    return _show_form({"label": label}, [item], single=True)


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


def _parse_options(options, *, kind: str) -> tuple[list[dict], list]:
    """Options as dicts {label, value, selected?, disabled?}, tuples (label, value[, selected[, disabled]])
    or plain values. Returns the browser's view (value = index) and the values by index."""
    if options is None:
        options = []
    if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
        raise TypeError(f"options of {kind}() must be a list")
    specs, values = [], []
    for i, opt in enumerate(options):
        if isinstance(opt, Mapping):
            if "label" not in opt or "value" not in opt:
                raise ValueError(f"option #{i} of {kind}() needs 'label' and 'value' keys")
            label, value = opt["label"], opt["value"]
            selected, disabled = bool(opt.get("selected")), bool(opt.get("disabled"))
        elif isinstance(opt, (tuple, list)):
            if not 2 <= len(opt) <= 4:
                raise ValueError(f"option #{i} of {kind}() must be (label, value[, selected[, disabled]])")
            label, value = opt[0], opt[1]
            selected = bool(opt[2]) if len(opt) > 2 else False
            disabled = bool(opt[3]) if len(opt) > 3 else False
        else:
            label, value, selected, disabled = opt, opt, False, False
        spec = {"label": str(label), "value": i}
        if selected:
            spec["selected"] = True
        if disabled:
            spec["disabled"] = True
        specs.append(spec)
        values.append(value)
    return specs, values


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
    specs, values = _parse_options(options, kind="select")
    _select_values(specs, values, value, many=bool(multiple))
    spec = _merge_attrs({"type": SELECT, "label": label, "options": specs, "multiple": multiple or None,
                         "native": None if native else False, "required": required, "help_text": help_text},
                        other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, values=values)


def checkbox(label: str = "", options: Sequence | None = None, *, inline: bool | None = None,
             validate: Callable | None = None, name: str | None = None, value: Sequence | None = None,
             onchange: Callable | None = None, help_text: str | None = None, **other_html_attrs):
    """Check boxes; returns the list of checked values."""
    specs, values = _parse_options(options, kind="checkbox")
    _select_values(specs, values, value, many=True)
    spec = _merge_attrs({"type": CHECKBOX, "label": label, "options": specs, "inline": inline,
                         "help_text": help_text}, other_html_attrs)
    return _item(spec, name, validate=validate, onchange=onchange, values=values)


def radio(label: str = "", options: Sequence | None = None, *, inline: bool | None = None,
          validate: Callable | None = None, name: str | None = None, value: Any = None,
          onchange: Callable | None = None, required: bool | None = None, help_text: str | None = None,
          **other_html_attrs):
    """Radio buttons; returns the chosen value, or None if none is chosen."""
    specs, values = _parse_options(options, kind="radio")
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
    spec = {"type": "actions", "label": label, "buttons": specs, "help_text": help_text}
    return _item(spec, name, values=values)


def _size_limit(value, name: str) -> int:
    from .platform import page
    size = parse_file_size(value, name=name)
    if size == 0:
        return page.MAX_PAYLOAD_SIZE
    if size > page.MAX_PAYLOAD_SIZE:
        raise ValueError(f"{name} ({size} bytes) is over the server's max_payload_size ({page.MAX_PAYLOAD_SIZE})")
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
    spec = _merge_attrs({"type": "file", "label": label, "accept": accept, "placeholder": placeholder,
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
    spec = _merge_attrs({"type": "slider", "label": label, "value": value, "min_value": min_value,
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
    return _show_form({"label": label, "cancelable": bool(cancelable) or None}, list(inputs),
                      group_validate=validate)


def _show_form(form: dict, items: list[InputItem], *, group_validate=None, single: bool = False):
    """Send the form and wait for a valid submit ([C]: blocks, or returns an awaitable)."""
    session = get_current_session()
    return session.drive(_form_control(session, form, items, group_validate, single))


_TEXT_LIKE = (TEXT, NUMBER, FLOAT, PASSWORD, URL, DATE, TIME, DATETIME_LOCAL, TEXTAREA)


def _form_control(session, form: dict, items: list[InputItem], group_validate, single: bool):
    """The life of one form: show it, answer its events, return the submitted data (a generator
    that yields whenever it needs the next browser event; see session.chose_impl)."""
    task_id = current_binding()[1]
    form_id = "f" + random_str(20)
    by_name = {item.name: item for item in items}
    if not any(item.spec.get("auto_focus") for item in items):
        for item in items:
            if item.kind in _TEXT_LIKE:
                item.spec["auto_focus"] = True
                break
    callbacks = []

    def update(name: str, **attributes) -> None:
        session.send_task_command("update_input", {"form_id": form_id, "target_name": name,
                                                   "attributes": attributes}, task_id=task_id)

    for item in items:
        if item.action is not None:
            callbacks.append(_register_action(session, item, update))
    target = None
    limits = {item.name: item.limits for item in items if item.kind == "file"}
    if limits:
        target = session.open_upload_target(
            limits, on_refuse=lambda name, msg: update(name, valid_status=False, invalid_feedback=msg))
    spec = dict(form, form_id=form_id, inputs=[item.spec for item in items])
    if target is not None:
        spec["upload_target"] = target.target_id
    spec = {k: v for k, v in spec.items() if v is not None}
    has_cancel_button = any(b.get("type") == "cancel" for item in items if item.kind == "actions"
                            for b in item.spec["buttons"])
    session.send_task_command("input_group", spec, task_id=task_id)
    result = None
    try:
        while True:
            event = yield
            kind = event["event"]
            if kind not in ("from_submit", "from_cancel", "input_event"):
                continue  # e.g. a stray js_yield: not for this form
            if event.get("form") != form_id:
                logger.warning("dropped a %s for a form that is not open", kind)
                continue
            if kind == "from_cancel":
                if form.get("cancelable") or has_cancel_button:
                    result = None
                    break
                logger.warning("dropped a cancel for a form that cannot be cancelled")
                continue
            if kind == "input_event":
                _on_input_event(session, task_id, form_id, event.get("data"), by_name, update)
                continue
            ok, data = _check_submit(session, event.get("data"), items, by_name, target, group_validate, update)
            if ok:
                result = data["data"] if single else data
                break
    finally:
        for callback_id in callbacks:
            session.unregister_callback(callback_id)
        if target is not None:
            session.close_upload_target(target)
    # The app usually shows its next form or output right away: let them share one frame, so the
    # page swaps the forms in one paint instead of flashing an empty panel.
    session.send_task_command("destroy_form", {"form_id": form_id}, task_id=task_id, linger=True)
    return result


def _register_action(session, item: InputItem, update) -> str:
    label, callback = item.action

    def set_value(value, label=None):
        """Fill the field with `value`; with a `label`, show the label (read-only) and return value."""
        if label is None:
            update(item.name, value=value)
        else:
            item.label_map[str(label)] = value
            update(item.name, value=str(label), readonly=True)

    callback_id = output_register_callback(lambda _: callback(set_value))
    item.spec["action"] = {"label": label, "callback_id": callback_id}
    return callback_id


def _user_message(session) -> str:
    return translate(session, _INVALID_INPUT)


def _run_validate(session, func: Callable, value: Any):
    """validate(value) -> error message or None; an exception in it counts as invalid (and is logged)."""
    try:
        return func(value)
    except SessionException:
        raise
    except Exception:
        logger.exception("error in an input's validate function")
        return _user_message(session)


def _on_input_event(session, task_id: str, form_id: str, data, by_name: dict, update) -> None:
    if not isinstance(data, dict):
        logger.warning("dropped an input_event without data")
        return
    item = by_name.get(data.get("name"))
    if item is None or data.get("event_name") not in ("blur", "change"):
        logger.warning("dropped an input_event for an unknown field or event")
        return
    try:
        value = item.decode(data.get("value"))
    except _Bad as e:
        update(item.name, valid_status=False, invalid_feedback=translate(session, str(e)))
        return
    if data["event_name"] == "blur":
        if item.validate is None or item.kind == "file":
            return
        error = _run_validate(session, item.validate, value)
        if error:
            update(item.name, valid_status=False, invalid_feedback=str(error))
        else:
            update(item.name, valid_status=0)
        return
    if item.onchange is None:
        return
    contexts = session.onchange_contexts
    contexts[task_id] = (form_id, item, by_name)
    try:
        item.onchange(value)
    except SessionException:
        raise
    except Exception:
        session.on_task_exception()
    finally:
        contexts.pop(task_id, None)


def _resolve_files(item: InputItem, raw: list, target) -> Any:
    files = []
    for descriptor in raw:
        try:
            files.append(target.take(item.name, descriptor))
        except UploadError as e:
            raise _Bad(str(e)) from None
    if item.spec.get("multiple"):
        return files
    return files[0] if files else None


def _check_submit(session, data, items: list[InputItem], by_name: dict, target, group_validate, update):
    """Check a submit. Returns (True, values) or (False, None) after showing the errors."""
    if not isinstance(data, dict):
        logger.warning("refused a submit without data")
        return False, None
    missing = [item.name for item in items if item.name not in data]
    if missing:
        logger.warning("refused a submit missing the fields %s", ", ".join(missing))
        return False, None
    values, errors = {}, {}
    for item in items:
        try:
            value = item.decode(data[item.name])
            if item.kind == "file":
                value = _resolve_files(item, value, target)
            if item.spec.get("required") and value in (None, "", []):
                raise _Bad("Please fill in this field")
            values[item.name] = value
        except _Bad as e:
            logger.warning("refused a submitted value for %r: %s", item.name, e)
            errors[item.name] = translate(session, str(e))
    for name, message in errors.items():
        update(name, valid_status=False, invalid_feedback=message)
    if errors:
        return False, None
    for item in items:
        if item.validate is not None:
            error = _run_validate(session, item.validate, values[item.name])
            if error:
                errors[item.name] = str(error)
                update(item.name, valid_status=False, invalid_feedback=str(error))
    if errors:
        return False, None
    if group_validate is not None:
        try:
            outcome = group_validate(values)
        except SessionException:
            raise
        except Exception:
            logger.exception("error in an input_group's validate function")
            update(items[0].name, valid_status=False, invalid_feedback=_user_message(session))
            return False, None
        if outcome is not None:
            if not (isinstance(outcome, (tuple, list)) and len(outcome) == 2 and outcome[0] in by_name):
                raise ValueError("input_group validate must return None or (input name, error message), "
                                 f"got {outcome!r}")
            update(outcome[0], valid_status=False, invalid_feedback=str(outcome[1]))
            return False, None
    return True, values


# ============================================================================ input_update
def parse_input_update_spec(spec: dict, item: InputItem | None = None) -> dict:
    """Check input_update()/pin_update() keys and turn options and option values into the browser's form."""
    bad = set(spec) & _NOT_UPDATABLE
    if bad:
        raise ValueError(f"these input settings cannot be updated: {', '.join(sorted(bad))}")
    attributes = dict(spec)
    if item is not None and "options" in attributes and item.kind in (SELECT, CHECKBOX, RADIO):
        specs, values = _parse_options(attributes["options"], kind=item.kind)
        item.values = values
        item.spec["options"] = specs
        attributes["options"] = specs
    if item is not None and "value" in attributes and item.values is not None and item.kind != "actions":
        many = item.kind == CHECKBOX or (item.kind == SELECT and item.spec.get("multiple"))
        wanted = attributes["value"]
        wanted = list(wanted) if many and isinstance(wanted, (list, tuple, set)) else [wanted]
        indices = [i for i, v in enumerate(item.values) if any(v == w for w in wanted)]
        attributes["value"] = indices if many else (indices[0] if indices else None)
    return attributes


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

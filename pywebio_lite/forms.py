"""The form engine behind ``input.py`` and ``pin.py``: what a field is and how a form lives.

``InputItem`` is one field (its spec for the browser, its server-side rules); ``DECODERS`` turns a
value from the browser into the Python value, one decoder per kind of field (``BadValue`` refuses
it); ``show_form`` sends a form and runs ``form_control``, the generator that answers the form's
events (typed ``ClientEvent``s) until a submit passes ``check_submit``; ``parse_input_update_spec``
checks ``input_update()``/``pin_update()`` settings. Protocol: docs/input-protocol.md.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Callable

from .exceptions import SessionException
from .i18n import translate
from .io_ctrl import output_register_callback
from .protocol.app import ClientEvent
from .session import get_current_session
from .session.base import current_binding
from .session.uploads import UploadError
from .utils import random_str

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["InputItem", "BadValue", "DECODERS", "parse_options", "show_form", "form_control",
           "check_submit", "on_input_event", "resolve_files", "parse_input_update_spec",
           "NOT_UPDATABLE", "BAD_VALUE", "INVALID_INPUT"]

# Kinds of field (the ``type`` of a spec); input.py re-exports the public ones.
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
SLIDER = "slider"
ACTIONS = "actions"
FILE = "file"

NOT_UPDATABLE = frozenset({"action", "buttons", "code", "inline", "max_size", "max_total_size", "multiple",
                           "name", "onchange", "type", "validate"})
INVALID_INPUT = "Your input is not valid"
BAD_VALUE = "This value is not valid"


class BadValue(Exception):
    """A value from the browser that must be refused; the message (English, translated for the
    session when shown) goes to the field."""


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

    def decode(self, raw: Any) -> Any:
        """The Python value for a value the browser sent; raises BadValue if it must be refused."""
        decoder = DECODERS.get(self.kind)
        if decoder is None:
            raise BadValue(BAD_VALUE)
        return decoder(self, raw)

    def _index(self, raw, options=None) -> int:
        options = self.spec["options"] if options is None else options
        if type(raw) is not int or not 0 <= raw < len(options) or options[raw].get("disabled"):
            raise BadValue("Please choose one of the options")
        return raw

    def _indices(self, raw) -> list[int]:
        if not isinstance(raw, list) or len(set(raw) if all(type(i) is int for i in raw) else raw) != len(raw):
            raise BadValue("Please choose from the options")
        return [self._index(i) for i in raw]


# ---------------------------------------------------------------- browser value -> Python value
# One decoder per kind of field (mirrored by one field class per kind in static/js/forms/fields.js):
# each takes the item and the raw JSON value, returns the Python value or raises BadValue.

def _decode_text(item: InputItem, raw: Any) -> str:
    if not isinstance(raw, str):
        raise BadValue(BAD_VALUE)
    maxlength = item.spec.get("maxlength")
    if isinstance(maxlength, int) and len(raw) > maxlength:
        raise BadValue(BAD_VALUE)
    return item.label_map.get(raw, raw)


def _decode_number(item: InputItem, raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if type(raw) is not int:
        raise BadValue("Please enter a whole number")
    return raw


def _decode_float(item: InputItem, raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise BadValue("Please enter a number")
    # JSON lets a crafted frame carry NaN and ±Infinity; a browser never sends them.
    if not math.isfinite(raw):
        raise BadValue("Please enter a number")
    return float(raw)


def _decode_slider(item: InputItem, raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise BadValue(BAD_VALUE)
    lo, hi = item.spec["min_value"], item.spec["max_value"]
    if not lo - 1e-9 <= raw <= hi + 1e-9:
        raise BadValue(BAD_VALUE)
    return float(raw) if item.spec.get("float") else int(round(raw))


def _decode_select(item: InputItem, raw: Any) -> Any:
    if item.spec.get("multiple"):
        return [item.values[i] for i in item._indices(raw)]
    if raw is None:
        return None
    return item.values[item._index(raw)]


def _decode_checkbox(item: InputItem, raw: Any) -> list:
    return [item.values[i] for i in item._indices(raw)]


def _decode_radio(item: InputItem, raw: Any) -> Any:
    return None if raw is None else item.values[item._index(raw)]


def _decode_actions(item: InputItem, raw: Any) -> Any:
    if raw is None:
        return None
    i = item._index(raw, item.spec["buttons"])
    if item.spec["buttons"][i].get("type", "submit") != "submit":
        raise BadValue(BAD_VALUE)
    return item.values[i]


def _decode_file(item: InputItem, raw: Any) -> list:
    if not isinstance(raw, list) or (not item.spec.get("multiple") and len(raw) > 1):
        raise BadValue(BAD_VALUE)
    return raw  # descriptors; resolved against the uploads by resolve_files


#: kind -> decoder(item, raw). A kind not listed refuses every value.
DECODERS: dict[str, Callable[[InputItem, Any], Any]] = {
    **dict.fromkeys((TEXT, PASSWORD, URL, DATE, TIME, COLOR, DATETIME_LOCAL, TEXTAREA), _decode_text),
    NUMBER: _decode_number,
    FLOAT: _decode_float,
    SLIDER: _decode_slider,
    SELECT: _decode_select,
    CHECKBOX: _decode_checkbox,
    RADIO: _decode_radio,
    ACTIONS: _decode_actions,
    FILE: _decode_file,
}


def parse_options(options, *, kind: str) -> tuple[list[dict], list]:
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


# ============================================================================ the form's life
def show_form(form: dict, items: list[InputItem], *, group_validate=None, single: bool = False):
    """Send the form and wait for a valid submit ([C]: blocks, or returns an awaitable)."""
    session = get_current_session()
    return session.drive(form_control(session, form, items, group_validate, single))


_TEXT_LIKE = (TEXT, NUMBER, FLOAT, PASSWORD, URL, DATE, TIME, DATETIME_LOCAL, TEXTAREA)


def form_control(session, form: dict, items: list[InputItem], group_validate, single: bool):
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
    limits = {item.name: item.limits for item in items if item.kind == FILE}
    if limits:
        target = session.open_upload_target(
            limits, on_refuse=lambda name, msg: update(name, valid_status=False, invalid_feedback=msg))
    spec = dict(form, form_id=form_id, inputs=[item.spec for item in items])
    if target is not None:
        spec["upload_target"] = target.target_id
    spec = {k: v for k, v in spec.items() if v is not None}
    has_cancel_button = any(b.get("type") == "cancel" for item in items if item.kind == ACTIONS
                            for b in item.spec["buttons"])
    session.send_task_command("input_group", spec, task_id=task_id)
    result = None
    try:
        while True:
            event: ClientEvent = yield
            kind = event.event
            if kind not in ("from_submit", "from_cancel", "input_event"):
                continue  # e.g. a stray js_yield: not for this form
            if event.form != form_id:
                logger.warning("dropped a %s for a form that is not open", kind)
                continue
            if kind == "from_cancel":
                if form.get("cancelable") or has_cancel_button:
                    result = None
                    break
                logger.warning("dropped a cancel for a form that cannot be cancelled")
                continue
            if kind == "input_event":
                on_input_event(session, task_id, form_id, event.data, by_name, update)
                continue
            ok, data = check_submit(session, event.data, items, by_name, target, group_validate, update)
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
    return translate(session, INVALID_INPUT)


def _run_validate(session, func: Callable, value: Any):
    """validate(value) -> error message or None; an exception in it counts as invalid (and is logged)."""
    try:
        return func(value)
    except SessionException:
        raise
    except Exception:
        logger.exception("error in an input's validate function")
        return _user_message(session)


def on_input_event(session, task_id: str, form_id: str, data, by_name: dict, update) -> None:
    if not isinstance(data, dict):
        logger.warning("dropped an input_event without data")
        return
    item = by_name.get(data.get("name"))
    if item is None or data.get("event_name") not in ("blur", "change"):
        logger.warning("dropped an input_event for an unknown field or event")
        return
    try:
        value = item.decode(data.get("value"))
    except BadValue as e:
        update(item.name, valid_status=False, invalid_feedback=translate(session, str(e)))
        return
    if data["event_name"] == "blur":
        if item.validate is None or item.kind == FILE:
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


def resolve_files(item: InputItem, raw: list, target) -> Any:
    files = []
    for descriptor in raw:
        try:
            files.append(target.take(item.name, descriptor))
        except UploadError as e:
            raise BadValue(str(e)) from None
    if item.spec.get("multiple"):
        return files
    return files[0] if files else None


def check_submit(session, data, items: list[InputItem], by_name: dict, target, group_validate, update):
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
            if item.kind == FILE:
                value = resolve_files(item, value, target)
            if item.spec.get("required") and value in (None, "", []):
                raise BadValue("Please fill in this field")
            values[item.name] = value
        except BadValue as e:
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


# ============================================================================ updates
def parse_input_update_spec(spec: dict, item: InputItem | None = None) -> dict:
    """Check input_update()/pin_update() keys and turn options and option values into the browser's form."""
    bad = set(spec) & NOT_UPDATABLE
    if bad:
        raise ValueError(f"these input settings cannot be updated: {', '.join(sorted(bad))}")
    attributes = dict(spec)
    if item is not None and "options" in attributes and item.kind in (SELECT, CHECKBOX, RADIO):
        specs, values = parse_options(attributes["options"], kind=item.kind)
        item.values = values
        item.spec["options"] = specs
        attributes["options"] = specs
    if item is not None and "value" in attributes and item.values is not None and item.kind != ACTIONS:
        many = item.kind == CHECKBOX or (item.kind == SELECT and item.spec.get("multiple"))
        wanted = attributes["value"]
        wanted = list(wanted) if many and isinstance(wanted, (list, tuple, set)) else [wanted]
        indices = [i for i, v in enumerate(item.values) if any(v == w for w in wanted)]
        attributes["value"] = indices if many else (indices[0] if indices else None)
    return attributes

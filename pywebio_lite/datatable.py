"""put_datatable and its helpers: a data grid for big tables (re-exported by `pywebio_lite.output`).

The grid itself is our own JavaScript (``static/js/datatable/``), loaded by the page the first
time it shows one. This module turns records into what it needs (docs/protocol.md, "datatable"):

* the **column tree**: nested dicts become grouped headers, in the order of `column_order` or of
  the keys as they first appear in the records (like PyWebIO);
* the **fields**: one key path per leaf column; each row travels as a list of its values in field
  order (no repeated keys), plus its id when `id_field` is set (otherwise the id is the row index);
* **chunks**: the spec holds the first `FIRST_ROWS` rows, so the first screen shows at once; the
  page then asks for the rest, `CHUNK_ROWS` at a time (two requests on their way), through a
  callback, so a million rows never travel as one message and the app does not wait for them.

JSFunction values inside `column_args`/`grid_args` become ``{"__pwl_js__": [params, body]}``; the
page turns them into functions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, Callable, Sequence

from .io_ctrl import Output, output_register_callback
from .session import get_current_session
from .utils import random_str

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["put_datatable", "datatable_update", "datatable_insert", "datatable_remove", "JSFunction"]

#: Rows sent with the table itself (a few screens' worth).
FIRST_ROWS = 300
#: Rows per chunk the page asks for afterwards.
CHUNK_ROWS = 20000
#: height='auto' shows every row; above this many PyWebIO falls back to 600px, so do we.
AUTO_HEIGHT_MAX_ROWS = 1000
THEMES = ("balham", "alpine", "alpine-dark", "balham-dark", "material")
JS_MARKER = "__pwl_js__"


class JSFunction:
    """A JavaScript function inside put_datatable's `column_args` / `grid_args`.

    ``JSFunction('params', 'return params.value * 2')``: the last argument is the body, the others
    are the parameter names.
    """

    __slots__ = ("params", "body")

    def __init__(self, *params_and_body: str):
        if not params_and_body:
            raise ValueError("JSFunction() needs at least the function body")
        for item in params_and_body:
            if not isinstance(item, str):
                raise TypeError(f"JSFunction() takes parameter names and a body as str, got {type(item).__name__}")
        self.params, self.body = list(params_and_body[:-1]), params_and_body[-1]

    def __repr__(self) -> str:
        return f"JSFunction({', '.join(map(repr, [*self.params, self.body]))})"


def _encode_js(value: Any, name: str) -> Any:
    """`value` with every JSFunction replaced by its marker; checks that the rest is JSON data."""
    def default(obj):
        if isinstance(obj, JSFunction):
            return {JS_MARKER: [obj.params, obj.body]}
        raise TypeError(f"{name} holds a {type(obj).__name__}, which cannot be sent to the page")
    return json.loads(json.dumps(value, default=default))


# ---------------------------------------------------------------------------- columns and rows
def _merge_keys(tree: dict, record: Mapping) -> None:
    for key, value in record.items():
        node = tree.setdefault(str(key), {})
        if isinstance(value, Mapping):
            _merge_keys(node, value)


def _column_tree(records: Sequence, column_order) -> dict:
    """{name: {child: {...}} or {} (a leaf)}, in display order."""
    if column_order is not None:
        if isinstance(column_order, Mapping):
            def convert(order):
                return {str(k): convert(v) if isinstance(v, Mapping) else {} for k, v in order.items()}
            return convert(column_order)
        if isinstance(column_order, (str, bytes)) or not isinstance(column_order, Sequence):
            raise TypeError("column_order must be a list of column names or a (nested) dict")
        return {str(k): {} for k in column_order}
    tree: dict = {}
    last_keys = None
    for record in records:
        keys = record.keys()
        if keys == last_keys:
            continue
        last_keys = keys
        _merge_keys(tree, record)
    return tree


def _leaf_paths(tree: dict, prefix: tuple = ()) -> list[tuple]:
    paths = []
    for key, children in tree.items():
        if children:
            paths.extend(_leaf_paths(children, prefix + (key,)))
        else:
            paths.append(prefix + (key,))
    return paths


def _columns_spec(tree: dict) -> list[dict]:
    return [{"key": k, "children": _columns_spec(v)} if v else {"key": k} for k, v in tree.items()]


def _value_at(record: Any, path: Sequence) -> Any:
    for key in path:
        if not isinstance(record, Mapping):
            return None
        record = record.get(key)
    return record


def _as_path(value, name: str) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and value and all(isinstance(k, str) for k in value):
        return list(value)
    raise TypeError(f"{name} must be a str or a tuple of str (a key path), got {value!r}")


class _RowEncoder:
    """Records -> [[value in field order]] (and their ids when the table has an id_field)."""

    def __init__(self, paths: list[tuple], id_path: list | None):
        self.paths = paths
        self.flat = all(len(p) == 1 for p in paths)
        self.keys = [p[0] for p in paths]
        self.id_path = id_path

    def rows(self, records: Sequence) -> list[list]:
        if self.flat:
            keys = self.keys
            return [[r.get(k) for k in keys] for r in records]
        paths = self.paths
        return [[_value_at(r, p) for p in paths] for r in records]

    def ids(self, records: Sequence) -> list | None:
        if self.id_path is None:
            return None
        path = self.id_path
        if len(path) == 1:
            key = path[0]
            return [r.get(key) for r in records]
        return [_value_at(r, path) for r in records]

    def chunk(self, records: Sequence) -> dict:
        chunk = {"rows": self.rows(records)}
        ids = self.ids(records)
        if ids is not None:
            chunk["ids"] = ids
        return chunk


def _jsonable(value: Any) -> Any:
    """Data for a command, with values JSON cannot hold turned into their str() (never an error)."""
    return json.loads(json.dumps(value, default=str))


def _check_records(records, name: str = "records") -> list:
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise TypeError(f"{name} must be a list of dicts, got {type(records).__name__}")
    records = list(records)  # a snapshot: later chunks send what the table held at the call
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(f"{name}[{i}] must be a dict, got {type(record).__name__}")
    return records


# ---------------------------------------------------------------------------- put_datatable
def put_datatable(records: Sequence[Mapping], actions: Sequence | None = None,
                  onselect: Callable[[Any], None] | None = None, multiple_select: bool = False,
                  id_field: str | tuple | None = None, height: int | str = 600, theme: str = "balham",
                  cell_content_bar: bool = True, instance_id: str = "", column_order=None,
                  column_args: Mapping | None = None, grid_args: Mapping | None = None,
                  enterprise_key: str = "", scope=None, position: int = -1) -> Output:
    """A data grid: sort, filter, resize, pin, select rows, act on them; fast for a million rows.

    records: a list of dicts (nested dicts become grouped headers). actions: [(label, callback) or
    None (a separator)], buttons shown while rows are selected; the callback gets the selected row
    id (a list of ids with multiple_select). onselect(row_id or ids): called when the selection
    changes to a non-empty one. id_field: the key (or tuple key path) holding each row's id;
    default: the row's index. height: px (int), a CSS length, or 'auto' (600px above 1000 rows).
    theme: balham, alpine, alpine-dark, balham-dark or material (light themes follow the page's
    light/dark look). cell_content_bar: show the focused cell's full text above the grid.
    instance_id: the name datatable_update/insert/remove use; the page also sets the JS global
    ``ag_grid_<instance_id>_promise``. column_order: list of columns, or a nested dict for nested
    records (required when records is empty). column_args: {field or key path tuple: ag-grid
    column options}; grid_args: ag-grid grid options (the subset in docs/protocol.md; JSFunction
    for functions). enterprise_key is accepted and ignored.
    """
    from .output import _spec  # output.py re-exports this module's functions

    records = _check_records(records)
    if not records and not column_order:
        raise ValueError("`column_order` must be specified when `records` is empty")
    actions = list(actions or [])
    for i, action in enumerate(actions):
        if action is None:
            continue
        if not (isinstance(action, (list, tuple)) and len(action) == 2 and callable(action[1])):
            raise TypeError(f"actions[{i}] must be a (label, callback) pair or None, got {action!r}")
    if onselect is not None and not callable(onselect):
        raise TypeError("onselect must be callable")
    if isinstance(height, bool) or not isinstance(height, (int, str)):
        raise TypeError(f"height must be an int (px) or a CSS length str, got {type(height).__name__}")
    if isinstance(height, int):
        height = f"{height}px"
    if height == "auto" and len(records) > AUTO_HEIGHT_MAX_ROWS:
        height = "600px"
        logger.warning("put_datatable: numbers of rows are too large to use auto height, use fix height instead")
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
    if not isinstance(instance_id, str):
        raise TypeError(f"instance_id must be a str, got {type(instance_id).__name__}")
    id_path = _as_path(id_field, "id_field")
    column_args = dict(column_args or {})
    if not isinstance(grid_args or {}, Mapping):
        raise TypeError("grid_args must be a dict of ag-grid grid options")
    field_args, path_args = {}, []
    for key, args in column_args.items():
        if not isinstance(args, Mapping):
            raise TypeError(f"column_args[{key!r}] must be a dict of column options")
        if isinstance(key, str):
            field_args[key] = args
        else:
            path_args.append([_as_path(key, "a column_args key"), args])

    tree = _column_tree(records, column_order)
    paths = _leaf_paths(tree)
    encoder = _RowEncoder(paths, id_path)
    total = len(records)
    first = total if height == "auto" else min(total, FIRST_ROWS)

    def on_select(data):
        if not isinstance(data, Mapping) or not isinstance(data.get("rows"), list):
            logger.warning("put_datatable: ignored a selection event with bad data %r", data)
            return None
        ids = data["rows"]
        if not multiple_select:
            if not ids:
                return None
            ids = ids[0]
        btn = data.get("btn")
        if btn is None:
            return onselect(ids) if onselect is not None else None
        if isinstance(btn, bool) or not isinstance(btn, int) or not 0 <= btn < len(actions) or actions[btn] is None:
            logger.warning("put_datatable: ignored a click on unknown action %r", btn)
            return None
        return actions[btn][1](ids)

    def more(data):
        start = data.get("from") if isinstance(data, Mapping) else None
        if isinstance(start, bool) or not isinstance(start, int) or not first <= start < total:
            logger.warning("put_datatable: ignored a request for rows from %r", start)
            return
        part = records[start:start + CHUNK_ROWS]
        chunk = encoder.chunk(part)
        chunk.update(key=key, start=start)
        session = get_current_session()
        try:
            session.send_task_command("datatable_rows", chunk)
        except TypeError:  # a value JSON cannot hold: send its text, never fail the transfer
            session.send_task_command("datatable_rows", _jsonable(chunk))

    key = random_str(12)
    callback_id = output_register_callback(on_select) if (actions or onselect) else None
    # serial: one worker thread answers the requests in order (the page has two on their way)
    more_id = output_register_callback(more, serial_mode=True) if first < total else None
    head = encoder.chunk(records[:first])
    return Output(_spec(
        "datatable", scope, position,
        key=key, instance_id=instance_id, columns=_columns_spec(tree), fields=[list(p) for p in paths],
        rows=head["rows"], ids=head.get("ids"), total=total, more=more_id, chunk=CHUNK_ROWS,
        callback_id=callback_id, actions=[None if a is None else str(a[0]) for a in actions],
        on_select=onselect is not None, multiple_select=bool(multiple_select), id_field=id_path,
        field_args=_encode_js(field_args, "column_args"), path_args=_encode_js(path_args, "column_args"),
        grid_args=_encode_js(dict(grid_args or {}), "grid_args"), cell_content_bar=bool(cell_content_bar),
        height=height, theme=theme,
    ))


# ---------------------------------------------------------------------------- changes
def _send(command: str, spec: dict) -> None:
    session = get_current_session()
    try:
        session.send_task_command(command, spec)
    except TypeError:
        session.send_task_command(command, _jsonable(spec))


def _check_instance(instance_id) -> None:
    if not isinstance(instance_id, str) or not instance_id:
        raise TypeError(f"instance_id must be the non-empty str given to put_datatable(), got {instance_id!r}")


def _check_row_id(row_id, name: str = "row_id") -> None:
    if row_id is not None and not isinstance(row_id, (str, int, float)):
        raise TypeError(f"{name} must be a str or an int, got {type(row_id).__name__}")


def datatable_update(instance_id: str, data: Any, row_id: int | str | None = None,
                     field: str | Sequence[str] | None = None) -> None:
    """Replace the whole data (data = records), one row (row_id, data = its dict) or one cell
    (row_id and field, a key or a key path; data = the value)."""
    _check_instance(instance_id)
    _check_row_id(row_id)
    if row_id is None and field is not None:
        raise ValueError("`row_id` is required when provide `field`")
    if row_id is None:
        _send("datatable_update", {"instance_id": instance_id, "records": _check_records(data, "data")})
    elif field is None:
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be the row's dict when row_id is given, got {type(data).__name__}")
        _send("datatable_update", {"instance_id": instance_id, "row_id": row_id, "record": data})
    else:
        _send("datatable_update", {"instance_id": instance_id, "row_id": row_id,
                                   "field": _as_path(field, "field"), "value": data})


def datatable_insert(instance_id: str, records: Any, row_id: int | str | None = None) -> None:
    """Insert a record (or a list of records) before the row `row_id` (None = at the end)."""
    _check_instance(instance_id)
    _check_row_id(row_id)
    if isinstance(records, Mapping):
        records = [records]
    _send("datatable_insert", {"instance_id": instance_id, "records": _check_records(records),
                               "row_id": row_id})


def datatable_remove(instance_id: str, row_ids: Any) -> None:
    """Remove the row (or the list of rows) with these ids."""
    _check_instance(instance_id)
    if not isinstance(row_ids, (list, tuple)):
        row_ids = [row_ids]
    for i, row_id in enumerate(row_ids):
        _check_row_id(row_id, f"row_ids[{i}]")
    _send("datatable_remove", {"instance_id": instance_id, "row_ids": list(row_ids)})

"""Output functions: put text, tables, markdown, images, buttons and layouts into the page.

Every ``put_xxx()`` builds a spec (a dict with a ``type``) and returns an `Output`; one JS renderer
per type draws it (``pywebio_lite/static/js/renderers/<type>.js``). When an output is sent is
explained in `pywebio_lite.io_ctrl`. Scopes place output: see `use_scope`.

Names, signatures and behaviour follow PyWebIO 1.8.4's ``pywebio.output``.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Mapping
from typing import Any, Callable, Sequence

from .clientlog import excerpt
from .exceptions import PyWebIOWarning
from .io_ctrl import Output, OutputList, destruct_on_error, output_register_callback
from .session import get_current_session
from .session.base import current_binding
from .utils import check_dom_name_value, iscoroutinefunction, random_str

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["Position", "OutputPosition", "remove", "scroll_to", "put_tabs", "put_scope", "put_text",
           "put_html", "put_code", "put_markdown", "use_scope", "set_scope", "clear",
           "put_table", "put_buttons", "put_image", "put_file", "PopupSize", "popup", "put_button",
           "close_popup", "put_widget", "put_collapse", "put_link", "put_scrollable", "style",
           "put_column", "put_row", "put_grid", "span", "put_progressbar", "set_progressbar",
           "put_processbar", "set_processbar", "put_loading", "output", "toast", "get_scope",
           "put_info", "put_error", "put_warning", "put_success", "put_datatable",
           "datatable_update", "datatable_insert", "datatable_remove", "JSFunction", "trusted_url"]


class OutputPosition:
    TOP = 0
    BOTTOM = -1


class Position:
    TOP = "top"
    MIDDLE = "middle"
    BOTTOM = "bottom"


class PopupSize:
    LARGE = "large"
    NORMAL = "normal"
    SMALL = "small"


# ============================================================================ scopes
def _scope_name(scope: str | int | None) -> str:
    """The scope name an output goes to: None = current scope, int = index into the scope stack."""
    if scope is None:
        session, task_id = current_binding()
        return session.scope_stack(task_id)[-1]
    if isinstance(scope, bool):
        raise TypeError("scope must be a scope name (str) or an index into the scope stack (int)")
    if isinstance(scope, int):
        session, task_id = current_binding()
        try:
            return session.scope_stack(task_id)[scope]
        except IndexError:
            raise ValueError(f"Scope not found: no scope at index {scope} of the scope stack") from None
    if isinstance(scope, str):
        check_dom_name_value(scope, "scope")
        return scope
    raise TypeError(f"scope must be a str, an int or None, not {type(scope).__name__}")


def _check_position(position) -> int:
    if isinstance(position, bool) or not isinstance(position, int):
        raise TypeError(f"position must be an int, not {type(position).__name__}")
    return position


def _spec(type_: str, scope, position, **fields) -> dict:
    """A spec for a new output: its fields, minus those that are None, plus where it goes."""
    spec = {"type": type_}
    for key, value in fields.items():
        if value is not None:
            spec[key] = value
    spec["scope"] = _scope_name(scope)
    if _check_position(position) != -1:
        spec["position"] = position
    return spec


def _ctl(spec: dict) -> None:
    get_current_session().send_task_command("output_ctl", spec)


def set_scope(name: str, container_scope=None, position: int = OutputPosition.BOTTOM,
              if_exist: str | None = None) -> None:
    """Create a scope named `name` in `container_scope` (the current scope by default).

    if_exist: what to do if the scope exists already: None = nothing, 'remove' = remove it and
    create a new one, 'clear' = empty it (and 'blank', used by use_scope(clear=True): empty it
    but keep its height until the with-block ends, so the page does not jump).
    """
    check_dom_name_value(name, "name")
    if if_exist not in (None, "remove", "clear", "blank"):
        raise ValueError(f"if_exist must be None, 'remove' or 'clear', got {if_exist!r}")
    _ctl({"set_scope": name, "container": _scope_name(container_scope),
          "position": _check_position(position), "if_exist": if_exist})


def get_scope(stack_idx: int = -1) -> str:
    """The name of a scope of the current task's scope stack (-1 = the current scope, 0 = 'ROOT')."""
    session, task_id = current_binding()
    try:
        return session.scope_stack(task_id)[stack_idx]
    except IndexError:
        raise ValueError("Scope not found") from None


def clear(scope=None) -> None:
    """Remove everything inside a scope (the current scope by default)."""
    _ctl({"clear": _scope_name(scope)})


clear_scope = clear


def remove(scope=None) -> None:
    """Remove a scope and its content. The ROOT scope cannot be removed."""
    name = _scope_name(scope)
    if name == "ROOT":
        raise AssertionError("Can not remove `ROOT` scope.")
    _ctl({"remove": name})


def scroll_to(scope=None, position: str = Position.TOP) -> None:
    """Scroll the page so the scope is at the top, middle or bottom of the window."""
    if position not in (Position.TOP, Position.MIDDLE, Position.BOTTOM):
        raise ValueError(f"position must be 'top', 'middle' or 'bottom', got {position!r}")
    _ctl({"scroll_to": _scope_name(scope), "position": position})


class use_scope:
    """Enter a scope: ``with use_scope('name'):`` or ``@use_scope('name')``.

    Output made inside goes to that scope, which is created (in the current scope) if it does
    not exist yet. ``clear=True`` empties it first. ``name=None`` makes a new random scope.
    Works as a decorator of plain and ``async def`` functions.
    """

    def __init__(self, name: str | None = None, clear: bool = False, **scope_params):
        create_scope = scope_params.pop("create_scope", True)
        unknown = set(scope_params) - {"container_scope", "position"}
        if unknown:
            raise TypeError(f"use_scope() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        if name is None:
            name = random_str(10)
        else:
            check_dom_name_value(name, "name")
        self.name = name
        self.clear = clear
        self.create_scope = create_scope
        self.scope_params = scope_params

    def __enter__(self) -> str:
        if self.create_scope:
            set_scope(self.name, if_exist="blank" if self.clear else None, **self.scope_params)
        session, task_id = current_binding()
        session.scope_stack(task_id).append(self.name)
        return self.name

    def __exit__(self, exc_type, exc, tb) -> bool:
        session, task_id = current_binding()
        stack = session.scope_stack(task_id)
        if len(stack) > 1:
            stack.pop()
        if self.create_scope and not session.closed():
            session.send_task_command("output_ctl", {"loose": self.name})
        return False

    def __call__(self, func: Callable) -> Callable:
        if iscoroutinefunction(func):
            @functools.wraps(func)
            async def async_wrapper(*args, **kwargs):
                with self:
                    return await func(*args, **kwargs)
            return async_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapper


# ============================================================================ content helpers
def _content(item: Any) -> Any:
    """One piece of content: an Output stays an Output (embedded when encoded); anything else becomes text."""
    if isinstance(item, Output) or item is None:
        return item
    return {"type": "text", "content": str(item)}


def _contents(content: Any) -> list:
    """Content given as one item or a list of items, as a list of specs/Outputs."""
    if content is None:
        return []
    if isinstance(content, (list, tuple, OutputList)):
        return [_content(c) for c in content]
    return [_content(content)]


# ============================================================================ text-like outputs
def put_text(*texts: Any, sep: str = " ", inline: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """Plain text (never HTML). ``inline=True`` keeps it on the line of the previous inline output."""
    content = sep.join(str(t) for t in texts)
    spec = {"type": "text", "content": content}
    if inline:
        spec["inline"] = True
    spec["scope"] = _scope_name(scope)
    if _check_position(position) != -1:
        spec["position"] = position
    return Output(spec)


def _dedent_markdown(text: str) -> str:
    """PyWebIO's lstrip: remove the indentation the lines after the first have in common."""
    lines = text.splitlines()
    if len(lines) <= 1:
        return text.lstrip(" \t")
    rest = lines[1:]
    indents = [len(line) - len(line.lstrip(" \t")) for line in rest if line.strip()]
    cut = min(indents) if indents else 0
    first = lines[0].lstrip(" \t")
    return "\n".join([first] + [line[cut:] for line in rest])


def put_markdown(mdcontent: str, lstrip: bool = True, options: dict | None = None, sanitize: bool = True,
                 scope=None, position: int = OutputPosition.BOTTOM, **kwargs) -> Output:
    """Markdown (CommonMark + GFM tables, strikethrough, autolinks), rendered on the server.

    Line breaks inside a paragraph are kept (like PyWebIO's ``breaks: true``); pass
    ``options={'breaks': False}`` for strict CommonMark. ``sanitize=True`` (the default) strips
    scripts, event handlers and ``javascript:`` URLs from embedded HTML.
    """
    from .markdown import render
    if "strip_indent" in kwargs:
        warnings.warn("put_markdown(strip_indent=) is deprecated, use lstrip=", PyWebIOWarning, stacklevel=2)
        kwargs.pop("strip_indent")
    if kwargs:
        raise TypeError(f"put_markdown() got unexpected keyword arguments: {', '.join(kwargs)}")
    if not isinstance(mdcontent, str):
        raise TypeError(f"mdcontent must be a str, not {type(mdcontent).__name__}")
    if lstrip:
        mdcontent = _dedent_markdown(mdcontent)
    options = options or {}
    html = render(mdcontent, breaks=bool(options.get("breaks", True)), sanitize=sanitize)
    return Output(_spec("markdown", scope, position, html=html))


def put_html(html: Any, sanitize: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """Raw HTML. Its <script> tags run. Objects with ``__html__()`` or ``_repr_html_()`` are accepted."""
    if hasattr(html, "__html__"):
        html = html.__html__()
    elif hasattr(html, "_repr_html_"):
        html = html._repr_html_()
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, not {type(html).__name__}")
    if sanitize:
        from .markdown.sanitize import sanitize_html
        html = sanitize_html(html)
    return Output(_spec("html", scope, position, content=html))


def put_code(content: str, language: str = "", rows: int | None = None, scope=None,
             position: int = OutputPosition.BOTTOM) -> Output:
    """A block of code, highlighted for `language`; `rows` limits its height (it scrolls)."""
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows <= 0):
        raise ValueError(f"rows must be a positive int, got {rows!r}")
    return Output(_spec("code", scope, position, content=str(content), language=language or None, rows=rows))


# ============================================================================ table
class span:
    """A table or grid cell spanning `row` rows and `col` columns."""

    __slots__ = ("content", "row", "col")

    def __init__(self, content: Any, row: int = 1, col: int = 1):
        for name, value in (("row", row), ("col", col)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"span() {name} must be an int >= 1, got {value!r}")
        self.content, self.row, self.col = content, row, col


def _table_cell(cell: Any) -> Any:
    if isinstance(cell, Output):
        return cell
    if isinstance(cell, span):
        raise ValueError("span() can only be used as a whole table cell")
    return "" if cell is None else str(cell)


def put_table(tdata: Sequence, header: Sequence | None = None, scope=None,
              position: int = OutputPosition.BOTTOM) -> Output:
    """A table. Rows are lists, or dicts (then `header` lists the keys, or ``(label, key)`` pairs).

    The first row is the header row (``<th>`` cells). Cells are text, outputs or ``span(...)``.
    """
    if not isinstance(tdata, Sequence) or isinstance(tdata, (str, bytes)):
        raise TypeError(f"tdata must be a list of rows, not {type(tdata).__name__}")
    rows = [list(r) if not isinstance(r, Mapping) else r for r in tdata]
    if rows and isinstance(rows[0], Mapping):
        if header:
            keys = [h[1] if isinstance(h, (tuple, list)) else h for h in header]
            labels = [h[0] if isinstance(h, (tuple, list)) else h for h in header]
        else:
            keys = list(rows[0].keys())
            labels = [str(k).capitalize() for k in keys]
        body = []
        for r in rows:
            if not isinstance(r, Mapping):
                raise TypeError("put_table(): when the first row is a dict, every row must be a dict")
            body.append([r.get(k, "") for k in keys])
        rows = [labels] + body
    elif header:
        rows = [list(header)] + rows
    data, spans = [], {}
    with destruct_on_error(rows):
        for r, row in enumerate(rows):
            if isinstance(row, Mapping):
                raise TypeError("put_table(): mixing dict rows and list rows")
            out_row = []
            for c, cell in enumerate(row):
                if isinstance(cell, span):
                    spans[f"{r},{c}"] = [cell.row, cell.col]
                    cell = cell.content
                out_row.append(_table_cell(cell))
            data.append(out_row)
        fields = {"rows": data}
        if spans:
            fields["spans"] = spans
        return Output(_spec("table", scope, position, **fields))


# ============================================================================ buttons, links, files
_COLORS = ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark")


def _button_items(buttons: Sequence) -> list[dict]:
    if isinstance(buttons, (str, bytes)) or not isinstance(buttons, Sequence):
        raise TypeError(f"buttons must be a list, not {type(buttons).__name__}")
    items = []
    for b in buttons:
        if isinstance(b, Mapping):
            if "label" not in b:
                raise ValueError(f"a button dict needs a 'label' key: {b!r}")
            item = dict(b)
            item.setdefault("value", item["label"])
        elif isinstance(b, (tuple, list)):
            if len(b) != 2:
                raise ValueError(f"a button tuple must be (label, value), got {b!r}")
            item = {"label": b[0], "value": b[1]}
        else:
            item = {"label": b, "value": b}
        items.append(item)
    return items


def put_buttons(buttons: Sequence, onclick: Callable | Sequence[Callable], small: bool | None = None,
                link_style: bool = False, outline: bool = False, group: bool = False, scope=None,
                position: int = OutputPosition.BOTTOM, **callback_options) -> Output:
    """A group of buttons; a click calls ``onclick(value)`` (or the matching function of a list).

    Button values never travel to the browser; any Python object works as a value.
    """
    items = _button_items(buttons)
    if isinstance(onclick, Sequence) and not isinstance(onclick, str):
        funcs = list(onclick)
        if len(funcs) != len(items):
            raise ValueError(f"onclick has {len(funcs)} functions for {len(items)} buttons")
        for f in funcs:
            if not callable(f):
                raise TypeError("every item of onclick must be callable")

        def on_click(index):
            return funcs[index]()
    elif callable(onclick):
        values = [b["value"] for b in items]

        def on_click(index):
            return onclick(values[index])
    else:
        raise TypeError(f"onclick must be a function or a list of functions, not {type(onclick).__name__}")

    def callback(index):
        if type(index) is not int or not 0 <= index < len(items):
            logger.warning("dropped a click on a button index that does not exist: %s", excerpt(index))
            return None
        return on_click(index)  # a coroutine, for async callbacks in coroutine sessions

    callback.__name__ = getattr(onclick, "__name__", "onclick")
    unknown = set(callback_options) - {"serial_mode", "mutex_mode"}
    if unknown:
        raise TypeError(f"put_buttons() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    callback_id = output_register_callback(callback, **callback_options)
    specs = []
    for i, b in enumerate(items):
        spec = {"label": str(b["label"]), "value": i}
        if b.get("color"):
            spec["color"] = str(b["color"])
        if b.get("disabled"):
            spec["disabled"] = True
        specs.append(spec)
    return Output(_spec("buttons", scope, position, callback_id=callback_id, buttons=specs,
                        small=bool(small) or None, link=bool(link_style) or None,
                        outline=bool(outline) or None, group=bool(group) or None))


def put_button(label: str, onclick: Callable[[], Any], color: str | None = None, small: bool | None = None,
               link_style: bool = False, outline: bool = False, disabled: bool = False, scope=None,
               position: int = OutputPosition.BOTTOM) -> Output:
    """One button; a click calls ``onclick()``."""
    if not callable(onclick):
        raise TypeError(f"onclick must be callable, not {type(onclick).__name__}")
    return put_buttons([{"label": label, "value": "", "color": color or "primary", "disabled": disabled}],
                       onclick=[onclick], small=small, link_style=link_style, outline=outline,
                       scope=scope, position=position)


class _TrustedURL(str):
    """A URL the app vouches for (see `trusted_url`)."""
    __slots__ = ()


def trusted_url(url: str) -> str:
    """Mark `url` as trusted by the app: ``put_link``/``put_image`` then use it even if it is a
    ``javascript:``, ``vbscript:`` or ``data:`` URL, which they neutralise otherwise
    (pywebio_lite only; see docs/security.md). Never wrap a URL that comes from a user."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")
    return _TrustedURL(url)


def _url_fields(key: str, url: str | None, image: bool) -> dict:
    """The spec fields for a link's or image's URL: the URL itself, ``trusted`` for an app's
    `trusted_url`, or ``blocked`` (and no URL) for a script URL, which is logged."""
    if url is None:
        return {key: None}
    if isinstance(url, _TrustedURL):
        return {key: str(url), "trusted": True}
    from .markdown.sanitize import is_script_url
    if is_script_url(url, image=image):
        logger.warning("neutralised a script URL in put_%s(): %r (wrap it in trusted_url() if the app "
                       "means it)", "image" if image else "link", url[:60])
        return {key: None, "blocked": True}
    return {key: url}


def put_link(name: str, url: str | None = None, app: str | None = None, new_window: bool = False,
             scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A link to a URL, or to another app of this server (``app=``).

    A ``javascript:``/``vbscript:``/``data:`` URL (other than an image) is neutralised: the text
    shows, but is no link. Wrap a URL the app means in `trusted_url` to keep it."""
    if (url is None) == (app is None):
        raise ValueError("put_link() needs exactly one of url= and app=")
    if app is not None:
        check_dom_name_value(app, "app")
    if url is not None and not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")
    return Output(_spec("link", scope, position, text=str(name), app=app, **_url_fields("url", url, False),
                        new_window=bool(new_window) or None))


def put_file(name: str, content: bytes, label: str | None = None, scope=None,
             position: int = OutputPosition.BOTTOM) -> Output:
    """A link that downloads `content` as a file called `name` when clicked."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"content must be bytes, not {type(content).__name__}")
    if label is None:
        label = name
    from .session import download
    content = bytes(content)
    return put_buttons([label], onclick=[lambda: download(name, content)], link_style=True,
                       scope=scope, position=position)


# ============================================================================ images
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
                (b"GIF89a", "gif"), (b"BM", "bmp"), (b"\x00\x00\x01\x00", "x-icon"))


def _image_format(data: bytes) -> str:
    for magic, fmt in _IMAGE_MAGIC:
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:256].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:1024].lower()):
        return "svg+xml"
    return "png"


def put_image(src: Any, format: str | None = None, title: str = "", width: str | None = None,
              height: str | None = None, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """An image from a URL, from bytes, or from an object with a ``save(file, format)`` method (PIL)."""
    if hasattr(src, "save") and not isinstance(src, (str, bytes, bytearray)):
        import io
        buf = io.BytesIO()
        fmt = (format or getattr(src, "format", None) or "png").lower()
        src.save(buf, format=fmt)
        src, format = buf.getvalue(), fmt
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        fmt = (format or _image_format(data)).lower()
        if fmt == "jpg":
            fmt = "jpeg"
        if fmt == "svg":
            fmt = "svg+xml"
        import base64
        src = f"data:image/{fmt};base64," + base64.b64encode(data).decode("ascii")
    elif not isinstance(src, str):
        raise TypeError(f"src must be a URL, bytes or an image object, not {type(src).__name__}")
    return Output(_spec("image", scope, position, **_url_fields("src", src, True), title=str(title) if title else None,
                        width=str(width) if width is not None else None,
                        height=str(height) if height is not None else None))


# ============================================================================ progress, loading
def put_progressbar(name: str, init: float = 0, label: str | None = None, auto_close: bool = False,
                    scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A progress bar, 0 ≤ value ≤ 1, updated with set_progressbar(name, value)."""
    check_dom_name_value(name, "name")
    return Output(_spec("progressbar", scope, position, name=name, value=_progress_value(init),
                        label=label, auto_close=bool(auto_close) or None))


def _progress_value(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"progress value must be a number, not {type(value).__name__}")
    return min(max(float(value), 0.0), 1.0)


def set_progressbar(name: str, value: float, label: str | None = None) -> None:
    """Set a progress bar's value (0..1) and, optionally, its label."""
    check_dom_name_value(name, "name")
    spec = {"name": name, "value": _progress_value(value)}
    if label is not None:
        spec["label"] = str(label)
    get_current_session().send_task_command("set_progressbar", spec)


put_processbar = put_progressbar
set_processbar = set_progressbar


def put_loading(shape: str = "border", color: str = "dark", scope=None,
                position: int = OutputPosition.BOTTOM) -> Output:
    """A spinner (``role="status"``). As a context manager it and everything inside go away on exit."""
    if shape not in ("border", "grow"):
        raise ValueError(f"shape must be 'border' or 'grow', got {shape!r}")
    if color not in _COLORS:
        raise ValueError(f"color must be one of {', '.join(_COLORS)}; got {color!r}")
    return Output(_spec("loading", scope, position, shape=shape, color=color))


# ============================================================================ containers
def _alert(kind: str, contents: tuple, closable: bool, scope, position) -> Output:
    items = _contents(list(contents))
    with destruct_on_error(items):
        return Output(_spec("alert", scope, position, kind=kind, contents=items, closable=bool(closable) or None))


def put_info(*contents: Any, closable: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """An information notice (``role="alert"``); usable as a context manager."""
    return _alert("info", contents, closable, scope, position)


def put_success(*contents: Any, closable: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A success notice (``role="alert"``); usable as a context manager."""
    return _alert("success", contents, closable, scope, position)


def put_warning(*contents: Any, closable: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A warning notice (``role="alert"``); usable as a context manager."""
    return _alert("warning", contents, closable, scope, position)


def put_error(*contents: Any, closable: bool = False, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """An error notice (``role="alert"``); usable as a context manager."""
    return _alert("error", contents, closable, scope, position)


def put_collapse(title: str, content: Any = (), open: bool = False, scope=None,
                 position: int = OutputPosition.BOTTOM) -> Output:
    """A collapsible section (``<details>``); usable as a context manager."""
    items = _contents(content)
    with destruct_on_error(items):
        return Output(_spec("collapse", scope, position, title=str(title), contents=items, open=bool(open) or None))


def put_scrollable(content: Any = (), height: int | tuple = 400, keep_bottom: bool = False, border: bool = True,
                   scope=None, position: int = OutputPosition.BOTTOM, **kwargs) -> Output:
    """A fixed-height box whose content scrolls; `height` is px, (min, max) or None (no limit).
    Usable as a context manager."""
    if "max_height" in kwargs:
        warnings.warn("put_scrollable(max_height=) is deprecated, use height=", PyWebIOWarning, stacklevel=2)
        height = kwargs.pop("max_height")
    if kwargs:
        raise TypeError(f"put_scrollable() got unexpected keyword arguments: {', '.join(kwargs)}")
    if isinstance(height, (tuple, list)):
        if len(height) != 2:
            raise ValueError("height must be an int or a (min_height, max_height) pair")
        min_height, max_height = height
    else:
        min_height, max_height = height, height
    for name, value in (("height", min_height), ("height", max_height)):
        # None: no limit (PyWebIO's theme demo uses height=None for a box that grows with its content)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise TypeError(f"{name} must be a number of pixels or None")
    items = _contents(content)
    with destruct_on_error(items):
        return Output(_spec("scrollable", scope, position, contents=items, min_height=min_height,
                            max_height=max_height, keep_bottom=bool(keep_bottom) or None,
                            border=bool(border)))


def put_tabs(tabs: Sequence[Mapping], scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """Tabs: a list of ``{'title': str, 'content': output, text or list}``."""
    if isinstance(tabs, (str, bytes)) or not isinstance(tabs, Sequence):
        raise TypeError("tabs must be a list of {'title': ..., 'content': ...} dicts")
    items = []
    for tab in tabs:
        if not isinstance(tab, Mapping) or "title" not in tab or "content" not in tab:
            raise ValueError("each tab must be a dict with 'title' and 'content'")
        items.append({"title": str(tab["title"]), "contents": _contents(tab["content"])})
    with destruct_on_error(items):
        return Output(_spec("tabs", scope, position, tabs=items))


def put_scope(name: str, content: Any = (), scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A scope named `name` holding `content`."""
    check_dom_name_value(name, "name")
    items = _contents(content)
    with destruct_on_error(items):
        return Output(_spec("scope", scope, position, name=name, contents=items))


def put_widget(template: str, data: Mapping, scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """Your own widget: a mustache template filled with `data`, rendered on the server.

    Outputs inside `data` are drawn where ``{{& pywebio_output_parse}}`` names them (or any
    variable that holds an output).
    """
    from .template import render_template
    if not isinstance(template, str):
        raise TypeError(f"template must be a str, not {type(template).__name__}")
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a dict, not {type(data).__name__}")
    slots: list = []

    def embed(value):
        if isinstance(value, Output):
            slots.append(value)
            return f'<span data-pwl-slot="{len(slots) - 1}"></span>'
        return None

    with destruct_on_error(data):
        html = render_template(template, dict(data), embed=embed)
        return Output(_spec("widget", scope, position, html=html, slots=slots))


def _layout_items(content: Any, func: str) -> list:
    if isinstance(content, (str, bytes)) or not isinstance(content, (Sequence, OutputList)):
        raise TypeError(f"{func}() content must be a list of outputs")
    return [_content(c) for c in content]


def put_row(content: Sequence = (), size: str | None = None, scope=None,
            position: int = OutputPosition.BOTTOM) -> Output:
    """Outputs side by side. A None item is a 10px gap. `size` is a CSS grid-template-columns value."""
    items = _layout_items(content, "put_row")
    with destruct_on_error(items):
        return Output(_spec("row", scope, position, contents=items, size=size))


def put_column(content: Sequence = (), size: str | None = None, scope=None,
               position: int = OutputPosition.BOTTOM) -> Output:
    """Outputs stacked vertically. A None item is a 10px gap. `size` is a CSS grid-template-rows value."""
    items = _layout_items(content, "put_column")
    with destruct_on_error(items):
        return Output(_spec("column", scope, position, contents=items, size=size))


def put_grid(content: Sequence[Sequence], cell_width: str = "auto", cell_height: str = "auto",
             cell_widths: str | None = None, cell_heights: str | None = None, direction: str = "row",
             scope=None, position: int = OutputPosition.BOTTOM) -> Output:
    """A grid of outputs from a 2-D list; ``span(output, row, col)`` cells span, None cells are empty."""
    if direction not in ("row", "column"):
        raise ValueError(f"direction must be 'row' or 'column', got {direction!r}")
    if isinstance(content, (str, bytes)) or not isinstance(content, Sequence):
        raise TypeError("put_grid() content must be a 2-D list")
    cells, spans = [], {}
    with destruct_on_error(content):
        width = max((len(r) for r in content), default=0)
        for r, row in enumerate(content):
            if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
                raise TypeError("put_grid() content must be a 2-D list")
            out = []
            for c, cell in enumerate(row):
                if isinstance(cell, span):
                    spans[f"{r},{c}"] = [cell.row, cell.col]
                    cell = cell.content
                out.append(_content(cell))
            out.extend([None] * (width - len(out)))  # short rows are padded
            cells.append(out)
        fields = {"cells": cells, "cell_width": cell_width, "cell_height": cell_height,
                  "cell_widths": cell_widths, "cell_heights": cell_heights, "direction": direction}
        if spans:
            fields["spans"] = spans
        return Output(_spec("grid", scope, position, **fields))


def style(outputs: Output | Sequence[Output], css_style: str) -> Output | OutputList:
    """Deprecated (PyWebIO 1.3): use ``put_xxx().style(css)``."""
    if isinstance(outputs, Output):
        return outputs.style(css_style)
    result = OutputList(outputs)
    return result.style(css_style)


# ============================================================================ output() placeholder
class OutputHandler(Output):
    """What output() returns: a placeholder that can be updated after it is shown."""

    __slots__ = ("name",)

    def __init__(self, spec: dict, name: str):
        super().__init__(spec)
        self.name = name

    def reset(self, *outputs: Any) -> None:
        """Replace the content."""
        session = get_current_session()
        session.send_task_command("output_ctl", {"clear": self.name})
        self.append(*outputs)

    def append(self, *outputs: Any) -> None:
        """Add outputs at the end."""
        for item in outputs:
            self._put(item, -1)

    def insert(self, idx: int, *outputs: Any) -> None:
        """Insert outputs: before item `idx` if idx >= 0, after item `idx` if idx < 0."""
        _check_position(idx)
        items = outputs if idx >= 0 else reversed(outputs)
        for item in items:
            self._put(item, idx)

    def _put(self, item: Any, position: int) -> None:
        spec = item.embed_data() if isinstance(item, Output) else _content(item)
        spec = dict(spec, scope=self.name)
        if position != -1:
            spec["position"] = position
        get_current_session().send_task_command("output", spec)


def output(*contents: Any) -> OutputHandler:
    """Deprecated (PyWebIO 1.5): a placeholder to embed and update later; prefer put_scope().

    Like a put_xxx() result it goes to the bottom of the current scope when shown with
    ``.show()`` or dropped as a statement; embedded in another output it goes there instead.
    """
    name = "output-" + random_str(10)
    items = _contents(list(contents))
    return OutputHandler(_spec("scope", None, OutputPosition.BOTTOM, name=name, contents=items), name)


# ============================================================================ popup, toast
class popup:
    """A modal dialog. Call it, or use it as a context manager or a decorator.

    ``popup(title, content)`` shows it at once. ``with popup(title):`` shows it and sends the
    output made inside the block into it (it stays open afterwards). Only one popup shows at a
    time: a new one replaces the old.
    """

    def __init__(self, title: str, content: Any = None, size: str = PopupSize.NORMAL,
                 implicit_close: bool = True, closable: bool = True):
        if size not in (PopupSize.LARGE, PopupSize.NORMAL, PopupSize.SMALL):
            raise ValueError(f"size must be 'large', 'normal' or 'small', got {size!r}")
        self.name = random_str(10)
        items = _contents(content)
        spec = {"title": str(title), "contents": items, "size": size,
                "implicit_close": bool(implicit_close) and bool(closable), "closable": bool(closable),
                "name": self.name}
        with destruct_on_error(items):
            get_current_session().send_task_command("popup", _encodable(spec))
        self._scope = use_scope(self.name, create_scope=False)

    def __enter__(self) -> str:
        return self._scope.__enter__()

    def __exit__(self, *exc) -> bool:
        return self._scope.__exit__(*exc)

    def __call__(self, func: Callable) -> Callable:
        return self._scope(func)


def _encodable(value: Any) -> Any:
    """Replace Outputs inside a command spec by their embedded specs."""
    if isinstance(value, Output):
        return _encodable(value.embed_data())
    if isinstance(value, dict):
        return {k: _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value


def close_popup() -> None:
    """Close the popup that is showing."""
    get_current_session().send_task_command("close_popup")


_TOAST_COLORS = {"info": "#1565c0", "error": "#e53935", "warn": "#ef6c00", "success": "#2e7d32"}


def toast(content: Any, duration: float = 2, position: str = "center", color: str = "info",
          onclick: Callable[[], Any] | None = None) -> None:
    """A short notification. `duration` in seconds (0 = until closed); `color` info/error/warn/success or '#hex'."""
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
        raise ValueError(f"duration must be a number of seconds >= 0, got {duration!r}")
    if position not in ("left", "center", "right"):
        raise ValueError(f"position must be 'left', 'center' or 'right', got {position!r}")
    hex_color = _TOAST_COLORS.get(color, color)
    if not (isinstance(hex_color, str) and hex_color.startswith("#") and len(hex_color) in (4, 7)
            and all(ch in "0123456789abcdefABCDEF" for ch in hex_color[1:])):
        raise ValueError(f"color must be info, error, warn, success or a '#hex' color, got {color!r}")
    callback_id = None
    if onclick is not None:
        if not callable(onclick):
            raise TypeError("onclick must be callable")
        callback_id = output_register_callback(lambda _: onclick())
    get_current_session().send_task_command("toast", {
        "content": str(content), "duration": int(duration * 1000), "position": position,
        "color": hex_color, "callback_id": callback_id})


# ============================================================================ datatable
# The data grid lives in its own module; imported last, since it uses _spec() from here.
from .datatable import JSFunction, datatable_insert, datatable_remove, datatable_update, put_datatable  # noqa: E402

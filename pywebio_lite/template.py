"""The mustache subset used by ``put_widget(template, data)``, rendered on the server.

Supported (semantics follow the mustache spec, https://mustache.github.io/mustache.5.html):

* ``{{name}}`` -- the value, HTML-escaped (``html.escape(quote=True)``);
* ``{{& name}}`` and ``{{{name}}}`` -- the value, unescaped;
* dotted names ``{{a.b}}`` (``a`` is looked up on the context stack, ``b`` only inside ``a``;
  a decimal part indexes a list, ``{{items.0}}``) and ``{{.}}``, the current item;
* sections ``{{#name}}...{{/name}}``: skipped for a falsy value or an empty list, repeated for each
  item of a list (or tuple) with the item pushed on the context stack, rendered once with the value
  pushed for anything else that is truthy;
* inverted sections ``{{^name}}...{{/name}}``, rendered when the value is falsy or an empty list;
* comments ``{{! ...}}`` (may span lines);
* standalone lines: a section, inverted, closing or comment tag alone on its line (only spaces or
  tabs around it) removes the whole line, newline included, as the spec's "Standalone" rules say;
* context-stack lookup: a name missing from the current item is looked up in the enclosing ones.

Truthiness is that of mustache.js, which renders PyWebIO's widgets in the browser: ``None``,
``False``, ``0``, ``""`` and empty lists are falsy; a dict, even an empty one, is truthy.

Values are written as: ``str`` as is, ``None`` as "", anything else through ``str()``.

Embedded outputs: ``pywebio_output_parse`` is a special name for the current item (PyWebIO apps
write ``{{#contents}}{{& pywebio_output_parse}}{{/contents}}`` over a list of ``put_xxx()``
outputs). When the caller passes ``embed``, every value a variable tag resolves to that is not a
plain str/int/float/bool/None is offered to ``embed(value)``; if it returns a str (an HTML
placeholder for the output) that string is inserted unescaped, whatever the tag's escaping.

Not supported, and rejected with ``ValueError``: partials ``{{> name}}`` and set-delimiter
``{{=<% %>=}}``. Lambdas are not supported: a callable value is written through ``str()`` like
any other object. Templates are compiled once and kept in a small LRU cache keyed by the template
text, so rendering the same widget many times only walks the compiled tree.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any, Callable, Optional

__all__ = ["render_template", "MAX_SECTION_DEPTH", "CACHE_SIZE"]

#: Sections nested deeper than this are refused (rendering recurses once per level).
MAX_SECTION_DEPTH = 100
#: How many compiled templates are kept.
CACHE_SIZE = 256

#: The special name PyWebIO apps use for "the current item, rendered as an output".
OUTPUT_PARSE_NAME = "pywebio_output_parse"

_OPEN = "{{"
_CLOSE = "}}"

# Compiled node kinds.  A compiled template is a tuple of nodes:
#   (_TEXT, text)
#   (_VAR, path, escape)                      path: tuple of name parts, () for "." and the
#                                             special output name
#   (_SECTION, path, children, inverted)      children: tuple of nodes
_TEXT = 0
_VAR = 1
_SECTION = 2

# Tags that may stand alone on a line (mustache spec, "Standalone" rules).  Variables may not.
_STANDALONE_SIGILS = frozenset("#^/!")

# Plain values are never offered to ``embed``: outputs are never one of these.
_PLAIN_TYPES = (str, int, float, bool, type(None))

_MISSING = object()


def _line_number(template: str, index: int) -> int:
    return template.count("\n", 0, index) + 1


def _parse_name(raw: str, tag: str, line: int) -> tuple:
    """Turn a tag's name into a lookup path; ``.`` and the output name become ``()``."""
    name = raw.strip()
    if not name:
        raise ValueError(f"empty tag name in {tag!r} at line {line}")
    if any(ch.isspace() for ch in name):
        raise ValueError(f"tag name may not contain whitespace: {tag!r} at line {line}")
    if name == "." or name == OUTPUT_PARSE_NAME:
        return ()
    parts = tuple(name.split("."))
    if any(not p for p in parts):
        raise ValueError(f"malformed dotted name in {tag!r} at line {line}")
    return parts


def _scan(template: str) -> list:
    """Split the template into text pieces and tags, applying the standalone-line rules.

    Returns a flat list of ``(_TEXT, text)`` and ``(sigil, raw_name, tag_text, line)`` items;
    sigil is "" for an escaped variable, "&" for an unescaped one ("{{{ }}}" included).
    """
    items: list = []
    n = len(template)
    pos = 0              # start of text not yet emitted
    last_tag_end = 0     # index just past the previous tag (or its swallowed line end)
    while True:
        start = template.find(_OPEN, pos)
        if start < 0:
            if pos < n:
                items.append((_TEXT, template[pos:]))
            return items
        if template.startswith("{", start + 2):
            close = "}" + _CLOSE
            inner_start = start + 3
        else:
            close = _CLOSE
            inner_start = start + 2
        end_inner = template.find(close, inner_start)
        if end_inner < 0:
            line = _line_number(template, start)
            raise ValueError(f"unclosed tag {template[start:start + 20]!r} at line {line}: "
                             f"no matching {close!r}")
        end = end_inner + len(close)
        tag = template[start:end]
        inner = template[inner_start:end_inner]
        line = _line_number(template, start)

        if close != _CLOSE:
            sigil, raw = "&", inner
        else:
            stripped = inner.lstrip()
            sigil = stripped[:1]
            if sigil in ("#", "^", "/", "!", "&"):
                raw = stripped[1:]
            elif sigil == ">":
                raise ValueError(f"partials are not supported: {tag!r} at line {line}")
            elif sigil == "=":
                raise ValueError(f"set-delimiter tags are not supported: {tag!r} at line {line}")
            elif sigil == "{":
                raise ValueError(f"malformed triple mustache {tag!r} at line {line}")
            else:
                sigil, raw = "", inner

        text_end = start
        resume = end
        if sigil in _STANDALONE_SIGILS:
            # Mustache spec, "Standalone": the tag is the only thing on its line except spaces
            # and tabs; then the line, its indentation and its line ending are all removed.
            line_start = template.rfind("\n", 0, start) + 1
            if last_tag_end <= line_start and _blank(template, line_start, start):
                after = end
                while after < n and template[after] in " \t":
                    after += 1
                if after == n:
                    line_end = n
                elif template.startswith("\r\n", after):
                    line_end = after + 2
                elif template[after] == "\n":
                    line_end = after + 1
                else:
                    line_end = -1
                if line_end >= 0:
                    text_end = line_start
                    resume = line_end
        if pos < text_end:
            items.append((_TEXT, template[pos:text_end]))
        if sigil != "!":
            items.append((sigil, raw, tag, line))
        pos = last_tag_end = resume


def _blank(template: str, start: int, stop: int) -> bool:
    for i in range(start, stop):
        if template[i] not in " \t":
            return False
    return True


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile(template: str) -> tuple:
    """Compile a template into a tree of nodes (cached; errors are not cached)."""
    root: list = []
    # Each frame: (children list of the open section, sigil, name, path, line, tag)
    stack: list = []
    children = root
    for item in _scan(template):
        kind = item[0]
        if kind == _TEXT:
            if children and children[-1][0] == _TEXT:
                children[-1] = (_TEXT, children[-1][1] + item[1])
            else:
                children.append(item)
            continue
        sigil, raw, tag, line = item
        if sigil in ("", "&"):
            children.append((_VAR, _parse_name(raw, tag, line), sigil == ""))
        elif sigil in ("#", "^"):
            path = _parse_name(raw, tag, line)
            if len(stack) >= MAX_SECTION_DEPTH:
                raise ValueError(f"sections nested deeper than {MAX_SECTION_DEPTH} at {tag!r} "
                                 f"(line {line})")
            stack.append((children, sigil, raw.strip(), path, line, tag))
            children = []
        else:  # "/"
            name = raw.strip()
            if not stack:
                raise ValueError(f"closing tag {tag!r} at line {line} has no open section")
            parent, open_sigil, open_name, path, open_line, open_tag = stack.pop()
            if name != open_name:
                raise ValueError(f"mismatched section: {tag!r} at line {line} closes "
                                 f"{open_tag!r} opened at line {open_line}")
            parent.append((_SECTION, path, tuple(children), open_sigil == "^"))
            children = parent
    if stack:
        _, _, name, _, line, tag = stack[-1]
        raise ValueError(f"unclosed section {tag!r} opened at line {line}: missing "
                         f"'{{{{/{name}}}}}'")
    return tuple(root)


def _get(obj: Any, part: str) -> Any:
    """One step of a dotted name: a mapping key, or a list index.  ``_MISSING`` if absent."""
    if isinstance(obj, Mapping):
        return obj.get(part, _MISSING)
    if isinstance(obj, (list, tuple)) and part.isdigit():
        index = int(part)
        if index < len(obj):
            return obj[index]
    return _MISSING


def _lookup(stack: list, path: tuple) -> Any:
    """Resolve a name against the context stack (mustache spec, "Interpolation" / "Sections")."""
    if not path:
        return stack[-1]
    first = path[0]
    for ctx in reversed(stack):
        value = _get(ctx, first)
        if value is not _MISSING:
            break
    else:
        return None
    for part in path[1:]:
        value = _get(value, part)
        if value is _MISSING:
            return None
    return value


def _is_falsy(value: Any) -> bool:
    """mustache.js truthiness: an empty dict (a JS object) is truthy."""
    if isinstance(value, Mapping):
        return False
    if value is None or value is False:
        return True
    if isinstance(value, (str, list, tuple, int, float)):
        return not value
    return False


def _render(nodes: tuple, stack: list, out: list, embed: Optional[Callable]) -> None:
    escape = html.escape
    for node in nodes:
        kind = node[0]
        if kind == _TEXT:
            out.append(node[1])
        elif kind == _VAR:
            value = _lookup(stack, node[1])
            if isinstance(value, str):
                out.append(escape(value, True) if node[2] else value)
            elif value is None:
                continue
            else:
                if embed is not None and not isinstance(value, _PLAIN_TYPES):
                    slot = embed(value)
                    if isinstance(slot, str):
                        out.append(slot)
                        continue
                text = str(value)
                out.append(escape(text, True) if node[2] else text)
        else:
            value = _lookup(stack, node[1])
            children = node[2]
            if node[3]:  # inverted
                if _is_falsy(value):
                    _render(children, stack, out, embed)
            elif _is_falsy(value):
                continue
            elif isinstance(value, (list, tuple)):
                for item in value:
                    stack.append(item)
                    _render(children, stack, out, embed)
                    stack.pop()
            else:
                stack.append(value)
                _render(children, stack, out, embed)
                stack.pop()


def render_template(template: str, data: Mapping, *,
                    embed: Optional[Callable[[Any], Optional[str]]] = None) -> str:
    """Render a mustache ``template`` with ``data`` (see the module docstring for the subset).

    ``embed(value)`` is asked about every non-plain value a variable tag resolves to; a str it
    returns is inserted unescaped (used by ``put_widget`` to place outputs).
    Raises ``ValueError`` for a malformed template (unclosed or mismatched section, unclosed tag,
    partials, set-delimiters), naming the tag and its line.
    """
    if not isinstance(template, str):
        raise TypeError(f"template must be a str, not {type(template).__name__}")
    if data is None:
        data = {}
    elif not isinstance(data, Mapping):
        raise TypeError(f"data must be a dict, not {type(data).__name__}")
    if embed is not None and not callable(embed):
        raise TypeError(f"embed must be callable or None, not {type(embed).__name__}")
    nodes = _compile(template)
    out: list = []
    _render(nodes, [data], out, embed)
    return "".join(out)


def cache_info():
    """Statistics of the compiled-template cache (``functools.lru_cache`` info)."""
    return _compile.cache_info()


def clear_cache() -> None:
    """Forget every compiled template."""
    _compile.cache_clear()

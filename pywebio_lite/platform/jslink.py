"""Linking an ES-module graph into one module, so the first page needs one script request.

`link(entry, read)` follows the static imports of `entry` (paths relative to the static root;
`read(path) -> str` gives a file's source) and writes every module of the graph into one module,
in the order a browser evaluates them (depth first, imports before importers). Import statements
go, `export` keywords go, and the linked module exports every name the graph exports, so modules
loaded later (the lazy ones: forms/, the highlighter...) can import them from it through an
import map: one instance of each module, as with separate files.

This is scope hoisting without renaming, so it only links a graph that keeps these rules, and
raises `LinkError` (the page then loads the separate files) for anything else:

* top-level names are unique across the graph, and no module uses a name another module
  declares at top level without importing it or declaring it itself (a local variable, a
  parameter): a free use would silently bind to the other module's name. A module that both
  declares a local `x` and means a global `x` elsewhere is not detected: keep such names apart;
* imports are ``import { a, b } from './x.js'`` or ``import name from './x.js'``, bound to the
  exporter's own names (no ``as`` renames, no ``import *``); ``import.meta`` only in modules
  of the entry's directory (where the linked module is served, so its URL means the same);
* default exports are named function or class declarations;
* a dynamic ``import('./y.js')`` names a module outside the graph (its path is rewritten
  relative to the linked module).

Modules named in `external` (a lazy graph's imports of the already linked core) are left out:
the linked module imports their names itself, one statement per module, and the page's import
map sends those imports to the one instance.

Pure: text in, text out, via `read`.
"""
from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from typing import Callable

from .jslex import tokenize

__all__ = ["link", "LinkError", "imports_of", "Linked"]


class LinkError(ValueError):
    """The graph breaks one of the rules above; the message names the module and the rule."""


_SKIP = ("ws", "comment")
_DECL_WORDS = ("const", "let", "var")
_OPEN, _CLOSE = "([{", ")]}"


@dataclass
class _Module:
    path: str
    tokens: list
    imports: list = field(default_factory=list)       # (target path, [names], default name or None)
    exports: dict = field(default_factory=dict)       # exported name -> local name
    declared: set = field(default_factory=set)        # top-level names
    used: set = field(default_factory=set)            # every name token that is not a property
    bound: set = field(default_factory=set)           # names declared in any scope (locals, params)
    drop: set = field(default_factory=set)            # token indices to leave out
    dynamic: list = field(default_factory=list)       # (token index, target path)
    uses_meta: bool = False                           # import.meta appears


@dataclass
class Linked:
    """The linked module's text, the modules in it (evaluation order), the names it exports, and
    the modules that have a default export (which the linked module cannot stand in for)."""
    text: str
    modules: list
    exports: list
    with_default: frozenset = frozenset()


def _significant(tokens, i):
    """Index of the first significant token at or after i (len(tokens) if none)."""
    while i < len(tokens) and tokens[i][0] in _SKIP:
        i += 1
    return i


def _string_value(tok) -> str:
    return tok[1][1:-1]


def _resolve(base_path: str, spec: str, where: str) -> str:
    if not (spec.startswith("./") or spec.startswith("../")):
        raise LinkError(f"{where}: only relative imports can be linked, not {spec!r}")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_path), spec))


@functools.lru_cache(maxsize=256)
def _parse(path: str, source: str) -> _Module:
    """What one module imports, exports, declares and uses (cached: callers never change it)."""
    toks = tokenize(source)
    mod = _Module(path, toks)
    depth = 0
    prev = None          # the previous significant token's index
    opens: list[int] = []
    n = len(toks)
    i = 0
    while i < n:
        kind, text = toks[i]
        if kind in _SKIP:
            i += 1
            continue
        before = toks[prev] if prev is not None else None
        is_property = before is not None and before[1] in (".", "?.")
        if kind == "punct":
            if text in _OPEN:
                depth += 1
                opens.append(i)
            elif text in _CLOSE:
                depth -= 1
                start = opens.pop() if opens else i
                if text == ")":
                    _note_params(mod, start, i)
            elif text == "=>" and before is not None and before[0] == "name":
                mod.bound.add(before[1])
        elif kind == "name" and not is_property:
            if before is not None and before[1] in _BINDERS:
                nxt = _significant(toks, i + 1)
                mod.bound.add(text)
            elif text in _DECL_WORDS + ("catch",):
                j = _significant(toks, i + 1)
                if j < n and toks[j][1] == "(":
                    j = _significant(toks, j + 1)
                if j < n and toks[j][1] in ("{", "["):
                    _pattern_names(mod, j)
            nxt = _significant(toks, i + 1)
            nxt_text = toks[nxt][1] if nxt < n else ""
            if text == "import" and nxt_text == ".":
                mod.uses_meta = True
            elif text == "import" and nxt_text == "(":
                arg = _significant(toks, nxt + 1)
                if arg < n and toks[arg][0] == "str":
                    mod.dynamic.append((arg, _resolve(path, _string_value(toks[arg]), path)))
            elif text == "import" and depth == 0:
                i = _parse_import(mod, i)
                prev = i - 1
                continue
            elif text == "export" and depth == 0:
                i = _parse_export(mod, i)
                continue
            elif depth == 0 and text in ("function", "class"):
                j = nxt
                if j < n and toks[j][1] == "*":
                    j = _significant(toks, j + 1)
                if j < n and toks[j][0] == "name":
                    mod.declared.add(toks[j][1])
            elif depth == 0 and text in _DECL_WORDS:
                _declarators(mod, nxt)
            is_key = nxt_text == ":" and before is not None and before[1] in ("{", ",")  # { key: value }
            if not is_key and not _is_method(toks, nxt):
                mod.used.add(text)
        prev = i
        i += 1
    return mod


_BINDERS = frozenset({"const", "let", "var", "function", "class", "catch"})
_PARAM_BEFORE = frozenset({"(", ",", "{", "[", "...", ":"})
_PARAM_AFTER = frozenset({",", ")", "}", "]", "="})
_NOT_PARAMS = frozenset({"if", "while", "for", "switch", "with"})


def _pattern_names(mod: _Module, i: int, end: int | None = None) -> None:
    """Names bound by a destructuring pattern or parameter list starting at token i."""
    toks = mod.tokens
    depth = 0
    prev = None
    n = len(toks) if end is None else end
    while i < n:
        kind, text = toks[i]
        if kind in _SKIP:
            i += 1
            continue
        if text in _OPEN:
            depth += 1
        elif text in _CLOSE:
            depth -= 1
            if depth <= 0 and end is None:
                return
        elif kind == "name" and prev in _PARAM_BEFORE:
            j = _significant(toks, i + 1)
            if j < len(toks) and toks[j][1] in _PARAM_AFTER:
                mod.bound.add(text)
        prev = text
        i += 1


def _note_params(mod: _Module, start: int, end: int) -> None:
    """`(...)` from start to end is a parameter list if a body or => follows and no if/while/for
    came before it: note the names it binds."""
    toks = mod.tokens
    after = _significant(toks, end + 1)
    if after >= len(toks) or toks[after][1] not in ("=>", "{"):
        return
    b = start - 1
    while b >= 0 and toks[b][0] in _SKIP:
        b -= 1
    if b >= 0 and toks[b][1] in _NOT_PARAMS:
        return
    _pattern_names(mod, start, end + 1)


def _is_method(toks, i: int) -> bool:
    """Does a `(...) {` group start at token i (the name before it is a method's, `{ m() {} }`)?"""
    if i >= len(toks) or toks[i][1] != "(":
        return False
    depth = 0
    for j in range(i, len(toks)):
        text = toks[j][1]
        if toks[j][0] == "punct":
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                depth -= 1
                if depth == 0:
                    after = _significant(toks, j + 1)
                    return after < len(toks) and toks[after][1] == "{"
    return False


def _declarators(mod: _Module, i: int) -> None:
    """Record the names a top-level const/let/var declares (one or more declarators)."""
    toks, n = mod.tokens, len(mod.tokens)
    if i < n and toks[i][1] in ("{", "["):
        raise LinkError(f"{mod.path}: a top-level destructuring declaration cannot be linked")
    depth = 0
    expect_name = True
    prev_sig = None
    while i < n:
        kind, text = toks[i]
        if kind in _SKIP:
            if "\n" in text and depth == 0 and not expect_name:
                j = _significant(toks, i)
                if j < n and toks[j][0] == "name" and prev_sig and prev_sig[0] != "punct":
                    return  # a new statement (no semicolon)
            i += 1
            continue
        prev_sig = toks[i]
        if expect_name:
            if kind != "name":
                raise LinkError(f"{mod.path}: unexpected {text!r} in a declaration")
            mod.declared.add(text)
            expect_name = False
        elif kind == "punct":
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                if depth == 0:
                    return
                depth -= 1
            elif depth == 0 and text == ",":
                expect_name = True
            elif depth == 0 and text == ";":
                return
        i += 1


def _statement_end(toks, i: int) -> int:
    """Index after the `;` ending the statement at i (or after its last token, with no `;`)."""
    n = len(toks)
    while i < n and toks[i][1] != ";":
        if toks[i][0] in _SKIP and "\n" in toks[i][1]:
            j = _significant(toks, i)
            if j >= n or toks[j][1] != ";":
                return i
        i += 1
    return min(i + 1, n)


def _names_in_braces(mod: _Module, i: int, what: str) -> tuple[list[tuple[str, str]], int]:
    """Parse `{ a, b as c }` at i: [(name, alias)] and the index after the `}`."""
    toks, n = mod.tokens, len(mod.tokens)
    pairs = []
    i = _significant(toks, i + 1)
    while i < n and toks[i][1] != "}":
        if toks[i][0] != "name":
            raise LinkError(f"{mod.path}: unexpected {toks[i][1]!r} in {what}")
        name = alias = toks[i][1]
        i = _significant(toks, i + 1)
        if i < n and toks[i][1] == "as":
            i = _significant(toks, i + 1)
            alias = toks[i][1]
            i = _significant(toks, i + 1)
        pairs.append((name, alias))
        if i < n and toks[i][1] == ",":
            i = _significant(toks, i + 1)
    return pairs, i + 1


def _parse_import(mod: _Module, start: int) -> int:
    toks = mod.tokens
    i = _significant(toks, start + 1)
    names: list[str] = []
    default = None
    if toks[i][0] == "name" and toks[i][1] != "from":
        default = toks[i][1]
        i = _significant(toks, i + 1)
        if toks[i][1] == ",":
            i = _significant(toks, i + 1)
    if toks[i][1] == "*":
        raise LinkError(f"{mod.path}: import * cannot be linked")
    if toks[i][1] == "{":
        pairs, i = _names_in_braces(mod, i, "an import")
        for name, alias in pairs:
            if name != alias:
                raise LinkError(f"{mod.path}: import {{ {name} as {alias} }} cannot be linked (no renames)")
            names.append(name)
        i = _significant(toks, i)
    if toks[i][1] == "from":
        i = _significant(toks, i + 1)
    if toks[i][0] != "str":
        raise LinkError(f"{mod.path}: cannot read an import statement")
    target = _resolve(mod.path, _string_value(toks[i]), mod.path)
    mod.imports.append((target, names, default))
    end = _statement_end(toks, i + 1)
    mod.drop.update(range(start, end))
    return end


def _parse_export(mod: _Module, start: int) -> int:
    toks, n = mod.tokens, len(mod.tokens)
    i = _significant(toks, start + 1)
    word = toks[i][1]
    if word == "default":
        j = _significant(toks, i + 1)
        k = j
        if toks[k][1] == "async":
            k = _significant(toks, k + 1)
        if toks[k][1] not in ("function", "class"):
            raise LinkError(f"{mod.path}: only a named function or class can be a linked default export")
        name_i = _significant(toks, k + 1)
        if toks[name_i][1] == "*":
            name_i = _significant(toks, name_i + 1)
        if toks[name_i][0] != "name":
            raise LinkError(f"{mod.path}: a default export needs a name to be linked")
        mod.exports["default"] = toks[name_i][1]
        mod.declared.add(toks[name_i][1])
        mod.drop.update(range(start, j))
        return j
    if word == "{":
        pairs, end = _names_in_braces(mod, i, "an export list")
        after = _significant(toks, end)
        if after < n and toks[after][1] == "from":
            raise LinkError(f"{mod.path}: export ... from cannot be linked")
        for name, alias in pairs:
            if name != alias:
                raise LinkError(f"{mod.path}: export {{ {name} as {alias} }} cannot be linked (no renames)")
            mod.exports[name] = name
        end = _statement_end(toks, end)
        mod.drop.update(range(start, end))
        return end
    if word == "*":
        raise LinkError(f"{mod.path}: export * cannot be linked")
    # export function/class/const/let/var/async function: the declaration stays, `export` goes.
    before = set(mod.declared)
    k = i
    if toks[k][1] == "async":
        k = _significant(toks, k + 1)
    nxt = _significant(toks, k + 1)
    if toks[k][1] in ("function", "class"):
        if toks[nxt][1] == "*":
            nxt = _significant(toks, nxt + 1)
        mod.declared.add(toks[nxt][1])
    elif toks[k][1] in _DECL_WORDS:
        _declarators(mod, nxt)
    else:
        raise LinkError(f"{mod.path}: cannot read an export statement")
    for name in mod.declared - before:
        mod.exports[name] = name
    mod.drop.update(range(start, i))
    return i


def imports_of(path: str, source: str) -> tuple[list[str], list[str]]:
    """The modules `source` (at `path`) imports: (static imports, dynamic import() targets)."""
    mod = _parse(path, source)
    return [target for target, _, _ in mod.imports], [target for _, target in mod.dynamic]


def link(entry: str, read: Callable[[str], str], *, compact: Callable | None = None,
         external=frozenset()) -> Linked:
    """Link the static graph of `entry` into one module placed at `entry`'s directory.

    `compact(tokens) -> str` writes a module's tokens (default: as they were). `external`: paths
    of modules to import from rather than include.
    """
    mods: dict[str, _Module] = {}
    order: list[str] = []
    here = posixpath.dirname(entry)
    outside: dict[str, list[str]] = {}    # external path -> names imported from it

    def visit(path: str, stack: tuple):
        if path in mods or path in external:
            return
        try:
            source = read(path)
        except OSError as exc:
            raise LinkError(f"{stack[-1] if stack else entry}: cannot read {path}: {exc}") from None
        mods[path] = mod = _parse(path, source)
        for target, _, _ in mod.imports:
            visit(target, stack + (path,))
        order.append(path)

    visit(entry, ())
    owner: dict[str, str] = {}
    for path in order:
        for name in mods[path].declared:
            if name in owner:
                raise LinkError(f"{path} and {owner[name]} both declare {name!r} at top level")
            owner[name] = path
    for path in order:
        mod = mods[path]
        if mod.uses_meta and posixpath.dirname(path) != here:
            raise LinkError(f"{path}: import.meta outside {here or '.'}/ cannot be linked")
        for target, names, default in mod.imports:
            if target not in external:
                continue
            if default is not None:
                raise LinkError(f"{path}: a default import from {target} (outside the graph) cannot be linked")
            taken = outside.setdefault(target, [])
            for name in names:
                if owner.get(name, target) != target:
                    raise LinkError(f"{path}: {name!r} from {target} is also declared by {owner[name]}")
                owner[name] = target
                if name not in taken:
                    taken.append(name)
    for path in order:
        mod = mods[path]
        imported = set()
        for target, names, default in mod.imports:
            if target in external:
                imported.update(names)
                continue
            exp = mods[target].exports
            for name in names:
                if name not in exp:
                    raise LinkError(f"{path}: {target} does not export {name!r}")
            if default is not None:
                if exp.get("default") != default:
                    raise LinkError(f"{path}: import {default} from {target!r} must use the default "
                                    f"function's own name ({exp.get('default')!r})")
                names = names + [default]
            imported.update(names)
        for name in mod.used - mod.declared - imported - mod.bound:
            if name in owner:
                raise LinkError(f"{path} uses {name!r}, which {owner[name]} declares at top level, "
                                "without importing it")
        for _, target in mod.dynamic:
            if target in mods:
                raise LinkError(f"{path}: import({target!r}) names a module of the linked graph")
    def spec(target: str) -> str:
        rel = posixpath.relpath(target, here or ".")
        return "'" + (rel if rel.startswith("../") else "./" + rel) + "'"

    # Compacted output lists names without spaces (every byte of the linked core counts).
    sep, open_, close_ = (",", "{", "}") if compact else (", ", "{ ", " }")
    parts = [f"import {open_}{sep.join(names)}{close_} from {spec(target)};\n"
             for target, names in outside.items()]
    for path in order:
        mod = mods[path]
        toks = list(mod.tokens)
        for idx, target in mod.dynamic:
            toks[idx] = ("str", spec(target))
        kept = [("ws", "".join("\n" for _ in range(t[1].count("\n")))) if i in mod.drop else t
                for i, t in enumerate(toks)]
        body = compact(kept) if compact else "".join(t[1] for t in kept)
        parts.append(f"// {path}\n{body.strip()}\n")
    # A name re-exported (`export { formatSize }` of an import) is exported once.
    exports = sorted({name for path in order for name in mods[path].exports if name != "default"})
    parts.append(f"export {open_}{sep.join(exports)}{close_};\n")
    with_default = frozenset(path for path in order if "default" in mods[path].exports)
    return Linked("".join(parts), order, exports, with_default)

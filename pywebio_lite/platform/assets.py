"""The frontend as the built-in server delivers it, made on first request from the source files.

* ``js/main.linked.js``: `js/main.js` and every module it imports statically, linked into one
  module (`jslink`), so the first page costs one script request instead of about thirty.
* A lazily loaded module (a dynamic ``import()`` target: forms/index.js, the highlighter, the
  editor...) with static imports of its own: linked the same way into ``<name>.linked.js``
  beside it, importing what it needs of the core from the core's modules.
* The page's import map points each linked module's URL at the file it was linked into, so
  ``import('./forms/index.js')`` loads forms/index.linked.js, and forms code importing
  ``../dom.js`` gets the core's one instance.
* Every other ``.js`` and ``.css`` file: compacted (`jslex`: no comments or indentation, lines
  kept). The files in `pywebio_lite/static/` stay as they are, for people to read.

Each result is cached with the (mtime, size) of its sources and rebuilt when one changes. If the
graph cannot be linked (see `jslink`), the page loads the separate modules as before and a
warning says why.
"""
from __future__ import annotations

import json
import logging
import os
import threading

from .jslex import JSSyntaxError, compact_css, compact_js, compact_tokens
from .jslink import LinkError, imports_of, link
from .page import STATIC_PATH

__all__ = ["LINKED_PATH", "linked_core", "linked_plan", "import_map", "serve_frontend"]

logger = logging.getLogger("pywebio_lite.server")

#: The entry of the core module graph, and where its linked form is served (same directory).
ENTRY = "js/main.js"
LINKED_PATH = "js/main.linked.js"

_lock = threading.Lock()
_cache: dict[str, tuple] = {}          # rel path -> (stamp, body bytes, validator, extra)
_warned: set[str] = set()


def _stamp(rels) -> tuple:
    out = []
    for rel in rels:
        try:
            st = os.stat(os.path.join(STATIC_PATH, rel))
        except OSError:
            return ()
        out.append((rel, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _read(rel: str) -> str:
    with open(os.path.join(STATIC_PATH, rel), encoding="utf-8") as f:
        return f.read()


def _validator(body: bytes) -> str:
    import hashlib
    return hashlib.blake2b(body, digest_size=9).hexdigest()


def _compact_linked(tokens) -> str:
    # A linked file's line numbers match no source file anyway: blank and comment lines can go.
    return compact_tokens(tokens, keep_lines=False)


def _linked_name(entry: str) -> str:
    return entry[:-3] + ".linked.js" if entry.endswith(".js") else entry + ".linked.js"


def _build_plan() -> tuple:
    """(stamp, {linked path: (body, validator)}, {module path: linked path}, the core's modules)
    for the whole frontend.

    The core graph is linked first; then each lazy entry, with the core (and other lazy entries)
    left outside. A lazy graph that cannot be linked is served module by module; if the core
    cannot be linked, nothing is (the page loads js/main.js).
    """
    core = link(ENTRY, _read, compact=_compact_linked)
    files = {LINKED_PATH: core.text}
    # A module with a default export is not mapped: the linked module has no default to give,
    # so a later `import text from './renderers/text.js'` loads that (stateless) file itself.
    where = {rel: LINKED_PATH for rel in core.modules if rel not in core.with_default}
    seen = set(core.modules)
    lazy: list[str] = []
    todo = list(core.modules)
    while todo:   # every dynamic import() target, transitively
        rel = todo.pop()
        static, dynamic = imports_of(rel, _read(rel))
        for target in static + dynamic:
            if target not in seen:
                seen.add(target)
                todo.append(target)
            if target in dynamic and target not in lazy and target not in where:
                lazy.append(target)
    for entry in lazy:
        outside = frozenset(core.modules) | frozenset(e for e in lazy if e != entry)
        try:
            graph = link(entry, _read, compact=_compact_linked, external=outside)
        except (LinkError, JSSyntaxError, OSError, UnicodeDecodeError) as exc:
            _warn(f"serving {entry} and its imports one by one: {exc}")
            continue
        if len(graph.modules) < 2 or any(rel in where for rel in graph.modules) or graph.with_default:
            continue  # nothing to gain, a module two lazy graphs share, or a default export
        target = _linked_name(entry)
        files[target] = graph.text
        where.update((rel, target) for rel in graph.modules)
    stamp = _stamp(sorted(seen | set(core.modules)))
    built = {rel: (text.encode("utf-8"), _validator(text.encode("utf-8"))) for rel, text in files.items()}
    return stamp, built, where, tuple(core.modules)


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning("%s", message)


def linked_plan():
    """({linked path: (body, validator)}, {module path: linked path for the import map}, the
    modules in js/main.linked.js), or None if the core cannot be linked. Rebuilt when any source
    file changes."""
    with _lock:
        cached = _cache.get(LINKED_PATH)
        if cached is not None and _stamp(name for name, _, _ in cached[0]) == cached[0]:
            return cached[1]
        try:
            stamp, *plan = _build_plan()
            plan = tuple(plan)
        except (LinkError, JSSyntaxError, OSError, UnicodeDecodeError) as exc:
            _warn(f"serving the frontend modules one by one: {exc}")
            stamp, plan = _stamp([ENTRY]), None
        _cache[LINKED_PATH] = (stamp, plan)
        return plan


def linked_core():
    """The modules linked into js/main.linked.js, or None if the core cannot be linked."""
    plan = linked_plan()
    return None if plan is None else list(plan[2])


def import_map(base_url: str, where: dict) -> str:
    """The page's import map: every linked module's URL -> the URL of the file it is linked into."""
    imports = {base_url + rel: base_url + target for rel, target in where.items() if rel != target}
    return json.dumps({"imports": imports}, separators=(",", ":")).replace("</", "<\\/")


def _compacted(rel: str):
    with _lock:
        stamp = _stamp([rel])
        cached = _cache.get(rel)
        if cached is not None and cached[0] == stamp:
            return cached[1:]
        source = _read(rel)
        try:
            text = compact_js(source) if rel.endswith(".js") else compact_css(source)
        except JSSyntaxError as exc:
            logger.warning("serving %s as it is: %s", rel, exc)
            text = source
        body = text.encode("utf-8")
        _cache[rel] = (stamp, body, _validator(body), None)
        return _cache[rel][1:]


def serve_frontend(request, rel_path: str):
    """Answer a request for the package's frontend file `rel_path` (already percent-decoded): a
    `DeferredResponse`, made (linking, compacting, reading) off the event loop by the server."""
    from ..server.static import DeferredResponse
    return DeferredResponse(lambda: _serve_frontend_now(request, rel_path))


def _serve_frontend_now(request, rel_path: str):
    from ..server.static import content_type, resolve_static, serve_bytes, serve_static
    if request.method in ("GET", "HEAD"):
        plan = linked_plan() if rel_path.endswith(".linked.js") else None
        if plan is not None and rel_path in plan[0]:
            body, validator = plan[0][rel_path]
            return serve_bytes(request, body, content_type(rel_path), validator)
        if rel_path.endswith((".js", ".css")) and resolve_static(STATIC_PATH, rel_path) is not None:
            try:
                body, validator, _ = _compacted(rel_path)
            except (OSError, UnicodeDecodeError):
                pass
            else:
                return serve_bytes(request, body, content_type(rel_path), validator)
    return serve_static(request, STATIC_PATH, rel_path, cache_control="no-cache")

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
warning says why. The linked files are also kept on disk (`cache_dir()`: a per-user cache
directory), so a new process, a script in script mode above all, does not link them again: it
reads them back in a few milliseconds when no source file and no linker file has changed.
"""
from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import threading

from .page import STATIC_PATH

__all__ = ["LINKED_PATH", "linked_core", "linked_plan", "import_map", "serve_frontend", "cache_dir", "warm"]

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
    from .jslex import compact_tokens
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
    from .jslex import JSSyntaxError
    from .jslink import LinkError, imports_of, link
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
    # Every other stylesheet and module, compacted now (in the thread that links at start-up)
    # rather than on its first request, and kept on disk with the linked files.
    singles = [rel for rel in _frontend_files() if rel not in where and rel not in files]
    for rel in singles:
        files[rel] = _compact_single(rel)
    stamp = _stamp(sorted(seen | set(core.modules) | set(singles)))
    built = {rel: (text.encode("utf-8"), _validator(text.encode("utf-8"))) for rel, text in files.items()}
    return stamp, built, where, tuple(core.modules)


def _frontend_files() -> list[str]:
    """Every .js and .css file of the frontend, as paths relative to the static root."""
    out = []
    for folder, dirs, names in os.walk(STATIC_PATH):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        rel_folder = os.path.relpath(folder, STATIC_PATH).replace(os.sep, "/")
        for name in sorted(names):
            if name.endswith((".js", ".css")) and not name.endswith(".linked.js"):
                out.append(name if rel_folder == "." else f"{rel_folder}/{name}")
    return out


def _compact_single(rel: str) -> str:
    """`rel` compacted with its lines kept (as it is if the lexer cannot read it)."""
    from .jslex import JSSyntaxError, compact_css, compact_js
    source = _read(rel)
    try:
        return compact_js(source) if rel.endswith(".js") else compact_css(source)
    except JSSyntaxError as exc:
        logger.warning("serving %s as it is: %s", rel, exc)
        return source


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
        loaded = _load_disk_plan()
        if loaded is not None:
            _cache[LINKED_PATH] = loaded
            return loaded[1]
        from .jslex import JSSyntaxError
        from .jslink import LinkError
        try:
            stamp, *plan = _build_plan()
            plan = tuple(plan)
        except (LinkError, JSSyntaxError, OSError, UnicodeDecodeError) as exc:
            _warn(f"serving the frontend modules one by one: {exc}")
            stamp, plan = _stamp([ENTRY]), None
        else:
            _save_disk_plan(stamp, plan)
        _cache[LINKED_PATH] = (stamp, plan)
        return plan


# ---------------------------------------------------------------------- the on-disk copy
#: The files whose code decides what the linked files hold: a change to one rebuilds them.
_LINKER_FILES = ("jslex.py", "jslink.py", "assets.py")


def cache_dir() -> str | None:
    """Where linked files are kept between processes: $PYWEBIO_LITE_CACHE_DIR, else
    $XDG_CACHE_HOME/pywebio_lite or ~/.cache/pywebio_lite. None (memory only) when
    PYWEBIO_LITE_CACHE_DIR is set to an empty string or no home directory is known."""
    chosen = os.environ.get("PYWEBIO_LITE_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):
        return None
    return os.path.join(base, "pywebio_lite")


def _linker_stamp() -> list:
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    for name in _LINKER_FILES:
        st = os.stat(os.path.join(here, name))
        out.append([name, st.st_mtime_ns, st.st_size])
    return out


def _disk_path() -> str | None:
    directory = cache_dir()
    if directory is None:
        return None
    import hashlib
    key = hashlib.blake2b(os.path.abspath(STATIC_PATH).encode("utf-8", "surrogatepass"),
                          digest_size=8).hexdigest()
    return os.path.join(directory, f"linked-{key}.json")


def _load_disk_plan():
    """(stamp, plan) from the on-disk copy if it matches every source and linker file, else None."""
    try:
        path = _disk_path()
        if path is None:
            return None
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        if saved.get("linker") != _linker_stamp():
            return None
        stamp = tuple((rel, mtime, size) for rel, mtime, size in saved["stamp"])
        if not stamp or _stamp(rel for rel, _, _ in stamp) != stamp:
            return None
        built = {}
        for rel, text in saved["files"].items():
            body = text.encode("utf-8")
            built[rel] = (body, _validator(body))
        where = {str(k): str(v) for k, v in saved["where"].items()}
        core = tuple(str(rel) for rel in saved["core"])
        if LINKED_PATH not in built or not all(v in built for v in where.values()):
            return None
        return stamp, (built, where, core)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # absent, unreadable or not ours: link again


def _save_disk_plan(stamp: tuple, plan: tuple) -> None:
    """Keep the linked files for the next process; a cache that cannot be written is skipped."""
    try:
        path = _disk_path()
        if path is None:
            return
        built, where, core = plan
        data = {"linker": _linker_stamp(), "stamp": [list(item) for item in stamp],
                "files": {rel: body.decode("utf-8") for rel, (body, _) in built.items()},
                "where": where, "core": list(core)}
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        temp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            with open(temp, "w", encoding="utf-8") as f:
                json.dump(data, f, separators=(",", ":"))
            os.replace(temp, path)  # atomic: a reader sees the old file or the new one
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        logger.debug("linked frontend not cached on disk: %s", exc)


def warm() -> None:
    """Make what the first page asks for ready before it asks (run in a thread at start-up):
    the linked files, and the gzip bodies of the files every page loads."""
    plan = linked_plan()
    if plan is None:
        return
    from ..server.static import _gzipped
    for rel in (LINKED_PATH, "css/app.css"):
        if rel in plan[0]:
            body, validator = plan[0][rel]
            _gzipped((validator,), body)


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
        body = _compact_single(rel).encode("utf-8")
        _cache[rel] = (stamp, body, _validator(body), None)
        return _cache[rel][1:]


# A module specifier or module-relative URL in compacted JS: `from'./x.js'`, `import('../y.js')`,
# `import'./z.js'`, `new URL('../../css/a.css',import.meta.url)`.
_RELATIVE_REF = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*|\bnew URL\(\s*)(['"])(\.\.?/[^'"\\\n]*)\2""")


def rebase_imports(text: str, rel: str, prefix: str) -> str:
    """`text` of the module at `rel` with each relative reference made `prefix` + its path from
    the static root (for files served through one URL's query, where relative paths cannot work)."""
    folder = posixpath.dirname(rel)

    def rebase(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(3)))
        return match.group(1) + match.group(2) + prefix + target + match.group(2)
    return _RELATIVE_REF.sub(rebase, text)


def _rebased(rel: str, body: bytes, validator: str, prefix: str) -> tuple[bytes, str]:
    key = ("rebased", rel, prefix)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == validator:
            return cached[1], cached[2]
    out = rebase_imports(body.decode("utf-8"), rel, prefix).encode("utf-8")
    result = (validator, out, _validator(out))
    with _lock:
        _cache[key] = result
    return out, result[2]


def serve_frontend(request, rel_path: str, rebase: str | None = None):
    """Answer a request for the package's frontend file `rel_path` (already percent-decoded): a
    `DeferredResponse`, made (linking, compacting, reading) off the event loop by the server.

    `rebase`: the files are served through one URL's query (``./tool?_pwl_file=``, see
    `WebIOApp.page_base`); module references are rewritten to that form (`rebase_imports`)."""
    from ..server.static import DeferredResponse
    return DeferredResponse(lambda: _serve_frontend_now(request, rel_path, rebase))


def _serve_frontend_now(request, rel_path: str, rebase: str | None = None):
    from ..server.static import content_type, resolve_static, serve_bytes, serve_static
    if request.method in ("GET", "HEAD"):
        plan = linked_plan() if rel_path.endswith((".js", ".css")) else None
        body = None
        if plan is not None and rel_path in plan[0]:
            body, validator = plan[0][rel_path]
        elif rel_path.endswith((".js", ".css")) and resolve_static(STATIC_PATH, rel_path) is not None:
            try:
                body, validator, _ = _compacted(rel_path)
            except (OSError, UnicodeDecodeError):
                body = None
        if body is not None:
            if rebase is not None and rel_path.endswith(".js"):
                body, validator = _rebased(rel_path, body, validator, rebase)
            return serve_bytes(request, body, content_type(rel_path), validator)
    return serve_static(request, STATIC_PATH, rel_path, cache_control="no-cache")

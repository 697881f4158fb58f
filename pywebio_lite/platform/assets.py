"""The frontend as the built-in server delivers it, made on first request from the source files.

* ``js/main.linked.js``: `js/main.js` and every module it imports statically, linked into one
  module (`jslink`), so the first page costs one script request instead of about thirty. The
  page's import map points each of those modules' URLs at it, so a lazy module (forms/, the
  highlighter, the editor...) that imports ``../dom.js`` gets the same instance.
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
from .jslink import LinkError, link
from .page import STATIC_PATH

__all__ = ["LINKED_PATH", "linked_core", "import_map", "serve_frontend"]

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


def linked_core():
    """(body bytes, validator, module paths) of js/main.linked.js, or None if it cannot be linked."""
    with _lock:
        cached = _cache.get(LINKED_PATH)
        if cached is not None and cached[0] and _stamp(name for name, _, _ in cached[0]) == cached[0]:
            return cached[1:] if cached[1] is not None else None
        try:
            linked = link(ENTRY, _read, compact=compact_tokens)
        except (LinkError, JSSyntaxError, OSError, UnicodeDecodeError) as exc:
            if str(exc) not in _warned:
                _warned.add(str(exc))
                logger.warning("serving the frontend modules one by one: %s", exc)
            _cache[LINKED_PATH] = (_stamp([ENTRY]), None, None, None)
            return None
        body = linked.text.encode("utf-8")
        _cache[LINKED_PATH] = (_stamp(linked.modules), body, _validator(body), tuple(linked.modules))
        return _cache[LINKED_PATH][1:]


def import_map(base_url: str, modules) -> str:
    """The page's import map: every linked module's URL -> the linked module's URL."""
    target = base_url + LINKED_PATH
    imports = {base_url + rel: target for rel in modules}
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
    """Answer a request for the package's frontend file `rel_path` (already percent-decoded)."""
    from ..server.static import content_type, resolve_static, serve_bytes, serve_static
    if request.method in ("GET", "HEAD"):
        if rel_path == LINKED_PATH:
            core = linked_core()
            if core is not None:
                return serve_bytes(request, core[0], content_type(rel_path), core[1])
        elif rel_path.endswith((".js", ".css")) and resolve_static(STATIC_PATH, rel_path) is not None:
            try:
                body, validator, _ = _compacted(rel_path)
            except (OSError, UnicodeDecodeError):
                pass
            else:
                return serve_bytes(request, body, content_type(rel_path), validator)
    return serve_static(request, STATIC_PATH, rel_path, cache_control="no-cache")

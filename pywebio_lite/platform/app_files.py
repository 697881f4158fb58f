"""A directory of app files, as path_deploy serves it: URL paths to files, loading, index pages.

Rules (PyWebIO's, with every check on the resolved file):

* ``/A/b`` is ``base/A/b.py``; a directory URL ends with ``/`` and serves its ``index.py``, else
  the index page (a listing, a custom ``index(path)`` function, or nothing when index=False).
* Any path part starting with ``_`` or ``.`` is refused (this also refuses ``..``), and so is
  anything whose real path (symlinks followed) is outside ``base``: nothing there is imported.
* An app file is imported once under the name ``__pywebio__`` with its directory on sys.path,
  and again on ``?reload`` or, with ``debug``, when its modification time changed. An import
  that fails is remembered as the error (shown on that app's page) until the file changes.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import threading
import traceback
from pathlib import Path

from .page import make_applications

logger = logging.getLogger("pywebio_lite.path_deploy")

__all__ = ["AppDirectory", "Resolved", "filename_ok", "app_title", "default_index_page"]


def filename_ok(name: str) -> bool:
    """Whether a file or folder name may be served: not empty, not starting with '.' or '_'."""
    return bool(name) and not name.startswith((".", "_"))


class Resolved:
    """What a URL path names: kind is 'app', 'index', 'redirect' or 'error'.

    apps ('app': name -> app function), html ('index', 'error': the page), status ('error':
    the HTTP status), location ('redirect').
    """

    __slots__ = ("kind", "apps", "html", "status", "location")

    def __init__(self, kind: str, *, apps: dict | None = None, html: str = "", status: int = 200,
                 location: str = ""):
        self.kind, self.apps, self.html, self.status, self.location = kind, apps, html, status, location


def app_title(path: Path) -> str | None:
    """The first paragraph of `main`'s docstring in an app file, read without running it;
    None if the file defines no `main`."""
    import ast
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == "main":
            doc = ast.get_docstring(node) or ""
            return " ".join(doc.split("\n\n")[0].split())
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "main" for t in node.targets):
            return ""
    return None


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
:root{{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}}
body{{max-width:880px;margin:0 auto;padding:2rem 1.25rem}}
h1{{font-size:1.5rem;font-weight:600;margin:0 0 1rem}}
ul{{list-style:none;margin:0;padding:0;border-top:1px solid #8884}}
li{{display:flex;gap:1rem;align-items:baseline;padding:.55rem .25rem;border-bottom:1px solid #8884}}
a{{color:#2563eb;text-decoration:none;font-weight:500;min-width:12ch}}
a:hover,a:focus-visible{{text-decoration:underline}}
.desc{{color:#6b7280}}
.empty{{color:#6b7280}}
pre{{white-space:pre-wrap;background:#8881;border:1px solid #8884;border-radius:6px;padding:1rem;overflow:auto}}
@media (prefers-color-scheme:dark){{a{{color:#60a5fa}}.desc,.empty{{color:#9ca3af}}}}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body)


def default_index_page(directory: Path, base: Path) -> str:
    """The listing of a directory: its parent, its sub-folders, and its app files with their titles."""
    rel = directory.relative_to(base).as_posix()
    url_path = "/" if rel == "." else f"/{rel}/"
    items = []
    if directory != base:
        items.append(("../", "Parent folder"))
    folders, apps = [], []
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name.lower())
    except OSError:
        entries = []
    for entry in entries:
        if not filename_ok(entry.name):
            continue
        path = Path(entry.path)
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if not real.is_relative_to(base):
            continue  # a symlink out of base is not listed (and not served)
        if real.is_dir():
            folders.append((entry.name + "/", "Folder"))
        elif entry.name.endswith(".py") and real.is_file() and entry.name != "index.py":
            title = app_title(real)
            if title is not None:
                apps.append((entry.name[:-3], title))
    items += folders + apps
    esc = html.escape
    if items:
        rows = "\n".join(f'<li><a href="{esc(name, quote=True)}">{esc(name)}</a>'
                         f'<span class="desc">{esc(desc)}</span></li>' for name, desc in items)
        listing = f'<nav aria-label="Applications and folders"><ul>\n{rows}\n</ul></nav>'
    else:
        listing = '<p class="empty">No applications here.</p>'
    title = f"Index of {url_path}"
    return _page(title, f"<h1>{esc(title)}</h1>\n{listing}")


def error_page(title: str, detail: str = "") -> str:
    """A small page for an HTTP error or an app that could not load (`detail`: preformatted text)."""
    body = f"<h1>{html.escape(title)}</h1>"
    if detail:
        body += f"\n<pre>{html.escape(detail)}</pre>"
    return _page(title, body)


class _Loaded:
    __slots__ = ("mtime", "apps", "error")

    def __init__(self, mtime, apps=None, error=None):
        self.mtime = mtime
        self.apps = apps
        self.error = error


class AppDirectory:
    """The app files under `base`: resolves URL paths and keeps the imported modules."""

    def __init__(self, base, *, index=True, debug: bool = False):
        if not isinstance(base, (str, os.PathLike)):
            raise TypeError(f"base must be a directory path, not {type(base).__name__}")
        self.base = Path(base).resolve()
        if not self.base.is_dir():
            raise ValueError(f"base must be an existing directory: {str(base)!r}")
        if not (isinstance(index, bool) or callable(index)):
            raise TypeError("index must be True, False or a function path -> HTML")
        self.index = index
        self.debug = debug
        self._modules: dict[Path, _Loaded] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ paths
    def _safe_path(self, url_path: str) -> Path | None:
        """The path `url_path` names under base (not yet checked for existence), or None if refused."""
        if "\x00" in url_path or "\\" in url_path or not url_path.startswith("/"):
            return None
        parts = [p for p in url_path[1:].split("/")]
        if parts and parts[-1] == "":
            parts.pop()  # a directory URL
        for part in parts:
            if not filename_ok(part) or ":" in part:
                return None
        return self.base.joinpath(*parts)

    def _inside(self, path: Path) -> Path | None:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return real if real.is_relative_to(self.base) else None

    def resolve(self, url_path: str, *, reload: bool = False) -> Resolved:
        """What `url_path` (already percent-decoded) serves."""
        path = self._safe_path(url_path)
        if path is None:
            return Resolved("error", status=403, html=error_page("403 Forbidden"))
        if path.is_dir() or path == self.base:
            real = self._inside(path)
            if real is None:
                return Resolved("error", status=403, html=error_page("403 Forbidden"))
            if not url_path.endswith("/"):
                return Resolved("redirect", location=url_path + "/")
            index_file = real / "index.py"
            if index_file.is_file() and self._inside(index_file) is not None:
                return self._app_from(index_file, url_path, reload)
            return self._index_page(real)
        file = path.with_name(path.name + ".py")
        if url_path.endswith("/") or not file.is_file():
            return Resolved("error", status=404, html=error_page("404 Not Found"))
        real = self._inside(file)
        if real is None:
            return Resolved("error", status=403, html=error_page("403 Forbidden"))
        return self._app_from(real, url_path, reload)

    def _index_page(self, directory: Path) -> Resolved:
        if self.index is False:
            return Resolved("error", status=403, html=error_page("403 Forbidden"))
        if self.index is True:
            return Resolved("index", html=default_index_page(directory, self.base))
        try:
            content = self.index(str(directory))
        except Exception:
            logger.exception("error in the index function for %s", directory)
            detail = traceback.format_exc() if self.debug else ""
            return Resolved("error", status=500, html=error_page("The index page could not be made", detail))
        return Resolved("index", html=str(content))

    # ------------------------------------------------------------------ modules
    def _app_from(self, file: Path, url_path: str, reload: bool) -> Resolved:
        loaded = self.load(file, reload=reload)
        if loaded.error is not None:
            detail = loaded.error if self.debug else "The server log has the details."
            return Resolved("error", status=500,
                            html=error_page(f"The app {url_path} could not be loaded", detail))
        if loaded.apps is None:
            return Resolved("error", status=404, html=error_page("404 Not Found"))
        return Resolved("app", apps=loaded.apps)

    def load(self, file: Path, *, reload: bool = False) -> _Loaded:
        """The imported app file (cached; re-imported on reload, or when changed with debug)."""
        try:
            mtime = file.stat().st_mtime_ns
        except OSError:
            mtime = None
        with self._lock:
            cached = self._modules.get(file)
            stale = cached is None or reload or (cached.mtime != mtime and (self.debug or cached.error))
            if not stale:
                return cached
            loaded = self._import(file, mtime)
            self._modules[file] = loaded
            return loaded

    def _import(self, file: Path, mtime) -> _Loaded:
        directory = str(file.parent)
        sys.path.insert(0, directory)
        try:
            import importlib.util
            spec = importlib.util.spec_from_file_location("__pywebio__", file)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            main = getattr(module, "main", None)
            if main is None:
                return _Loaded(mtime)
            return _Loaded(mtime, apps=make_applications(main))
        except BaseException as exc:  # SystemExit and friends from a broken file must not stop the server
            if isinstance(exc, KeyboardInterrupt):
                raise
            logger.exception("could not load the app file %s", file)
            return _Loaded(mtime, error=traceback.format_exc())
        finally:
            try:
                sys.path.remove(directory)
            except ValueError:
                pass

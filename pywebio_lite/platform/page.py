"""The app page: `config()`, app metadata, the list of apps a server serves, and the HTML page.

The page is `pywebio_lite/static/index.html` with ``$placeholders`` filled in. It loads only
files shipped in the package (under `base_url`), so it works with no network access.
"""

from __future__ import annotations

import functools
import html
import json
import os
import posixpath
import re
import string
from typing import Callable

from ..utils import check_language, unwrap_partial

__all__ = ["config", "seo", "render_page", "make_applications", "parse_app_metadata", "STATIC_PATH",
           "THEMES", "MAX_PAYLOAD_SIZE"]

STATIC_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "static")
THEMES = ("default", "dark", "light", "sketchy", "minty", "yeti")
#: The largest message/upload a server accepts by default (start_server's max_payload_size).
MAX_PAYLOAD_SIZE = 200 * 1024 * 1024

_CONFIG_ATTR = "_pywebio_config"
_global_config: dict = {}


def _as_list(value, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{name} must be a str or a list of str")


class config:
    """Page settings: ``config(title=...)`` sets them for every app; ``@config(title=...)`` for one app.

    Args: title, description, theme ('default' follows the system's light/dark setting;
    'light', 'dark', 'sketchy', 'minty', 'yeti'), js_code, js_file (URL or list), css_style,
    css_file (URL or list), manifest, language (the language of the page's own labels, e.g.
    'de' or 'zh-CN'; by default the browser's). The environment variable PYWEBIO_THEME overrides
    the theme.
    """

    def __init__(self, *, title: str | None = None, description: str | None = None, theme: str | None = None,
                 js_code: str | None = None, js_file=(), css_style: str | None = None, css_file=(),
                 manifest=True, language: str | None = None):
        self._used = True  # nothing to apply if the arguments are refused below
        if theme is not None and theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}; got {theme!r}")
        if language is not None:
            language = check_language(language)
        settings = {"title": title, "description": description, "theme": theme, "js_code": js_code,
                    "language": language,
                    "js_file": _as_list(js_file, "js_file"), "css_style": css_style,
                    "css_file": _as_list(css_file, "css_file"), "manifest": manifest}
        self._settings = {k: v for k, v in settings.items() if v not in (None, [])}
        self._used = False

    def __call__(self, func: Callable) -> Callable:
        """As a decorator: settings for this app only. Like PyWebIO it returns a copy of the app
        (a functools.partial holding the settings), so one function can be served with several
        configs (``{t: config(theme=t)(page) for t in themes}``); the app keeps its kind (async
        stays async)."""
        self._used = True
        if not callable(func):
            raise TypeError("@config can only decorate functions")
        copy = functools.partial(func)
        copy.__dict__[_CONFIG_ATTR] = dict(_app_config(func), **self._settings)
        return copy

    def __del__(self):
        # Called as a statement (not as a decorator): the settings become the global ones.
        if not self._used:
            _global_config.update(self._settings)


def seo(title: str, description: str | None = None, app: Callable | None = None):
    """Deprecated (PyWebIO 1.4): use config(title=, description=)."""
    cfg = config(title=title, description=description)
    if app is not None:
        return cfg(app)
    return cfg


def _app_config(func) -> dict:
    """The @config settings of an app: those on the outermost copy that has some."""
    while True:
        settings = getattr(func, "__dict__", {}).get(_CONFIG_ATTR)
        if settings is not None:
            return settings
        if not isinstance(func, functools.partial):
            return {}
        func = func.func


def parse_app_metadata(func: Callable) -> dict:
    """Title, description and page settings of an app: @config first, then its docstring, then
    the global config()."""
    import inspect
    meta = dict(_global_config)
    doc = inspect.getdoc(unwrap_partial(func)) or ""
    if doc:
        title, _, description = doc.partition("\n\n")
        meta["title"] = " ".join(title.split())
        if description.strip():
            meta["description"] = description.strip()
    meta.update(_app_config(func))
    env_theme = os.environ.get("PYWEBIO_THEME")
    if env_theme:
        meta["theme"] = env_theme
    return meta


def _app_name(func: Callable) -> str:
    return getattr(unwrap_partial(func), "__name__", None) or "app"


def make_applications(applications) -> dict[str, Callable]:
    """Normalise start_server's `applications` to {name: app}, adding an index page if needed."""
    if isinstance(applications, dict):
        apps = {str(k): v for k, v in applications.items()}
    elif isinstance(applications, (list, tuple)):
        apps = {}
        for app in applications:
            name = _app_name(app)
            if name in apps:
                raise ValueError(f"two applications are named {name!r}; use a dict to name them")
            apps[name] = app
    elif callable(applications):
        apps = {"index": applications}
    else:
        raise TypeError("applications must be a function, a list of functions or a dict of them")
    for name, app in apps.items():
        if not callable(app):
            raise TypeError(f"application {name!r} is not callable")
    if "index" not in apps:
        apps["index"] = _make_index_app(dict(apps))
    return apps


def _make_index_app(apps: dict[str, Callable]) -> Callable:
    def index():
        """Applications"""
        from ..output import put_link, put_markdown
        put_markdown("# Applications")
        for name, app in apps.items():
            meta = parse_app_metadata(app)
            put_link(meta.get("title") or name, app=name)
            if meta.get("description"):
                put_markdown(meta["description"])
    return index


_template_cache: dict[str, string.Template] = {}
_preload_cache: dict[str, list[str]] = {}
_IMPORT_RE = re.compile(r"""^\s*import\s+(?:[^'"]*?\s+from\s+)?['"](\./[^'"]+|\.\./[^'"]+)['"]""", re.M)


def static_module_graph(entry: str = "js/main.js") -> list[str]:
    """Every module `entry` imports statically, transitively (paths relative to STATIC_PATH).

    The page preloads them all at once, instead of the browser discovering them one level of
    imports at a time. Dynamic ``import()`` (lazy modules) is not followed.
    """
    graph = _preload_cache.get(entry)
    if graph is not None:
        return graph
    seen, todo = [], [entry]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.append(rel)
        try:
            with open(os.path.join(STATIC_PATH, rel), encoding="utf-8") as f:
                source = f.read()
        except OSError:
            continue
        base = posixpath.dirname(rel)
        for target in _IMPORT_RE.findall(source):
            todo.append(posixpath.normpath(posixpath.join(base, target)))
    _preload_cache[entry] = seen
    return seen


def _template() -> string.Template:
    path = os.path.join(STATIC_PATH, "index.html")
    tpl = _template_cache.get(path)
    if tpl is None:
        with open(path, encoding="utf-8") as f:
            tpl = _template_cache[path] = string.Template(f.read())
    return tpl


#: Themes whose rules are in css/themes.css rather than app.css (only their pages link it).
NAMED_THEMES = frozenset({"sketchy", "minty", "yeti"})


def render_page(app: Callable, *, base_url: str, protocol: str = "ws", debug: bool = False,
                version: str = "", max_text_size: int | None = None, linked: bool = False) -> str:
    """The HTML page of `app`. `base_url` is where the package's static files are served (ends in /).

    `max_text_size`: the server's limit for one text message (bytes); the page refuses longer values.
    `linked=True` when they are served by `platform.assets.serve_frontend` (the built-in server):
    the page then loads the core modules as one linked module, through an import map. Otherwise
    it loads js/main.js and preloads every module it imports.
    """
    meta = parse_app_metadata(app)
    theme = meta.get("theme") or "default"
    if theme not in THEMES:  # PYWEBIO_THEME is not checked earlier; PyWebIO refuses it here too
        raise RuntimeError(f"unknown theme {theme!r} (PYWEBIO_THEME?); the themes are {', '.join(THEMES)}")
    esc = functools.partial(html.escape, quote=True)
    css_links = "".join(f'<link rel="stylesheet" href="{esc(u)}">' for u in meta.get("css_file", []))
    if theme in NAMED_THEMES:  # their looks live in a stylesheet of their own
        css_links = f'<link rel="stylesheet" href="{esc(base_url)}css/themes.css">' + css_links
    js_tags = "".join(f'<script src="{esc(u)}"></script>' for u in meta.get("js_file", []))
    js_code = meta.get("js_code")
    if js_code:
        js_tags += "<script>" + js_code.replace("</", "<\\/") + "</script>"
    css_style = meta.get("css_style")
    style_tag = "<style>" + css_style.replace("</", "<\\/") + "</style>" if css_style else ""
    client_config = {"protocol": protocol, "debug": bool(debug), "version": version}
    if max_text_size:
        client_config["max_text_size"] = int(max_text_size)
    if meta.get("language"):
        client_config["language"] = meta["language"]
    if debug:
        _preload_cache.clear()  # files may be edited while developing
    plan = None
    if linked:
        from .assets import LINKED_PATH, import_map, linked_plan
        plan = linked_plan()
    if plan is not None:
        preloads = f'<script type="importmap">{import_map(base_url, plan[1])}</script>'
        main_js = base_url + LINKED_PATH
    else:
        preloads = "".join(f'<link rel="modulepreload" href="{esc(base_url + rel)}">'
                           for rel in static_module_graph())
        main_js = base_url + "js/main.js"
    return _template().safe_substitute(
        title=esc(meta.get("title") or "PyWebIO Application"),
        description=esc(meta.get("description") or ""),
        base=esc(base_url),
        preloads=preloads,
        main_js=esc(main_js),
        theme="auto" if theme == "default" else theme,  # auto follows prefers-color-scheme
        theme_class="" if theme == "default" else f"webio-theme-{theme}",  # PyWebIO's hook
        lang=esc(meta.get("language") or "en"),
        css_links=css_links,
        style_tag=style_tag,
        js_tags=js_tags,
        config=esc(json.dumps(client_config)),
        version=esc(version),
        protocol="http" if protocol == "http" else "ws",
    )

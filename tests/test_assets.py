"""The frontend as the built-in server delivers it: linked modules, import map, compacted files
(platform/assets.py), through WebIOApp's routes."""
import asyncio
import gzip
import json
import os
import re
import shutil

import pytest

from pywebio_lite.platform import assets
from pywebio_lite.platform.page import STATIC_PATH, render_page
from pywebio_lite.platform.server import STATIC_PREFIX, WebIOApp
from pywebio_lite.protocol.http import Headers, Request


def app():
    pass


def get(path, headers=()):
    server = WebIOApp(app)
    request = Request("GET", path, headers=Headers(list(headers) + [("Host", "127.0.0.1:1")]))
    return asyncio.run(server.handle_request(request))


@pytest.fixture
def fresh_cache():
    assets._cache.clear()
    yield
    assets._cache.clear()


@pytest.fixture
def static_copy(tmp_path, monkeypatch, fresh_cache):
    """A copy of the static tree the assets code reads instead of the package's."""
    root = tmp_path / "static"
    shutil.copytree(STATIC_PATH, root)
    monkeypatch.setattr(assets, "STATIC_PATH", str(root))
    return root


def import_map(html):
    m = re.search(r'<script type="importmap">(.*?)</script>', html)
    return json.loads(m.group(1))["imports"] if m else None


PAGE_PREFIX = "." + STATIC_PREFIX


class TestPage:
    def test_the_page_loads_the_linked_core_through_an_import_map(self, fresh_cache):
        html = get("/").body.decode()
        # The page names its files relative to itself (so a proxy may serve it under a sub-path).
        assert f'<script type="module" src="{PAGE_PREFIX}js/main.linked.js"></script>' in html
        assert "modulepreload" not in html
        imports = import_map(html)
        assert imports[PAGE_PREFIX + "js/dom.js"] == PAGE_PREFIX + "js/main.linked.js"
        assert imports[PAGE_PREFIX + "js/render.js"] == PAGE_PREFIX + "js/main.linked.js"
        # A module with a default export keeps its own URL (the linked module has no default).
        assert PAGE_PREFIX + "js/renderers/text.js" not in imports
        assert imports[PAGE_PREFIX + "js/forms/index.js"] == PAGE_PREFIX + "js/forms/index.linked.js"
        assert imports[PAGE_PREFIX + "js/forms/fields.js"] == PAGE_PREFIX + "js/forms/index.linked.js"
        assert PAGE_PREFIX + "js/highlight.js" not in imports  # one module: served as it is

    def test_without_linking_the_page_preloads_the_separate_modules(self):
        html = render_page(app, base_url="/base/")
        assert '<script type="module" src="/base/js/main.js"></script>' in html
        assert import_map(html) is None and 'rel="modulepreload"' in html

    def test_a_graph_that_cannot_be_linked_falls_back_to_separate_modules(self, static_copy, caplog):
        dom = static_copy / "js" / "dom.js"
        dom.write_text(dom.read_text() + "\nexport function place() {}\n")  # scopes.js declares it too
        html = render_page(app, base_url=STATIC_PREFIX, linked=True)
        assert f'src="{STATIC_PREFIX}js/main.js"' in html and import_map(html) is None
        assert "both declare 'place'" in caplog.text
        assert get(STATIC_PREFIX + "js/main.linked.js").status == 404


class TestFiles:
    def test_the_linked_core(self, fresh_cache):
        r = get(STATIC_PREFIX + "js/main.linked.js")
        assert r.status == 200 and r.get_header("Content-Type").startswith("text/javascript")
        body = r.body.decode()
        assert "// js/connection.js" in body and "// js/main.js" in body
        assert "\nimport {" not in body and "export default" not in body
        assert body.rstrip().endswith("};") and "export {" in body
        assert len(body) < 0.7 * sum(os.path.getsize(os.path.join(STATIC_PATH, rel))
                                     for rel in assets.linked_core())

    def test_validators_304_and_gzip(self, fresh_cache):
        first = get(STATIC_PREFIX + "js/main.linked.js")
        etag = first.get_header("ETag")
        assert re.fullmatch(r'"[0-9a-f]{18}"', etag)
        assert get(STATIC_PREFIX + "js/main.linked.js", [("If-None-Match", etag)]).status == 304
        gz = get(STATIC_PREFIX + "js/main.linked.js", [("Accept-Encoding", "gzip")])
        assert gz.get_header("Content-Encoding") == "gzip" and gzip.decompress(gz.body) == first.body
        assert gz.get_header("ETag") == etag[:-1] + '-gz"'

    def test_the_linked_forms_graph(self, fresh_cache):
        body = get(STATIC_PREFIX + "js/forms/index.linked.js").body.decode()
        assert body.startswith("import {") and "from '../dom.js';" in body
        assert "// js/forms/fields.js" in body and "import.meta.url" in body

    def test_single_files_are_compacted_with_their_lines(self, fresh_cache):
        with open(os.path.join(STATIC_PATH, "js", "dom.js"), encoding="utf-8") as f:
            source = f.read()
        body = get(STATIC_PREFIX + "js/dom.js").body.decode()
        assert body.count("\n") == source.count("\n") and len(body) < len(source)
        assert "/**" in source and "/**" not in body
        css = get(STATIC_PREFIX + "css/app.css")
        assert css.status == 200 and b"/*" not in css.body
        assert css.get_header("Content-Type").startswith("text/css")

    @pytest.mark.parametrize("path", ["js/../../__init__.py", "js/nope.linked.js", "js/nope.js", "js//dom.js",
                                      "..%2f__init__.py", "js/forms/nope.linked.js"])
    def test_missing_and_unsafe_paths(self, fresh_cache, path):
        assert get(STATIC_PREFIX + path).status == 404

    def test_edits_rebuild_the_linked_module(self, static_copy):
        first = get(STATIC_PREFIX + "js/main.linked.js").body
        text = static_copy / "js" / "renderers" / "text.js"
        text.write_text(text.read_text() + "\nexport function freshlyAdded() {}\n")
        os.utime(text, ns=(1, 1))
        second = get(STATIC_PREFIX + "js/main.linked.js").body
        assert first != second and b"freshlyAdded" in second


class TestDiskCache:
    """The linked files survive the process: the next one reads them back instead of linking."""

    @pytest.fixture
    def cache(self, tmp_path, monkeypatch, fresh_cache):
        monkeypatch.setenv("PYWEBIO_LITE_CACHE_DIR", str(tmp_path / "cache"))
        return tmp_path / "cache"

    def test_a_new_process_reads_the_linked_files_back(self, cache, monkeypatch):
        first = assets.linked_plan()
        files = list(cache.glob("linked-*.json"))
        assert len(files) == 1
        assets._cache.clear()  # what a new process starts with

        def no_linking():
            raise AssertionError("linked again although nothing changed")
        monkeypatch.setattr(assets, "_build_plan", no_linking)
        again = assets.linked_plan()
        assert again[0].keys() == first[0].keys()
        assert again[0][assets.LINKED_PATH] == first[0][assets.LINKED_PATH]
        assert again[1] == first[1] and again[2] == first[2]

    def test_a_changed_source_file_links_again(self, cache, static_copy):
        before = assets.linked_plan()[0][assets.LINKED_PATH][0]
        dom = static_copy / "js" / "dom.js"
        dom.write_text(dom.read_text() + "\nexport const ADDED_BY_TEST = 1;\n")
        assets._cache.clear()
        after = assets.linked_plan()[0][assets.LINKED_PATH][0]
        assert b"ADDED_BY_TEST" in after and b"ADDED_BY_TEST" not in before

    def test_a_corrupt_cache_file_is_ignored(self, cache):
        good = assets.linked_plan()
        path = next(cache.glob("linked-*.json"))
        path.write_text('{"linker": [], "files": 3')
        assets._cache.clear()
        assert assets.linked_plan()[0][assets.LINKED_PATH] == good[0][assets.LINKED_PATH]
        path.write_text('[1, 2]')
        assets._cache.clear()
        assert assets.linked_plan()[0][assets.LINKED_PATH] == good[0][assets.LINKED_PATH]

    def test_an_unwritable_cache_is_skipped(self, tmp_path, monkeypatch, fresh_cache):
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        monkeypatch.setenv("PYWEBIO_LITE_CACHE_DIR", str(blocker / "cache"))
        assert assets.linked_plan() is not None
        assert list(tmp_path.iterdir()) == [blocker]

    def test_an_empty_setting_keeps_it_in_memory(self, monkeypatch):
        monkeypatch.setenv("PYWEBIO_LITE_CACHE_DIR", "")
        assert assets.cache_dir() is None
        monkeypatch.delenv("PYWEBIO_LITE_CACHE_DIR")
        monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
        assert assets.cache_dir() == "/somewhere/pywebio_lite"


def _static_imports() -> dict:
    """Every source module of static/js and the modules it imports statically."""
    root = os.path.join(STATIC_PATH, "js")
    graph = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".js"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            graph[os.path.relpath(path, root)] = [
                os.path.normpath(os.path.join(os.path.relpath(folder, root), target))
                for target in re.findall(r"""^import\s+(?:[^'"]*?\bfrom\s+)?['"](\.[^'"]+)['"]""", text, re.M)]
    return graph


def test_the_module_graph_has_no_import_cycle():
    graph = _static_imports()
    assert "render.js" in graph and "renderers/index.js" in graph

    def cycle_from(start):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for dep in graph.get(node, ()):
                if dep == start:
                    return path + [dep]
                if dep not in seen:
                    seen.add(dep)
                    stack.append((dep, path + [dep]))
        return None

    assert [cycle_from(m) for m in graph if cycle_from(m)] == []


def test_render_is_a_registry_that_imports_no_renderer():
    graph = _static_imports()
    assert not any(dep.startswith("renderers") for dep in graph["render.js"])
    assert "renderers/index.js" in graph["main.js"]
    # Every built-in renderer file is registered by renderers/index.js.
    builtin = {m for m in graph if m.startswith("renderers/")} - {"renderers/index.js", "renderers/datatable.js"}
    assert builtin == set(graph["renderers/index.js"]) - {"render.js"}

"""Linking an ES-module graph into one module (platform/jslink.py), and the rules it refuses."""
import os
import shutil
import subprocess

import pytest

from pywebio_lite.platform.jslex import compact_tokens
from pywebio_lite.platform.jslink import LinkError, imports_of, link
from pywebio_lite.platform.page import STATIC_PATH


def graph(files: dict):
    def read(path):
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None
    return read


BASIC = {
    "js/main.js": "import { greet } from './lib/greet.js';\nimport box from './lib/box.js';\n"
                  "greet(box('hi'));\nconst later = () => import('./lazy.js');\n",
    "js/lib/greet.js": "import { h } from '../dom.js';\nexport function greet(el) { document.body.append(el); }\n"
                       "export const VERSION = 2, NAME = 'x';\n",
    "js/lib/box.js": "import { h } from '../dom.js';\nexport default function box(text) {\n  return h('div', text);\n}\n",
    "js/dom.js": "/** helpers */\nexport function h(tag, text) { const el = document.createElement(tag); "
                 "el.textContent = text; return el; }\nlet count = 0;\nexport { count };\n",
}


class TestLink:
    def test_modules_in_evaluation_order_without_imports_or_export_keywords(self):
        linked = link("js/main.js", graph(BASIC))
        assert linked.modules == ["js/dom.js", "js/lib/greet.js", "js/lib/box.js", "js/main.js"]
        body = linked.text
        assert "import {" not in body and "import box" not in body
        assert "export function" not in body and "export default" not in body
        assert "function box(text)" in body and "function greet(el)" in body
        assert body.index("// js/dom.js") < body.index("// js/lib/greet.js") < body.index("// js/main.js")
        assert body.rstrip().endswith("export { NAME, VERSION, count, greet, h };")
        assert linked.exports == ["NAME", "VERSION", "count", "greet", "h"]
        assert linked.with_default == {"js/lib/box.js"}

    def test_dynamic_imports_are_rewritten_relative_to_the_linked_module(self):
        files = dict(BASIC)
        files["js/lib/box.js"] += "export const load = () => import('../extra/x.js');\n"
        body = link("js/main.js", graph(files)).text
        assert "import('./lazy.js')" in body
        assert "import('./extra/x.js')" in body

    def test_compaction_is_applied_per_module(self):
        body = link("js/main.js", graph(BASIC), compact=compact_tokens).text
        assert "/** helpers */" not in body
        assert "function h(tag,text){const el=document.createElement(tag);" in body

    def test_imports_of(self):
        assert imports_of("js/main.js", BASIC["js/main.js"]) == (["js/lib/greet.js", "js/lib/box.js"],
                                                                 ["js/lazy.js"])

    def test_external_modules_are_imported_once_not_included(self):
        files = {
            "js/forms/index.js": "import { h } from '../dom.js';\nimport { field } from './field.js';\n"
                                 "const css = new URL('../x.css', import.meta.url);\nfield(h);\n",
            "js/forms/field.js": "import { h, uid } from '../dom.js';\nexport function field() { return h(uid()); }\n",
        }
        linked = link("js/forms/index.js", graph(files), external={"js/dom.js"})
        assert linked.modules == ["js/forms/field.js", "js/forms/index.js"]
        assert linked.text.startswith("import { h, uid } from '../dom.js';\n")
        assert linked.text.count("from '../dom.js'") == 1
        assert "import.meta.url" in linked.text

    @pytest.mark.skipif(not shutil.which("node"), reason="node checks the linked module's syntax")
    def test_the_shipped_core_is_valid_javascript(self, tmp_path):
        def read(rel):
            with open(os.path.join(STATIC_PATH, rel), encoding="utf-8") as f:
                return f.read()
        out = tmp_path / "main.linked.mjs"
        out.write_text(link("js/main.js", read, compact=compact_tokens).text)
        subprocess.run(["node", "--check", str(out)], check=True)


def refused(files, match, **kw):
    with pytest.raises(LinkError, match=match):
        link("js/main.js", graph(files), **kw)


class TestRules:
    def test_two_modules_declaring_one_name(self):
        refused({"js/main.js": "import { a } from './a.js';\nfunction helper() {}\n",
                 "js/a.js": "export const a = 1;\nfunction helper() {}\n"}, "both declare 'helper'")

    def test_a_free_use_of_another_modules_name(self):
        # main.js means the global `open`; linked, it would call a.js's function instead.
        refused({"js/main.js": "import { a } from './a.js';\nopen('/x');\n",
                 "js/a.js": "export const a = 1;\nexport function open() {}\n"}, "uses 'open'")

    def test_a_local_of_the_same_name_is_fine(self):
        files = {"js/main.js": "import { a } from './a.js';\nfunction f(open, { text }) {\n"
                               "  const code = 1; return open + text + code;\n}\nconst g = (row) => row;\n",
                 "js/a.js": "export const a = 1;\nexport function open() {}\nfunction text() {}\n"
                            "function code() {}\nfunction row() {}\n"}
        link("js/main.js", graph(files))

    def test_object_keys_properties_and_methods_are_not_uses(self):
        files = {"js/main.js": "import { a } from './a.js';\nconst o = { open: 1, text() { return 2; } };\n"
                               "o.open; o.text();\n",
                 "js/a.js": "export const a = 1;\nexport function open() {}\nfunction text() {}\n"}
        link("js/main.js", graph(files))

    @pytest.mark.parametrize("stmt, match", [
        ("import { a as b } from './a.js';", "no renames"),
        ("import * as ns from './a.js';", r"import \*"),
        ("export * from './a.js';", r"export \*"),
        ("export { a } from './a.js';", "export ... from"),
        ("export default 42;", "named function or class"),
        ("import { nope } from './a.js';", "does not export 'nope'"),
        ("import x from './a.js';", "default function's own name"),
        ("import { a } from 'https://cdn.example/a.js';", "only relative imports"),
        ("import { a } from './missing.js';", "cannot read"),
        ("const { x, y } = {};", "destructuring"),
        ("const f = () => import('./a.js');", "names a module of the linked graph"),
    ])
    def test_unsupported_forms(self, stmt, match):
        files = {"js/main.js": "import { a } from './a.js';\n" + stmt + "\n",
                 "js/a.js": "export const a = 1;\nexport default function other() {}\n"}
        refused(files, match)

    def test_import_meta_only_in_the_entry_directory(self):
        refused({"js/main.js": "import { a } from './sub/a.js';\n",
                 "js/sub/a.js": "export const a = import.meta.url;\n"}, "import.meta")

    def test_a_default_import_from_outside_the_graph(self):
        with pytest.raises(LinkError, match="default import"):
            link("js/forms/index.js", graph({"js/forms/index.js": "import h from '../dom.js';\n"}),
                 external={"js/dom.js"})

    def test_an_outside_name_declared_again_inside(self):
        with pytest.raises(LinkError, match="also declared"):
            link("js/forms/index.js", graph({"js/forms/index.js": "import { h } from '../dom.js';\n"
                                                                  "import { f } from './f.js';\n",
                                             "js/forms/f.js": "export function f() {}\nfunction h() {}\n"}),
                 external={"js/dom.js"})

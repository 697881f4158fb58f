"""The JavaScript tokenizer and the line-keeping compaction of JS and CSS (platform/jslex.py)."""
import glob
import os

import pytest

from pywebio_lite.platform.jslex import JSSyntaxError, compact_css, compact_js, compact_tokens, tokenize
from pywebio_lite.platform.page import STATIC_PATH


def kinds(source):
    return [(k, t) for k, t in tokenize(source) if k != "ws"]


class TestTokenize:
    def test_round_trip_of_every_shipped_module(self):
        files = glob.glob(os.path.join(STATIC_PATH, "js", "**", "*.js"), recursive=True)
        assert len(files) > 30
        for path in files:
            with open(path, encoding="utf-8") as f:
                source = f.read()
            assert "".join(t for _, t in tokenize(source)) == source, path

    def test_comment_markers_inside_strings_and_templates_are_text(self):
        src = "const a = 'http://x'; const b = \"/* no */\"; const c = `// ${'}'} ${ {k: 1}.k }`;"
        toks = kinds(src)
        assert ("str", "'http://x'") in toks
        assert ("str", '"/* no */"') in toks
        assert ("tpl", "`// ${'}'} ${ {k: 1}.k }`") in toks
        assert not any(k == "comment" for k, _ in toks)

    def test_regex_or_division_by_what_comes_before(self):
        assert ("re", "/a\\/b[/]/g") in kinds("x = /a\\/b[/]/g.test(s)")
        assert ("re", "/x/") in kinds("return /x/;")
        assert [t for k, t in kinds("a / b / c") if k == "punct"] == ["/", "/"]
        assert [t for k, t in kinds("(a) / 2") if k == "punct"] == ["(", ")", "/"]

    def test_numbers_names_and_punctuators(self):
        assert kinds("x?.y ?? 1_000n >>>= .5e3") == [
            ("name", "x"), ("punct", "?."), ("name", "y"), ("punct", "??"), ("num", "1_000n"),
            ("punct", ">>>="), ("num", ".5e3")]
        assert kinds("a ? .5 : #p")[1:3] == [("punct", "?"), ("num", ".5")]

    @pytest.mark.parametrize("bad", ["'open", "/* open", "`open ${", "`open", "x = /open", "a \u0001 b"])
    def test_broken_source_raises(self, bad):
        with pytest.raises(JSSyntaxError):
            tokenize(bad)

    def test_wrong_type(self):
        with pytest.raises(TypeError, match="source"):
            tokenize(b"x")


class TestCompactJs:
    def test_comments_and_indentation_go_lines_stay(self):
        src = "/**\n * doc\n */\nfunction f(a, b) {\n  // note\n  return a + b;  /* x */\n}\n"
        out = compact_js(src)
        assert out == "\n\n\nfunction f(a,b){\n\nreturn a+b;\n}\n"
        assert out.count("\n") == src.count("\n")

    @pytest.mark.parametrize("src, expected", [
        ("a + +b", "a+ +b"), ("a - -b", "a- -b"), ("a + ++b", "a+ ++b"), ("1 .toString()", "1 .toString()"),
        ("x / /re/.source", "x/ /re/.source"), ("return x", "return x"), ("typeof  y", "typeof y"),
        ("a = `  keep  ${ b }  `", "a=`  keep  ${ b }  `"), ("s = '  keep  '", "s='  keep  '"),
    ])
    def test_spaces_that_matter_stay(self, src, expected):
        assert compact_js(src) == expected

    def test_every_shipped_module_compacts_to_the_same_tokens(self):
        for path in glob.glob(os.path.join(STATIC_PATH, "js", "**", "*.js"), recursive=True):
            with open(path, encoding="utf-8") as f:
                source = f.read()
            out = compact_js(source)
            sig = lambda s: [t for t in tokenize(s) if t[0] not in ("ws", "comment")]
            assert sig(out) == sig(source), path
            assert out.count("\n") == source.count("\n"), path
            assert len(out) < len(source), path

    def test_compaction_that_would_change_the_code_is_refused(self):
        # Not tokens tokenize() would make: written compactly they would read differently
        # ("a'b c'" is a name and one string), so the plain text is kept.
        fake = [("name", "a"), ("ws", "  "), ("str", "'b"), ("ws", " "), ("str", "c'")]
        assert compact_tokens(fake) == "a  'b c'"
        real = tokenize("a  + b")
        assert compact_tokens(real) == "a+b"


class TestCompactCss:
    def test_comments_and_spaces_go_lines_stay(self):
        src = "/* theme */\n.a > .b ,  .c:hover {\n  color : red ;\n  margin: calc(1px + 2px);\n}\n"
        out = compact_css(src)
        assert out == "\n.a>.b,.c:hover{\ncolor : red;\nmargin: calc(1px + 2px);\n}\n"

    def test_strings_and_urls_are_kept(self):
        src = 'a::before { content: "  /* not a comment */  "; background: url(http://x/y.png) }'
        out = compact_css(src)
        assert '"  /* not a comment */  "' in out and "url(http://x/y.png)" in out

    def test_the_shipped_stylesheets_shrink(self):
        for name in ("app.css", "forms.css"):
            with open(os.path.join(STATIC_PATH, "css", name), encoding="utf-8") as f:
                source = f.read()
            out = compact_css(source)
            assert len(out) < 0.9 * len(source)
            assert out.count("\n") == source.count("\n")

    def test_wrong_type(self):
        with pytest.raises(TypeError, match="source"):
            compact_css(None)

"""The 655 examples of the CommonMark spec 0.31.2 (tests/data/commonmark_spec.json) against
``pywebio_lite.markdown.render``.

Output is compared after the normalisation the spec's own test runner applies: whitespace runs
collapsed (outside ``<pre>``), whitespace next to block-level tags dropped, attributes sorted,
character references resolved, ``<br />`` and ``<br>`` alike. The normaliser below is written
on ``html.parser``.
"""
import json
import pathlib
import re
from html.parser import HTMLParser

import pytest

from pywebio_lite.markdown import render

SPEC_FILE = pathlib.Path(__file__).resolve().parent / "data" / "commonmark_spec.json"
EXAMPLES = json.loads(SPEC_FILE.read_text(encoding="utf-8"))

# Examples known to fail in strict mode (gfm=False): {example number: reason}.
EXPECTED_FAILURES: dict[int, str] = {}

# Examples whose expected output legitimately changes with the GFM extensions on
# (gfm=True, the default): {example number: reason}.
GFM_DIFFERENCES: dict[int, str] = {
    608: "GFM extended email autolink: foo+@bar.example.com is linked inside the brackets",
    610: "GFM extended autolink: https://foo.bar is linked inside '< ... >'",
    613: "GFM extended autolink: a bare https://example.com is linked",
    614: "GFM extended email autolink: a bare foo@bar.example.com is linked",
}

MIN_PASSING = 649

BLOCK_TAGS = frozenset("""
article header aside hgroup blockquote hr iframe body li map button object canvas ol caption
output col p colgroup pre dd progress div section dl table td dt tbody embed textarea fieldset
tfoot figcaption th figure thead footer tr form ul h1 h2 h3 h4 h5 h6 video script style
""".split())

_RE_WS = re.compile(r"\s+")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")


class _Normalizer(HTMLParser):
    """Serialises HTML in a canonical form (see module docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.in_pre = 0
        self.after_block = True  # the start of the document counts as a block boundary

    def _tag(self, text: str, tag: str) -> None:
        if tag in BLOCK_TAGS and self.out and not self.out[-1].startswith("<"):
            self.out[-1] = self.out[-1].rstrip(" ")
            if not self.out[-1]:
                self.out.pop()
        self.out.append(text)
        self.after_block = tag in BLOCK_TAGS

    def handle_starttag(self, tag, attrs):
        attrs = sorted((name, "" if value is None else value) for name, value in attrs)
        text = "<" + tag + "".join(' %s="%s"' % (n, _esc(v)) for n, v in attrs) + ">"
        if tag == "pre":
            self.in_pre += 1
        self._tag(text, tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "pre":
            self.in_pre -= 1

    def handle_endtag(self, tag):
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1
        self._tag("</" + tag + ">", tag)

    def handle_data(self, data):
        if not self.in_pre:
            data = _RE_WS.sub(" ", data)
            if self.after_block:
                data = data.lstrip(" ")
        if not data:
            return
        text = _esc(data)
        if self.out and not self.out[-1].startswith("<"):
            self.out[-1] += text
        else:
            self.out.append(text)
        self.after_block = False

    def handle_comment(self, data):
        self.out.append("<!--" + data + "-->")
        self.after_block = False

    def handle_decl(self, decl):
        self.out.append("<!" + decl + ">")
        self.after_block = False

    def handle_pi(self, data):
        self.out.append("<?" + data + ">")
        self.after_block = False

    def unknown_decl(self, data):
        self.out.append("<![" + data + "]>")
        self.after_block = False


def normalize_html(html: str) -> str:
    parser = _Normalizer()
    # html.parser cannot digest "<![" unless a CDATA section follows
    parser.feed(re.sub(r"<!\[(?!CDATA\[)", "&lt;![", html))
    parser.close()
    out = parser.out
    if out and not out[-1].startswith("<"):
        out[-1] = out[-1].rstrip(" ")
    return "".join(out)


def _passes(example: dict, gfm: bool) -> bool:
    got = render(example["markdown"], gfm=gfm)
    return normalize_html(got) == normalize_html(example["html"])


def _params(expected_failures):
    params = []
    for ex in EXAMPLES:
        number = ex["example"]
        marks = ()
        if number in expected_failures:
            marks = pytest.mark.xfail(reason=expected_failures[number], strict=True)
        params.append(pytest.param(ex, id="example-%d" % number, marks=marks))
    return params


class TestNormalizer:
    def test_collapses_whitespace_and_sorts_attributes(self):
        assert normalize_html('<p>a\n  b</p>\n<a title="t" href="h">x</a>') == \
            '<p>a b</p><a href="h" title="t">x</a>'

    def test_keeps_whitespace_in_pre(self):
        assert normalize_html("<pre><code>a\n  b\n</code></pre>\n") == \
            "<pre><code>a\n  b\n</code></pre>"

    def test_resolves_character_references(self):
        assert normalize_html("<p>&#42;&ast;*</p>") == "<p>***</p>"

    def test_self_closing_is_the_same(self):
        assert normalize_html("<br />") == normalize_html("<br>")


class TestSpecStrict:
    """``render(text, gfm=False)``: plain CommonMark."""

    @pytest.mark.parametrize("example", _params(EXPECTED_FAILURES))
    def test_example(self, example):
        assert normalize_html(render(example["markdown"], gfm=False)) == \
            normalize_html(example["html"]), example["markdown"]

    def test_pass_count(self):
        passed = sum(_passes(ex, gfm=False) for ex in EXAMPLES)
        assert len(EXAMPLES) == 655
        assert passed >= MIN_PASSING
        assert passed == len(EXAMPLES) - len(EXPECTED_FAILURES)


class TestSpecWithGfm:
    """``render(text)`` with the GFM extensions on (the default)."""

    @pytest.mark.parametrize("example", _params({**EXPECTED_FAILURES, **GFM_DIFFERENCES}))
    def test_example(self, example):
        assert normalize_html(render(example["markdown"])) == \
            normalize_html(example["html"]), example["markdown"]

    def test_pass_count(self):
        passed = sum(_passes(ex, gfm=True) for ex in EXAMPLES)
        assert passed >= MIN_PASSING
        failing = set(EXPECTED_FAILURES) | set(GFM_DIFFERENCES)
        assert passed == len(EXAMPLES) - len(failing)

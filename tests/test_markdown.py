"""pywebio_lite.markdown beyond the CommonMark spec examples: the API, ``breaks=True``, the GFM
extensions (tables, strikethrough, extended autolinks; expected HTML from the GFM spec 0.29),
the sanitizer, and pathological inputs (correctness only; timings live in bench/)."""
import html
import json
import pathlib
from html.parser import HTMLParser

import pytest

from pywebio_lite.markdown import render, sanitize_html
from pywebio_lite.markdown.sanitize import ALLOWED_TAGS, is_safe_css, is_safe_url


def p(inner: str) -> str:
    return "<p>" + inner + "</p>\n"


class TestApi:
    def test_defaults(self):
        assert render("# Hi *there*") == "<h1>Hi <em>there</em></h1>\n"

    def test_empty(self):
        assert render("") == ""
        assert render("\n\n  \n") == ""

    def test_text_must_be_str(self):
        with pytest.raises(TypeError, match="text"):
            render(b"bytes")
        with pytest.raises(TypeError, match="text"):
            render(None)

    @pytest.mark.parametrize("name", ["breaks", "gfm", "sanitize"])
    def test_flags_must_be_bool(self, name):
        with pytest.raises(TypeError, match=name):
            render("x", **{name: "yes"})

    def test_flags_are_keyword_only(self):
        with pytest.raises(TypeError):
            render("x", True)

    def test_sanitize_html_must_get_str(self):
        with pytest.raises(TypeError, match="html"):
            sanitize_html(b"<p>")

    def test_line_endings(self):
        assert render("a\r\nb\rc\n") == p("a\nb\nc")

    def test_nul_is_replaced(self):
        assert render("a\0b") == p("a\ufffdb")


class TestBreaks:
    def test_soft_break_is_newline_by_default(self):
        assert render("a\nb") == p("a\nb")

    def test_soft_break_becomes_br(self):
        assert render("a\nb", breaks=True) == p("a<br />\nb")

    def test_hard_breaks_unchanged(self):
        assert render("a  \nb\\\nc", breaks=True) == p("a<br />\nb<br />\nc")

    def test_breaks_in_lists_and_quotes(self):
        assert render("- a\n  b\n\n> c\nd", breaks=True) == (
            "<ul>\n<li>a<br />\nb</li>\n</ul>\n<blockquote>\n<p>c<br />\nd</p>\n</blockquote>\n")

    def test_no_break_inside_code(self):
        assert render("`a\nb`\n\n```\nx\ny\n```", breaks=True) == (
            "<p><code>a b</code></p>\n<pre><code>x\ny\n</code></pre>\n")


class TestFencedCode:
    def test_language_class_from_first_word(self):
        assert render("```python  extra words\nx = 1\n```") == (
            '<pre><code class="language-python">x = 1\n</code></pre>\n')

    def test_language_is_escaped(self):
        assert render('~~~ a"b<c\n~~~') == '<pre><code class="language-a&quot;b&lt;c"></code></pre>\n'

    def test_info_string_escapes_and_entities(self):
        assert render("``` f\\#&amp;\n```") == '<pre><code class="language-f#&amp;"></code></pre>\n'

    def test_code_content_is_escaped(self):
        assert render("```\n<script>&amp;\n```") == "<pre><code>&lt;script&gt;&amp;amp;\n</code></pre>\n"


class TestEntities:
    def test_named(self):
        assert render("&copy; &AElig; &nbsp;x &ngE;") == p("\u00a9 \u00c6 \u00a0x \u2267\u0338")

    def test_numeric_and_invalid(self):
        assert render("&#35; &#x22; &#0; &#x110000;") == p("# &quot; \ufffd \ufffd")

    def test_unknown_stays_literal(self):
        assert render("&madeup; &copy") == p("&amp;madeup; &amp;copy")


class TestTables:
    """GFM spec §4.10, examples 198-205."""

    def test_basic(self):
        assert render("| foo | bar |\n| --- | --- |\n| baz | bim |") == (
            "<table>\n<thead>\n<tr>\n<th>foo</th>\n<th>bar</th>\n</tr>\n</thead>\n"
            "<tbody>\n<tr>\n<td>baz</td>\n<td>bim</td>\n</tr>\n</tbody>\n</table>\n")

    def test_alignment(self):
        assert render("| abc | defghi | x |\n:-: | -----------: | :--\nbar | baz | y") == (
            '<table>\n<thead>\n<tr>\n<th align="center">abc</th>\n<th align="right">defghi</th>\n'
            '<th align="left">x</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
            '<td align="center">bar</td>\n<td align="right">baz</td>\n<td align="left">y</td>\n'
            '</tr>\n</tbody>\n</table>\n')

    def test_escaped_pipes(self):
        assert render("| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |") == (
            "<table>\n<thead>\n<tr>\n<th>f|oo</th>\n</tr>\n</thead>\n<tbody>\n"
            "<tr>\n<td>b <code>|</code> az</td>\n</tr>\n"
            "<tr>\n<td>b <strong>|</strong> im</td>\n</tr>\n</tbody>\n</table>\n")

    def test_ends_at_other_block(self):
        out = render("| abc | def |\n| --- | --- |\n| bar | baz |\n> bar")
        assert out.endswith("</table>\n<blockquote>\n<p>bar</p>\n</blockquote>\n")

    def test_ends_at_blank_line_and_takes_plain_lines_as_rows(self):
        out = render("| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar")
        assert "<tr>\n<td>bar</td>\n<td></td>\n</tr>" in out
        assert out.endswith("</table>\n<p>bar</p>\n")

    def test_header_and_delimiter_must_match(self):
        src = "| abc | def |\n| --- |\n| bar |"
        assert render(src) == p(src)

    def test_rows_are_padded_and_cut(self):
        out = render("| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |")
        assert "<tr>\n<td>bar</td>\n<td></td>\n</tr>" in out
        assert "boo" not in out

    def test_no_body(self):
        assert render("| abc | def |\n| --- | --- |") == (
            "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n</table>\n")

    def test_without_outer_pipes(self):
        assert "<th>a</th>" in render("a | b\n--|--\n1 | 2")

    def test_paragraph_before_header_row_stays(self):
        out = render("intro\n| a |\n| - |\n| 1 |")
        assert out.startswith("<p>intro</p>\n<table>")

    def test_inline_markup_in_cells(self):
        assert "<td><em>x</em> <a href=\"/u\">l</a></td>" in render(
            "| h |\n|---|\n| *x* [l](/u) |")

    def test_inside_list_item(self):
        out = render("- | a |\n  | - |\n  | 1 |")
        assert out.startswith("<ul>\n<li>\n<table>")

    def test_bare_dashes_are_not_a_table(self):
        assert render("a\n---") == "<h2>a</h2>\n"

    def test_strict_mode_has_no_tables(self):
        assert render("| a |\n| - |", gfm=False) == p("| a |\n| - |")


class TestStrikethrough:
    """GFM spec §6.5, examples 491-493."""

    def test_one_and_two_tildes(self):
        assert render("~~Hi~~ Hello, ~there~ world!") == (
            p("<del>Hi</del> Hello, <del>there</del> world!"))

    def test_not_across_paragraphs(self):
        assert render("This ~~has a\n\nnew paragraph~~.") == (
            p("This ~~has a") + p("new paragraph~~."))

    def test_three_tildes_are_text(self):
        assert render("This will ~~~not~~~ strike.") == p("This will ~~~not~~~ strike.")

    def test_lengths_must_match(self):
        assert render("~~a~ b") == p("~~a~ b")

    def test_nests_with_emphasis(self):
        assert render("~~**a** *b*~~") == p("<del><strong>a</strong> <em>b</em></del>")

    def test_strict_mode_is_plain(self):
        assert render("~~a~~", gfm=False) == p("~~a~~")


class TestExtendedAutolinks:
    """GFM spec §6.9, examples 621-631."""

    def test_www(self):
        assert render("www.commonmark.org") == (
            p('<a href="http://www.commonmark.org">www.commonmark.org</a>'))

    def test_path(self):
        assert render("Visit www.commonmark.org/help for more information.") == p(
            'Visit <a href="http://www.commonmark.org/help">www.commonmark.org/help</a>'
            " for more information.")

    def test_trailing_punctuation(self):
        assert render("Visit www.commonmark.org.\n\nVisit www.commonmark.org/a.b.") == (
            p('Visit <a href="http://www.commonmark.org">www.commonmark.org</a>.')
            + p('Visit <a href="http://www.commonmark.org/a.b">www.commonmark.org/a.b</a>.'))

    def test_parentheses(self):
        link = '<a href="http://www.google.com/search?q=Markup+(business)">' \
               'www.google.com/search?q=Markup+(business)</a>'
        assert render("www.google.com/search?q=Markup+(business)\n\n"
                      "www.google.com/search?q=Markup+(business)))\n\n"
                      "(www.google.com/search?q=Markup+(business))\n\n"
                      "(www.google.com/search?q=Markup+(business)") == (
            p(link) + p(link + "))") + p("(" + link + ")") + p("(" + link))

    def test_interior_parentheses(self):
        assert render("www.google.com/search?q=(business))+ok") == p(
            '<a href="http://www.google.com/search?q=(business))+ok">'
            "www.google.com/search?q=(business))+ok</a>")

    def test_entity_like_suffix(self):
        assert render("www.google.com/search?q=commonmark&hl=en\n\n"
                      "www.google.com/search?q=commonmark&hl;") == (
            p('<a href="http://www.google.com/search?q=commonmark&amp;hl=en">'
              "www.google.com/search?q=commonmark&amp;hl=en</a>")
            + p('<a href="http://www.google.com/search?q=commonmark">'
                "www.google.com/search?q=commonmark</a>&amp;hl;"))

    def test_less_than_ends_link(self):
        assert render("www.commonmark.org/he<lp") == p(
            '<a href="http://www.commonmark.org/he">www.commonmark.org/he</a>&lt;lp')

    def test_http_and_https(self):
        assert render("http://commonmark.org\n\n"
                      "(Visit https://encrypted.google.com/search?q=Markup+(business))") == (
            p('<a href="http://commonmark.org">http://commonmark.org</a>')
            + p('(Visit <a href="https://encrypted.google.com/search?q=Markup+(business)">'
                "https://encrypted.google.com/search?q=Markup+(business)</a>)"))

    def test_email(self):
        assert render("foo@bar.baz") == p('<a href="mailto:foo@bar.baz">foo@bar.baz</a>')

    def test_email_plus_only_before_at(self):
        assert render("hello@mail+xyz.example isn't valid, but hello+xyz@mail.example is.") == p(
            "hello@mail+xyz.example isn't valid, but "
            '<a href="mailto:hello+xyz@mail.example">hello+xyz@mail.example</a> is.')

    def test_email_endings(self):
        assert render("a.b-c_d@a.b\n\na.b-c_d@a.b.\n\na.b-c_d@a.b-\n\na.b-c_d@a.b_") == (
            p('<a href="mailto:a.b-c_d@a.b">a.b-c_d@a.b</a>')
            + p('<a href="mailto:a.b-c_d@a.b">a.b-c_d@a.b</a>.')
            + p("a.b-c_d@a.b-") + p("a.b-c_d@a.b_"))

    def test_only_after_boundary(self):
        assert render("xwww.commonmark.org") == p("xwww.commonmark.org")
        assert render("*www.a.org*") == p('<em><a href="http://www.a.org">www.a.org</a></em>')

    def test_domain_rules(self):
        assert render("www.") == p("www.")
        assert render("www.example") == p('<a href="http://www.example">www.example</a>')
        assert render("www.a_b.c_d.com") == p("www.a_b.c_d.com")
        assert render("http://") == p("http://")

    def test_not_inside_links_or_code(self):
        assert render("[www.a.org](/x) `www.b.org`") == p(
            '<a href="/x">www.a.org</a> <code>www.b.org</code>')

    def test_strict_mode_is_plain(self):
        assert render("www.a.org foo@bar.baz", gfm=False) == p("www.a.org foo@bar.baz")


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attrs = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def assert_safe(out: str) -> None:
    """The output has only allowlisted tags, no event handlers, no script-capable URLs."""
    collector = _TagCollector()
    collector.feed(out)
    collector.close()
    for tag in collector.tags:
        assert tag in ALLOWED_TAGS, (tag, out)
    for tag, name, value in collector.attrs:
        assert not name.startswith("on"), out
        if name in ("href", "src", "cite"):
            squashed = "".join(ch for ch in value if ch > " ").lower()
            assert not squashed.startswith(("javascript:", "vbscript:")), out
            if squashed.startswith("data:"):
                assert tag == "img" and squashed.startswith("data:image/"), out
        if name == "style":
            assert "expression" not in value.lower(), out
    low = out.lower()
    for bad in ("<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math"):
        assert bad not in low, out


class TestSanitizer:
    @pytest.mark.parametrize("src", [
        "<script>alert(1)</script>",
        "a <script>alert(1)</script> b",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<style>body{display:none}</style>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<object data=\"x.swf\"><embed src=\"x.swf\"></object>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" ONERROR=\"alert(1)\">",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<div><p><b onclick=\"x()\"><i onmouseover=\"y()\">deep</i></b></p></div>",
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
        "<details open ontoggle=alert(1)><summary>s</summary></details>",
        "<a href='x' title=\"a' onmouseover='alert(1)\">y</a>",
        "<img src=\"x\" alt=\"a&quot; onerror=&quot;alert(1)\">",
        "<img src=\"x\"/onerror=\"alert(1)\">",
        "<p style=\"width: expression(alert(1))\">x</p>",
        "<p style=\"x: EXPRESSION (alert(1))\">x</p>",
        "<p style=\"x:exp/**/ression(alert(1))\">x</p>",
        "<p style=\"x:\\65 xpression(alert(1))\">x</p>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<textarea><script>alert(1)</script></textarea>",
        "<form action=\"javascript:alert(1)\"><input type=submit></form>",
        "<!-- <script>alert(1)</script> -->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    ])
    def test_dangerous_html_is_removed(self, src):
        assert_safe(render(src, sanitize=True))
        assert_safe(sanitize_html(src))

    @pytest.mark.parametrize("src", [
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](jav&#x09;ascript:alert(1))",
        "[a](jav&#x0A;ascript:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](%6Aavascript:alert(1))",
        "[a](vbscript:msgbox(1))",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "![a](javascript:alert(1))",
        "![a](data:image/svg+xml,<svg onload=alert(1)>)",
        "[a]\n\n[a]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "<a href=\"  javascript:alert(1)\">x</a>",
        "<a href=\"\tjavascript:alert(1)\">x</a>",
        "<a href=\"java\nscript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"jav&Tab;ascript:alert(1)\">x</a>",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>",
        "<a href=\"\x01javascript:alert(1)\">x</a>",
        "<IMG SRC=\"jav&#x0D;ascript:alert(1)\">",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    ])
    def test_dangerous_urls_are_dropped(self, src):
        out = render(src, sanitize=True)
        assert_safe(out)
        assert "href=" not in out and "src=" not in out

    def test_link_text_survives_a_dropped_href(self):
        assert render("[click](javascript:alert(1))", sanitize=True) == p("<a>click</a>")

    def test_data_image_allowed_in_img_only(self):
        out = render("![x](data:image/png;base64,iVBORw0KGgo=)", sanitize=True)
        assert 'src="data:image/png;base64,iVBORw0KGgo="' in out
        assert "href" not in render("[x](data:image/png;base64,iVBORw0KGgo=)", sanitize=True)

    def test_safe_urls_kept(self):
        for url in ("http://a.example/x?y=1&z=2", "https://a.example", "mailto:a@b.example",
                    "/relative/path", "page.html#frag", "?q=1", "#top", "tel:+123"):
            assert is_safe_url(url), url
        for url in ("javascript:x", " JAVASCRIPT:x", "java\tscript:x", "vbscript:x",
                    "data:text/html,x", "livescript:x"):
            assert not is_safe_url(url), url

    def test_safe_css(self):
        assert is_safe_css("color: red; text-align: center")
        assert not is_safe_css("width: expression(alert(1))")
        assert not is_safe_css("background: url(x)")

    def test_unknown_tags_are_dropped_text_kept(self):
        assert sanitize_html("<blink>hi</blink> <custom-el x=1>there</custom-el>") == "hi there"

    def test_unbalanced_tags_are_closed(self):
        assert sanitize_html("<p><b>x") == "<p><b>x</b></p>"
        assert sanitize_html("</div>y</b>") == "y"

    def test_text_and_attributes_are_reescaped(self):
        assert sanitize_html('<a title="&lt;b&gt;" href="/?a=1&amp;b=2">1 &lt; 2 &amp; 3</a>') == (
            '<a title="&lt;b&gt;" href="/?a=1&amp;b=2">1 &lt; 2 &amp; 3</a>')

    def test_event_handler_attributes_of_allowed_tags(self):
        assert sanitize_html('<p onclick="x" class="c">t</p>') == '<p class="c">t</p>'

    def test_raw_html_kept_without_sanitize(self):
        assert render("<b onclick=\"x\">t</b>") == p('<b onclick="x">t</b>')


RICH_DOCUMENT = """\
# Heading *one*

Setext
------

Text with **strong**, *em*, ~~del~~, `code <x>`, a [link](http://example.com/a?b=1&c=2 "T \\"q\\"")
and an ![image "alt"](/img.png 'title'), an <https://auto.example> link, www.example.org,
mail me@example.com, entities &copy; &lt;tag&gt;, a hard  
break.

> quote
> - list in quote

1. one
2. two
   - nested

- [ref][r]

| left | center | right |
|:-----|:------:|------:|
| a    | `b|c`  | **d** |

```python
def f(x):
    return x < 1 and "s"
```

    indented code

***

[r]: /ref "Ref Title"
"""


class TestSanitizeKeepsMarkdown:
    def test_rich_document_unchanged(self):
        plain = render(RICH_DOCUMENT)
        assert render(RICH_DOCUMENT, sanitize=True) == plain
        for needle in ("<h1>", "<h2>", "<strong>", "<del>", "<code>", "<a href=", "<img src=",
                       "<table>", 'align="center"', "<blockquote>", "<ol>", "<ul>",
                       'class="language-python"', "<hr />", "<br />", 'title="Ref Title"'):
            assert needle in plain, needle

    def test_spec_examples_without_raw_html_are_unchanged(self):
        spec = pathlib.Path(__file__).resolve().parent / "data" / "commonmark_spec.json"
        changed = []
        for ex in json.loads(spec.read_text(encoding="utf-8")):
            if "<" in ex["markdown"] or ":" in ex["markdown"]:
                continue  # raw HTML and arbitrary URL schemes are what the sanitizer edits
            out = render(ex["markdown"])
            if sanitize_html(out) != out:
                changed.append(ex["example"])
        assert changed == []

    def test_breaks_and_sanitize_together(self):
        assert render("a\nb <script>x</script>", breaks=True, sanitize=True) == p("a<br />\nb ")


class TestPathological:
    """Inputs from cmark's pathological tests at moderate size: results must be right."""

    N = 5000

    def test_nested_strong_emph(self):
        n = self.N
        assert render("*a **a " * n + "b" + " a** a*" * n) == p(
            "<em>a <strong>a " * n + "b" + " a</strong> a</em>" * n)

    @pytest.mark.parametrize("unit", ["a_ ", "_a ", "*a_ ", "a]", "[a", "[ a_", "[ (](", "a~ ",
                                      "~a ", "a** "])
    def test_unmatched_delimiters_and_brackets(self, unit):
        src = unit * self.N
        assert render(src) == p(html.escape(src.rstrip(), quote=False))

    def test_multiple_of_three(self):
        src = "a**b" + "c* " * self.N
        assert render(src) == p(src.rstrip())

    def test_nested_brackets(self):
        src = "[" * self.N + "a" + "]" * self.N
        assert render(src) == p(src)

    def test_nested_links_and_images(self):
        n = 1000
        out = render("[" * n + "a" + "](/u)" * n)
        assert out.count("<a ") == 1

    def test_deep_emphasis(self):
        assert render("*" * 2000 + "a" + "*" * 2000) == p(
            "<strong>" * 1000 + "a" + "</strong>" * 1000)

    def test_nested_block_quotes(self):
        n = self.N
        assert render("> " * n + "a") == (
            "<blockquote>\n" * n + "<p>a</p>\n" + "</blockquote>\n" * n)

    def test_deeply_nested_lists(self):
        n = 300
        out = render("".join("  " * i + "* a\n" for i in range(n)))
        assert out.count("<ul>") == n and out.count("<li>") == n

    def test_backtick_runs(self):
        src = "".join("e" + "`" * i for i in range(1, 500))
        assert render(src) == p(src)

    def test_unclosed_links(self):
        assert render("[a](<b" * self.N) == p("[a](&lt;b" * self.N)
        assert render("[a](b" * self.N) == p("[a](b" * self.N)

    @pytest.mark.parametrize("unit", ["a <!--", "</ <!--", "a <?", "a <!A", "a <![CDATA[", "<a b=c "])
    def test_unclosed_html(self, unit):
        src = unit * self.N
        assert render(src) == p(html.escape(src.rstrip(), quote=False))

    def test_many_reference_definitions(self):
        assert render("[x]: /y\n" * self.N + "[x]") == p('<a href="/y">x</a>')

    def test_wide_table(self):
        cols = 500
        out = render("|" + "a|" * cols + "\n|" + "-|" * cols + "\n" + ("|" + "b|" * cols + "\n") * 20)
        assert out.count("<th>") == cols and out.count("<td>") == cols * 20

    def test_large_document(self):
        unit = RICH_DOCUMENT.replace("[r]: /ref", "[r]: /ref")
        doc = unit * (100_000 // len(unit) + 1)
        assert len(doc) >= 100_000
        out = render(doc, sanitize=True)
        assert out.count("<table>") == doc.count("| left |")
        assert out.count("<h1>") == doc.count("# Heading")

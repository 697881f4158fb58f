"""put_text, put_markdown, put_html, put_code: what a person reads on the page."""
from playwright.sync_api import expect

from pywebio_lite.output import put_code, put_html, put_markdown, put_text


def test_put_text_is_literal_text(open_app):
    def app():
        put_text("<b>x</b>")
        put_text("<script>window.hacked = 1</script>", "&amp;", sep=" | ")

    page = open_app(app)
    expect(page.get_by_text("<b>x</b>", exact=True)).to_be_visible()
    expect(page.get_by_text("<script>window.hacked = 1</script> | &amp;")).to_be_visible()
    expect(page.locator("#pywebio-scope-ROOT b")).to_have_count(0)
    assert page.evaluate("window.hacked") is None


def test_put_text_keeps_spaces_and_line_breaks(open_app):
    def app():
        put_text("line one\n    indented line two")

    page = open_app(app)
    text = page.locator("p.pwl-text")
    expect(text).to_have_css("white-space", "pre-wrap")
    assert text.inner_text() == "line one\n    indented line two"


def test_inline_texts_share_a_line(open_app):
    def app():
        put_text("Hello", inline=True)
        put_text(" world", inline=True)
        put_text("next paragraph")

    page = open_app(app)
    expect(page.get_by_text("next paragraph")).to_be_visible()
    hello, world = page.locator("span.pwl-text").all()
    expect(world).to_have_text(" world")
    assert hello.bounding_box()["y"] == world.bounding_box()["y"]
    assert page.get_by_text("next paragraph").bounding_box()["y"] > hello.bounding_box()["y"]


def test_put_markdown(open_app):
    def app():
        put_markdown("""
        # Title
        Some **bold text** and a [link](https://example.com/docs).

        | Fruit | Price |
        |-------|-------|
        | Apple | 5.5   |

        ```python
        def greet():
            return "hi"
        ```
        """)

    page = open_app(app)
    expect(page.get_by_role("heading", name="Title")).to_be_visible()
    expect(page.locator(".pwl-markdown strong")).to_have_text("bold text")
    expect(page.get_by_role("link", name="link")).to_have_attribute("href", "https://example.com/docs")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Fruit", "Price"])
    expect(table.get_by_role("cell")).to_have_text(["Apple", "5.5"])
    code = page.locator(".pwl-markdown pre code.language-python")
    expect(code.locator(".hl-k").first).to_have_text("def")   # highlighted once the highlighter loads
    expect(code.locator(".hl-s")).to_have_text('"hi"')
    expect(code).to_have_text('def greet():\n    return "hi"\n')


def test_put_markdown_sanitizes_by_default(open_app):
    def app():
        put_markdown('<img src=x onerror="window.bad = 1">text <script>window.bad = 2</script>')
        put_text("after")

    page = open_app(app)
    expect(page.get_by_text("after")).to_be_visible()
    assert page.evaluate("window.bad") is None


def test_put_html_runs_its_scripts(open_app):
    def app():
        put_html('<p id="target">waiting</p><script>document.getElementById("target").textContent = "ran"</script>')

    page = open_app(app)
    expect(page.locator("#target")).to_have_text("ran")
    expect(page.locator(".pwl-html sup")).to_have_count(0)


def test_put_html_external_scripts_run_in_order(open_app, tmp_path):
    (tmp_path / "lib.js").write_text("window.libValue = 'loaded from lib.js';")

    def app():
        put_html('<p id="out">waiting</p><script src="/static/lib.js"></script>'
                 '<script>document.getElementById("out").textContent = window.libValue</script>')

    page = open_app(app, static_dir=str(tmp_path))
    expect(page.locator("#out")).to_have_text("loaded from lib.js")


def test_put_html_markup(open_app):
    def app():
        put_html("X<sup>2</sup> <button>a real button</button>")

    page = open_app(app)
    expect(page.locator(".pwl-html sup")).to_have_text("2")
    expect(page.get_by_role("button", name="a real button")).to_be_visible()


def test_put_code_is_highlighted(open_app):
    def app():
        put_code("import json\nprint(json.dumps({'a': 1}))  # dump", language="python")
        put_code("<b>not html</b>")

    page = open_app(app)
    code = page.locator("pre.pwl-code code.language-python")
    expect(code.locator(".hl-k")).to_have_text("import")
    expect(code.locator(".hl-c")).to_have_text("# dump")
    expect(code).to_have_text("import json\nprint(json.dumps({'a': 1}))  # dump")
    expect(page.get_by_text("<b>not html</b>")).to_be_visible()


def test_put_code_rows_caps_the_height(open_app):
    def app():
        put_code("\n".join(f"line {i}" for i in range(40)), rows=5)

    page = open_app(app)
    pre = page.locator("pre.pwl-code")
    expect(pre).to_be_visible()
    lines = pre.evaluate("""pre => {
        const style = getComputedStyle(pre);
        const inner = pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return {lines: inner / parseFloat(style.lineHeight), scrolls: pre.scrollHeight > pre.clientHeight};
    }""")
    assert lines["scrolls"]
    assert round(lines["lines"]) == 5


def test_highlighted_code_is_text_never_markup(open_app):
    """Code shown with highlighting (put_code, markdown code blocks) is escaped like any user text."""
    attack = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'

    def app():
        put_code(attack, language="html")
        put_markdown("```html\n" + attack + "\n```")

    page = open_app(app)
    code = page.locator("pre code")
    expect(code.first).to_contain_text('<img src=x onerror=')
    expect(code.nth(1)).to_contain_text("<script>document.title")
    expect(code.first.locator(".hl-t").first).to_be_visible()  # it was highlighted
    assert page.locator("pre img, pre script").count() == 0
    assert page.title() != "pwned"

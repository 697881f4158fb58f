"""Hostile input in Chromium: code the highlighter used to choke on, script URLs in links and
images (neutralised unless the app marks them trusted). See docs/security.md."""
from playwright.sync_api import Page, expect

from pywebio_lite.input import textarea
from pywebio_lite.output import put_code, put_image, put_link, put_markdown, put_text, trusted_url

MISMATCHED = "<script>let a = 1;</style>\n<style>p { color: red }</script>\n<p>after</p>"
# Set with setAttribute, a URL is not entity-decoded: "&#106;avascript:" is a harmless relative
# URL there, so the JS list has no entity forms (the server refuses them too, to be safe).
JS_SCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " JaVa\tScript:alert(1)", "\x01javascript:x",
                  "java\nscript:x", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
                  " DATA:text/html;base64,PHNjcmlwdD4=", "data:application/xhtml+xml,x", "javascript%3Aalert(1)",
                  "\u200bjavascript:alert(1)", "livescript:x"]
JS_SAFE_URLS = ["https://example.com/a?b=1#c", "/static/a.png", "page.html", "?app=x", "#top", "mailto:a@b.c",
                "data:image/png;base64,iVBOR", "", "./javascript:is-a-path", "100%"]
NESTED_FENCES = "````markdown\n# outer\n```markdown\n# inner\n```\n````\ndone"


class TestHighlighter:
    def test_code_editor_with_mismatched_tags_keeps_working(self, open_app, page_errors, shot):
        def app():
            code = textarea("Page source", code={"mode": "html"}, value=MISMATCHED)
            put_text(f"got {len(code)} chars")

        page: Page = open_app(app)
        box = page.get_by_label("Page source")
        expect(box).to_have_value(MISMATCHED)
        # The highlighted copy under the textarea shows the code (it used to be empty).
        expect(page.locator(".hl-t", has_text="script").first).to_be_visible()
        expect(page.get_by_text("after", exact=False).first).to_be_visible()
        box.press("End")
        box.type("<script></style>x")  # every key used to throw
        expect(page.locator(".hl-t", has_text="style").first).to_be_visible()
        shot(page, "hardening-editor-mismatched")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"got {len(MISMATCHED) + 17} chars")).to_be_visible()
        assert page_errors == []

    def test_put_code_with_mismatched_tags_and_nested_fences(self, open_app, page_errors):
        def app():
            put_code(MISMATCHED, language="html")
            put_code(NESTED_FENCES, language="markdown")
            put_text("all drawn")

        page = open_app(app)
        expect(page.get_by_text("all drawn")).to_be_visible()
        blocks = page.locator("pre code")
        expect(blocks.first).to_contain_text("<script>let a = 1;</style>")
        expect(blocks.nth(1)).to_contain_text("# inner")
        # Highlighted, not just left as plain text (nested fences used to loop forever).
        expect(blocks.nth(0).locator(".hl-t").first).to_be_visible()
        expect(blocks.nth(1).locator(".hl-h").first).to_be_visible()
        assert page_errors == []


class TestScriptUrls:
    def test_links_and_images_are_neutralised(self, open_app, page_errors, shot):
        def app():
            put_link("Plain link", url="https://example.com/")
            put_link("Hostile link", url=" JaVa\tScript:window.__pwned=1")
            put_link("Data link", url="data:text/html,<script>parent.__pwned=1</script>")
            put_image("javascript:window.__pwned=1", title="Hostile image")
            put_link("Trusted link", url=trusted_url("javascript:window.__clicked=1"))

        page = open_app(app)
        expect(page.get_by_role("link", name="Plain link")).to_have_attribute("href", "https://example.com/")
        for name in ("Hostile link", "Data link"):
            expect(page.get_by_text(name)).to_be_visible()
            expect(page.get_by_role("link", name=name)).to_have_count(0)
        page.get_by_text("Hostile link").click()
        expect(page.get_by_role("img", name="Hostile image")).not_to_have_attribute("src", "javascript:window.__pwned=1")
        trusted = page.get_by_role("link", name="Trusted link")
        trusted.click()
        page.wait_for_function("window.__clicked === 1")  # an app's trusted URL still works
        assert page.evaluate("window.__pwned") is None
        shot(page, "hardening-links")

    def test_markdown_links(self, open_app, page_errors):
        def app():
            put_markdown("[safe md](https://example.com/) [bad md](javascript:window.__pwned=1)")
            put_markdown("[raw md](javascript:window.__raw=1)", sanitize=False)

        page = open_app(app)
        expect(page.get_by_role("link", name="safe md")).to_be_visible()
        expect(page.get_by_text("bad md")).to_be_visible()
        expect(page.get_by_role("link", name="bad md")).to_have_count(0)
        page.get_by_text("bad md").click()
        page.get_by_role("link", name="raw md").click()  # sanitize=False: the author's choice
        page.wait_for_function("window.__raw === 1")
        assert page.evaluate("window.__pwned") is None

    def test_the_renderers_check_again(self, open_app, page_errors):
        """A spec that reached the page with a script URL (not blocked by the server) still draws
        no link and loads no image: the JS renderers apply the same rules."""
        def app():
            put_text("ready")

        page = open_app(app)
        expect(page.get_by_text("ready")).to_be_visible()
        result = page.evaluate("""async ([bad, good]) => {
            const dom = await import('./_pywebio_lite/js/dom.js');
            const link = (await import('./_pywebio_lite/js/renderers/link.js')).default;
            const image = (await import('./_pywebio_lite/js/renderers/image.js')).default;
            return {
              bad: bad.filter((u) => !dom.isScriptUrl(u)),
              good: good.filter((u) => dom.isScriptUrl(u)),
              links: bad.map((u) => link({text: 'x', url: u}).tagName),
              images: bad.map((u) => image({src: u}).getAttribute('src')),
              trusted: link({text: 'x', url: 'javascript:1', trusted: true}).getAttribute('href'),
              svg: image({src: 'data:image/svg+xml,<svg/>'}).getAttribute('src'),
              svgLink: link({text: 'x', url: 'data:image/svg+xml,<svg/>'}).tagName,
            };
        }""", [JS_SCRIPT_URLS, JS_SAFE_URLS])
        assert result["bad"] == [] and result["good"] == []
        assert set(result["links"]) == {"SPAN"}
        assert result["images"] == [None] * len(JS_SCRIPT_URLS)
        assert result["trusted"] == "javascript:1" and result["svg"] == "data:image/svg+xml,<svg/>"
        assert result["svgLink"] == "SPAN"  # an SVG document opened from a link runs its scripts

"""The built-in server serves the core modules linked into one file (platform/assets.py): code
loaded later still finds one instance of each core module, and the page reads as before."""
from playwright.sync_api import expect

from pywebio_lite.output import put_buttons, put_code, put_markdown, put_text


def test_a_later_import_of_a_core_module_gets_the_running_instance(open_app, page):
    def app():
        put_text("ready")

    open_app(app)
    expect(page.get_by_text("ready")).to_be_visible()
    same = page.evaluate("""async () => {
        const env = await import('/_pywebio_lite/js/env.js');
        const render = await import('/_pywebio_lite/js/render.js');
        return [env.env === window.pywebio_lite.env, render.render === window.pywebio_lite.render];
    }""")
    assert same == [True, True]
    # A module with a default export is served on its own and works there.
    text = page.evaluate("""async () => {
        const mod = await import('/_pywebio_lite/js/renderers/text.js');
        return mod.default({content: '<b>plain</b>'}).outerHTML;
    }""")
    assert text == '<p class="pwl-text">&lt;b&gt;plain&lt;/b&gt;</p>'


def test_every_kind_of_output_still_draws(open_app, page, shot):
    from pywebio_lite.input import input as ask

    def app():
        put_markdown("# Linked\nSome *markdown*.")
        put_code("print('hi')", language="python")
        put_buttons(["Press"], onclick=lambda _: put_text("pressed"))
        put_text(ask("Your name"))

    open_app(app)
    expect(page.get_by_role("heading", name="Linked")).to_be_visible()
    expect(page.get_by_role("button", name="Press")).to_be_visible()
    page.get_by_role("button", name="Press").click()
    expect(page.get_by_text("pressed")).to_be_visible()
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your name").press("Enter")
    expect(page.get_by_text("Ada", exact=True)).to_be_visible()
    shot(page, "linked-frontend")
    scripts = page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
                            ".filter(p => p.endsWith('.js'))")
    assert "/_pywebio_lite/js/main.linked.js" in scripts
    assert "/_pywebio_lite/js/forms/index.linked.js" in scripts
    assert not any(p.endswith("/js/dom.js") or p.endswith("/js/forms/fields.js") for p in scripts)

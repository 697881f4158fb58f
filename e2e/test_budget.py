"""The first page is small and self-contained; big outputs render in linear time."""

from playwright.sync_api import expect

from pywebio_lite.output import put_code, put_text, use_scope

# An app's first page (HTML + CSS + JS), forms and highlighter included: at most this many bytes
# of decoded bodies and this many responses (issue 8). The built-in server links the module graph
# and compacts the files it serves (platform/assets.py).
BUDGET = 100 * 1024
MAX_REQUESTS = 12


def resources(page):
    """[(url, transferred bytes, body bytes)] of the page and everything it loaded."""
    return page.evaluate("""() => [...performance.getEntriesByType('navigation'),
                                     ...performance.getEntriesByType('resource')]
        .map(e => [e.name, e.transferSize, e.decodedBodySize])""")


def test_first_page_budget_and_no_foreign_hosts(open_app, page, serve):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    def app():
        put_text("hello")

    base = serve(app)
    page.goto(base)
    expect(page.get_by_text("Session ended")).to_be_visible()
    loaded = resources(page)
    transferred = sum(size for _, size, _ in loaded)
    raw = sum(body for _, _, body in loaded)
    print(f"\nfirst page: {len(loaded)} files, {raw} bytes raw, {transferred} bytes transferred")
    for url, size, body in loaded:
        print(f"  {size:6d} {body:6d}  {url[len(base) - 1:]}")
    assert raw <= BUDGET and transferred <= raw
    assert len(loaded) <= 4  # the page, app.css, the linked core (and nothing else yet)
    assert any(url.endswith("/js/main.linked.js") for url, _, _ in loaded)
    assert all(url.startswith(base) for url in requested), requested
    assert not any("highlight" in url for url, _, _ in loaded)  # loaded only when code appears


def test_budget_with_every_lazy_module(open_app, page):
    """Highlighter, forms and their stylesheet loaded too: still within the budget."""
    from pywebio_lite.input import input as ask

    def app():
        put_code("x = 1", language="python")
        put_text(ask("Your name"))

    open_app(app)
    expect(page.get_by_label("Your name")).to_be_visible()
    expect(page.locator(".hl-n")).to_have_text("1")
    loaded = resources(page)
    transferred = sum(size for _, size, _ in loaded)
    raw = sum(b for _, _, b in loaded)
    print(f"\nwith a form and code: {len(loaded)} files, {raw} bytes raw, {transferred} bytes transferred")
    for url, size, body in loaded:
        print(f"  {size:6d} {body:6d}  {url}")
    assert raw <= BUDGET
    assert len(loaded) <= MAX_REQUESTS
    assert any(url.endswith("/js/forms/index.linked.js") for url, _, _ in loaded)


def test_highlighter_loads_on_demand(open_app, page):
    def app():
        put_text("no code yet")
        put_code("x = 1", language="python")

    open_app(app)
    expect(page.locator(".hl-n")).to_have_text("1")
    assert sum("highlight.js" in url for url, _, _ in resources(page)) == 1


def test_a_frame_of_2000_outputs(open_app):
    def app():
        with use_scope("log"):
            for i in range(2000):
                put_text(f"line {i}")
        put_text("done")

    page = open_app(app)
    expect(page.get_by_text("done")).to_be_visible()
    expect(page.locator("#pywebio-scope-log > p")).to_have_count(2000)
    expect(page.locator("#pywebio-scope-log > p").nth(1234)).to_have_text("line 1234")


def test_100000_lines(open_app):
    def app():
        for i in range(100_000):
            put_text(f"line {i}")
        put_text("all written")

    page = open_app(app)
    # However long the machine takes: no time limit here (bench/output_throughput.py times it).
    page.get_by_text("all written").wait_for(state="attached", timeout=0)
    count = page.evaluate("document.getElementById('pywebio-scope-ROOT').childElementCount")
    assert count == 100_001
    page.mouse.wheel(0, 10_000)   # the tab is alive and responsive
    expect(page.get_by_text("line 99999", exact=True)).to_be_attached()

"""Notices, collapse, scrollable, tabs, widget and the layouts row/column/grid."""

from playwright.sync_api import expect

from pywebio_lite.output import (put_buttons, put_code, put_collapse, put_column, put_error, put_grid, put_info,
                                 put_markdown, put_row, put_scrollable, put_success, put_table, put_tabs, put_text,
                                 put_warning, put_widget, span)
from pywebio_lite.session import hold


def test_notices(open_app):
    def app():
        put_info("An info notice")
        put_success("It worked", closable=True)
        put_warning("Careful:", put_markdown("**bold** inside"))
        put_error("It broke")

    page = open_app(app)
    alerts = page.get_by_role("alert")
    expect(alerts).to_have_count(4)
    expect(alerts.nth(2).locator("strong")).to_have_text("bold")
    for i, kind in enumerate(["info", "success", "warning", "error"]):
        expect(alerts.nth(i)).to_contain_class(f"pwl-alert-{kind}")
    expect(alerts.first.get_by_role("button", name="Close")).to_have_count(0)
    alerts.nth(1).get_by_role("button", name="Close").click()
    expect(page.get_by_text("It worked")).to_have_count(0)
    expect(alerts).to_have_count(3)


def test_notice_as_a_context_manager(open_app):
    def app():
        with put_info():
            put_text("written into the notice")
        put_text("written after it")

    page = open_app(app)
    expect(page.get_by_role("alert").get_by_text("written into the notice")).to_be_visible()
    expect(page.get_by_role("alert").get_by_text("written after it")).to_have_count(0)


def test_collapse(open_app):
    def app():
        put_collapse("Closed section", [put_text("hidden content"), put_table([["a"], ["b"]])])
        put_collapse("Open section", "visible content", open=True)
        with put_collapse("This is title"):
            for i in range(4):
                put_text(i)

    page = open_app(app)
    expect(page.get_by_text("hidden content")).to_be_hidden()
    page.get_by_text("Closed section").click()
    expect(page.get_by_text("hidden content")).to_be_visible()
    expect(page.get_by_text("visible content")).to_be_visible()
    page.get_by_text("This is title").click()
    expect(page.locator("details").nth(2).locator(".pwl-text")).to_have_text(["0", "1", "2", "3"])


def test_scrollable_box(open_app):
    def app():
        put_scrollable([put_text(f"row {i}") for i in range(30)], height=(50, 120), border=False)
        put_scrollable(put_text("short"), height=(60, 200))

    page = open_app(app)
    expect(page.locator(".pwl-scroll")).to_have_count(2)
    first, second = page.locator(".pwl-scroll").all()
    expect(first).to_have_css("max-height", "120px")
    assert first.evaluate("el => el.scrollHeight > el.clientHeight")
    expect(page.locator(".pwl-scrollable").first).not_to_contain_class("pwl-bordered")
    expect(page.locator(".pwl-scrollable").nth(1)).to_contain_class("pwl-bordered")
    expect(second).to_have_css("min-height", "60px")


def test_scrollable_keep_bottom(open_app):
    def app():
        with put_scrollable(height=100, keep_bottom=True) as box:
            for i in range(20):
                put_text(f"line {i}")
        count = iter(range(20, 1000))
        put_buttons(["more"], onclick=lambda _: put_text(f"line {next(count)}", scope=box))

    page = open_app(app)
    box = page.locator(".pwl-scroll")
    at_bottom = "el => el.scrollTop + el.clientHeight >= el.scrollHeight - 1"
    expect(page.get_by_text("line 19")).to_be_attached()
    page.wait_for_function(f"({at_bottom})(document.querySelector('.pwl-scroll'))")
    page.get_by_role("button", name="more").click()
    expect(page.get_by_text("line 20")).to_be_in_viewport()
    # the user scrolls up: new lines no longer pull the box down
    box.evaluate("el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }")
    page.get_by_role("button", name="more").click()
    expect(page.get_by_text("line 21")).to_be_attached()
    assert box.evaluate("el => el.scrollTop") == 0
    # back at the bottom, it sticks again
    box.evaluate("el => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); }")
    page.get_by_role("button", name="more").click()
    expect(page.get_by_text("line 22")).to_be_in_viewport()


def test_tabs(open_app):
    def app():
        put_tabs([
            {"title": "Text", "content": "Hello world"},
            {"title": "Markdown", "content": put_markdown("~~Strikethrough~~")},
            {"title": "More content", "content": [put_table([["A", "B"], ["C", "D"]]), put_text("and text")]},
        ])

    page = open_app(app)
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text(["Text", "Markdown", "More content"])
    expect(page.get_by_role("tablist")).to_be_visible()
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_have_text("Hello world")
    tabs.nth(1).click()
    expect(page.get_by_role("tabpanel")).to_have_text("Strikethrough")
    expect(page.get_by_text("Hello world")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(2)).to_be_focused()
    expect(page.get_by_role("tabpanel", name="More content").get_by_role("table")).to_be_visible()
    page.keyboard.press("ArrowRight")     # wraps around
    expect(tabs.first).to_be_focused()
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")


def test_widget_with_outputs(open_app):
    def app():
        put_widget("""
<div class="my-card">
  <h3>{{title}}</h3>
  {{#contents}}<div class="slot">{{& pywebio_output_parse}}</div>{{/contents}}
  <p>{{note}}</p>
</div>""", {"title": "My widget", "note": "<i>escaped</i>",
            "contents": [put_text("text output"), put_buttons(["press"], onclick=lambda _: put_text("pressed"))]})

    page = open_app(app)
    card = page.locator(".my-card")
    expect(card.get_by_role("heading", name="My widget")).to_be_visible()
    expect(card.locator(".slot").first).to_have_text("text output")
    expect(card.get_by_text("<i>escaped</i>")).to_be_visible()
    card.get_by_role("button", name="press").click()
    expect(page.get_by_text("pressed", exact=True)).to_be_visible()


def test_row_and_column(open_app):
    def app():
        put_row([
            put_column([
                put_code("A"), None,
                put_row([put_code("B1"), None, put_code("B2")]), None,
                put_code("C"),
            ]), None,
            put_code("D"), None,
            put_code("E"),
        ])
        put_row([put_text("narrow"), put_text("wide")], size="40% 60%").style("width: 500px")

    page = open_app(app)
    page.set_viewport_size({"width": 1000, "height": 800})
    box = {name: page.get_by_text(name, exact=True).locator("xpath=..").bounding_box()
           for name in ("A", "B1", "B2", "C", "D", "E")}
    assert box["A"]["y"] < box["B1"]["y"] < box["C"]["y"]             # the column stacks
    assert box["B1"]["y"] == box["B2"]["y"]                            # the inner row
    assert box["B2"]["x"] - (box["B1"]["x"] + box["B1"]["width"]) == 10  # a None gap is 10px
    assert box["D"]["y"] == box["A"]["y"] and box["E"]["x"] > box["D"]["x"] > box["A"]["x"]
    assert abs(box["D"]["width"] - box["E"]["width"]) < 1               # equal shares (1fr)
    narrow = page.get_by_text("narrow").bounding_box()
    wide = page.get_by_text("wide").bounding_box()
    assert (narrow["width"], wide["width"]) == (200, 300)


def test_row_as_a_context_manager(open_app):
    def app():
        with put_row():
            put_text("left")
            put_text("middle")
            put_text("right")

    page = open_app(app)
    page.set_viewport_size({"width": 1000, "height": 800})
    boxes = [page.get_by_text(t).bounding_box() for t in ("left", "middle", "right")]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    assert abs(boxes[0]["width"] - boxes[2]["width"]) < 1


def test_grid(open_app):
    def app():
        put_grid([
            [put_text("A"), put_text("B"), put_text("C")],
            [None, span(put_text("D"), col=2, row=1)],
            [put_text("E"), put_text("F"), put_text("G")],
        ], cell_width="100px", cell_height="100px")
        put_grid([[put_text("x1"), put_text("x2")], [put_text("y1"), put_text("y2")]], direction="column")

    page = open_app(app)
    pos = {n: page.get_by_text(n, exact=True).bounding_box() for n in "ABCDEFG"}
    assert pos["B"]["x"] - pos["A"]["x"] == 100 and pos["E"]["y"] - pos["A"]["y"] == 200
    assert pos["D"]["x"] == pos["B"]["x"] and pos["D"]["y"] == pos["A"]["y"] + 100
    assert page.get_by_text("D", exact=True).evaluate("el => el.offsetWidth") == 200
    assert (pos["G"]["x"], pos["G"]["y"]) == (pos["C"]["x"], pos["E"]["y"])
    x1, x2, y1 = (page.get_by_text(n).bounding_box() for n in ("x1", "x2", "y1"))
    assert x1["x"] == x2["x"] and x2["y"] > x1["y"]    # a column first
    assert y1["x"] > x1["x"]


def test_layout_in_a_coroutine_app(open_app):
    async def app():
        with put_column():
            put_text("top")
            with put_row():
                put_text("bottom left")
                put_text("bottom right")
        await hold()

    page = open_app(app)
    expect(page.get_by_text("bottom right")).to_be_visible()
    left, right = page.get_by_text("bottom left").bounding_box(), page.get_by_text("bottom right").bounding_box()
    assert left["y"] == right["y"] and right["x"] > left["x"]
    assert page.get_by_text("top").bounding_box()["y"] < left["y"]

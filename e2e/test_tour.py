"""examples/tour.py: a smoke test of every output together, and screenshots for people to look at.

Screenshots land in e2e/screenshots/ (gitignored): the tour in light and dark, cut in
viewport-high pieces, a popup, toasts, and the phone-width page.
"""
import importlib.util
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pywebio_lite.output import put_button, put_row, put_table, put_text

TOUR = Path(__file__).parent.parent / "examples" / "tour.py"
spec = importlib.util.spec_from_file_location("tour_example", TOUR)
tour_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tour_module)
tour = tour_module.tour


def shoot_pieces(page: Page, shot, name: str, height: int = 1000) -> None:
    width = page.viewport_size["width"]
    total = page.evaluate("document.documentElement.scrollHeight")
    for i, y in enumerate(range(0, total, height)):
        shot(page, f"{name}-{i}", full_page=True, clip={"x": 0, "y": y, "width": width, "height": min(height, total - y)})


def open_tour(open_app, page: Page, width: int, height: int = 900) -> Page:
    page.set_viewport_size({"width": width, "height": height})
    open_app(tour)
    expect(page.get_by_text("Clicked at")).to_be_visible()
    expect(page.locator("#tour-script")).to_contain_text("yes, at")
    expect(page.locator(".pwl-markdown code.hl").first).to_be_attached()   # highlighting done
    return page


def test_tour_smoke(open_app, page):
    open_tour(open_app, page, 1000)
    expect(page).to_have_title("pywebio_lite tour")
    expect(page.get_by_role("heading", name="pywebio_lite tour")).to_be_visible()
    for role, count in (("table", 6), ("progressbar", 2), ("tablist", 1), ("img", 2)):
        expect(page.get_by_role(role)).to_have_count(count)
    expect(page.get_by_role("alert")).to_have_count(4)
    page.get_by_role("button", name="Run the progress bar").click()
    expect(page.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "100")
    page.get_by_role("button", name="Show the time").click()
    expect(page.locator("#pywebio-scope-clock > *")).to_have_count(1)
    page.get_by_role("button", name="Sticky toast").click()
    page.get_by_role("status").filter(has_text="Click me").click()
    expect(page.get_by_text("The sticky toast was clicked")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report.csv").click()
    assert download.value.suggested_filename == "report.csv"
    grid = page.get_by_role("grid", name="Data table people")
    grid.get_by_role("gridcell", name="Person 2", exact=True).click()
    page.get_by_role("toolbar").get_by_role("button", name="Greet").click()
    expect(page.get_by_text("Hello, rows [2]")).to_be_visible()
    page.get_by_role("button", name="Open a popup").click()
    dialog = page.get_by_role("dialog", name="A popup")
    dialog.get_by_role("button", name="close_popup()").click()
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tour_screenshots(open_app, page, shot, scheme):
    page.emulate_media(color_scheme=scheme)
    open_tour(open_app, page, 1000)
    shoot_pieces(page, shot, f"tour-{scheme}")
    grid = page.get_by_role("grid", name="Data table people")
    grid.get_by_role("gridcell", name="Person 2", exact=True).click()
    page.get_by_role("toolbar").get_by_role("button", name="Greet").click()
    expect(page.get_by_text("Hello, rows [2]")).to_be_visible()
    page.get_by_role("button", name="Open a popup").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    shot(page, f"popup-{scheme}")
    page.keyboard.press("Escape")
    for name in ("Toast left", "Toast center", "Toast right", "Sticky toast"):
        page.get_by_role("button", name=name).click()
    expect(page.get_by_role("status").filter(has_text="Click me")).to_be_visible()
    shot(page, f"toasts-{scheme}")


def test_tour_on_a_phone(open_app, page, shot):
    open_tour(open_app, page, 375, 740)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")  # no sideways scroll
    wrap = page.locator(".pwl-table-wrap").first
    assert wrap.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    shoot_pieces(page, shot, "phone", height=740)
    grid = page.get_by_role("grid", name="Data table people")
    grid.get_by_role("gridcell", name="Person 2", exact=True).click()
    page.get_by_role("toolbar").get_by_role("button", name="Greet").click()
    expect(page.get_by_text("Hello, rows [2]")).to_be_visible()
    page.get_by_role("button", name="Open a popup").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    shot(page, "phone-popup")


def test_rows_wrap_on_a_phone(open_app, page):
    def app():
        put_row([put_text("a first rather long sentence in a row"), None,
                 put_text("a second rather long sentence in the row")])
        put_row([put_button("one", onclick=lambda: None), put_button("two", onclick=lambda: None)])

    page.set_viewport_size({"width": 375, "height": 700})
    open_app(app)
    first, second = (page.get_by_text(f"a {n} rather long").bounding_box() for n in ("first", "second"))
    assert second["y"] > first["y"] + first["height"] - 1 and second["x"] == first["x"]
    one, two = (page.get_by_role("button", name=n).bounding_box() for n in ("one", "two"))
    assert one["y"] == two["y"]   # small items still share a line
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_wide_table_scrolls_sideways_on_a_phone(open_app, page):
    def app():
        put_table([[f"column {c}" for c in range(12)], [f"value {c}" for c in range(12)]])

    page.set_viewport_size({"width": 375, "height": 700})
    open_app(app)
    wrap = page.locator(".pwl-table-wrap")
    expect(wrap).to_be_visible()
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    wrap.evaluate("el => el.scrollLeft = el.scrollWidth")
    expect(page.get_by_role("cell", name="value 11")).to_be_in_viewport()

"""popup (call, context manager, decorator), close_popup, closable/implicit_close, toast."""
import asyncio

import pytest
from playwright.sync_api import expect

from pywebio_lite.output import close_popup, popup, put_buttons, put_table, put_text, toast
from pywebio_lite.session import hold


def test_popup_as_a_call(open_app):
    def app():
        popup("popup title", "popup text content")

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="popup title")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("popup text content")).to_be_visible()
    expect(dialog).to_be_focused()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_popup_with_outputs_and_close_popup(open_app):
    def app():
        popup("Popup title", [
            put_text("plain html: <br/>"),
            put_table([["A", "B"], ["C", "D"]]),
            put_buttons(["close_popup()"], onclick=lambda _: close_popup()),
        ])

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="Popup title")
    expect(dialog.get_by_text("plain html: <br/>")).to_be_visible()
    expect(dialog.get_by_role("table")).to_be_visible()
    dialog.get_by_role("button", name="close_popup()").click()
    expect(dialog).to_be_hidden()


def test_popup_as_a_context_manager(open_app):
    def app():
        with popup("Context"):
            put_text("written inside the with-block")
        put_text("written after the block, to the page")

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="Context")
    expect(dialog.get_by_text("written inside the with-block")).to_be_visible()
    expect(dialog.get_by_text("written after the block")).to_have_count(0)
    expect(page.locator("#pywebio-scope-ROOT").get_by_text("written after the block, to the page")).to_be_attached()


def test_popup_as_a_decorator(open_app):
    def app():
        @popup("Decorated")   # like PyWebIO, the popup opens here; calls of show() write into it
        def show(n):
            put_text(f"from the decorated function, call {n}")
        show(1)
        show(2)

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="Decorated")
    expect(dialog.locator(".pwl-text")).to_have_text(["from the decorated function, call 1",
                                                      "from the decorated function, call 2"])


async def async_popup_app():
    async def close_later(_):
        await asyncio.sleep(0)
        close_popup()

    with popup("Async popup"):
        put_text("inside, from a coroutine")
        put_buttons(["Done"], onclick=close_later)
    await asyncio.sleep(0)
    put_text("the app went on")


def test_popup_in_a_coroutine_app(open_app):
    page = open_app(async_popup_app)
    dialog = page.get_by_role("dialog", name="Async popup")
    expect(dialog.get_by_text("inside, from a coroutine")).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("the app went on")).to_be_visible()


def test_escape_and_backdrop_close_a_closable_popup(open_app):
    def app():
        put_buttons(["open"], onclick=lambda _: popup("Closable", "content"))

    page = open_app(app)
    opener = page.get_by_role("button", name="open")
    opener.click()
    dialog = page.get_by_role("dialog", name="Closable")
    expect(dialog).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()  # focus goes back where it was
    opener.click()
    expect(dialog).to_be_visible()
    page.mouse.click(5, 5)  # on the backdrop
    expect(dialog).to_be_hidden()


def test_popup_not_closable(open_app):
    def app():
        popup("Locked", [put_text("no way out but the app"),
                         put_buttons(["finish"], onclick=lambda _: close_popup())], closable=False)

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="Locked")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_have_count(0)
    page.keyboard.press("Escape")
    page.mouse.click(5, 5)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="finish").click()
    expect(dialog).to_be_hidden()


def test_popup_without_implicit_close(open_app):
    def app():
        popup("Explicit", "close me with the button", implicit_close=False)

    page = open_app(app)
    dialog = page.get_by_role("dialog", name="Explicit")
    page.mouse.click(5, 5)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_the_page_behind_a_popup_is_inert(open_app):
    def app():
        put_buttons(["behind"], onclick=lambda _: put_text("clicked behind"))
        popup("Front", "modal")

    page = open_app(app)
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator("#pwl-page")).to_have_js_property("inert", True)
    page.keyboard.press("Escape")
    expect(page.locator("#pwl-page")).to_have_js_property("inert", False)


def test_a_new_popup_replaces_the_open_one(open_app):
    def app():
        popup("First", "one")
        popup("Second", "two")

    page = open_app(app)
    expect(page.get_by_role("dialog", name="Second")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(1)


@pytest.mark.parametrize("size,width", [("small", 380), ("normal", 560), ("large", 900)])
def test_popup_sizes(open_app, size, width):
    def app():
        popup(f"{size} popup", "content", size=size)

    page = open_app(app)
    page.set_viewport_size({"width": 1200, "height": 800})
    dialog = page.get_by_role("dialog", name=f"{size} popup")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("el => el.offsetWidth") == width


def test_toast(open_app):
    def app():
        toast("Saved!")   # 2 seconds
        put_text("app done")

    page = open_app(app)
    note = page.get_by_role("status").filter(has_text="Saved!")
    expect(note).to_be_visible()
    expect(note).to_have_css("background-color", "rgb(21, 101, 192)")   # color="info"
    expect(note).to_be_hidden()                                           # after its duration


def test_sticky_toast_has_a_close_button(open_app):
    def app():
        toast("Sticky", duration=0, color="error")
        hold()

    page = open_app(app)
    note = page.get_by_role("status").filter(has_text="Sticky")
    expect(note).to_have_css("background-color", "rgb(229, 57, 53)")
    note.get_by_role("button", name="Close").click()
    expect(note).to_be_hidden()


def test_toast_onclick(open_app):
    def app():
        toast("Click me", duration=0, onclick=lambda: put_text("toast clicked"))

    page = open_app(app)
    page.get_by_role("status").filter(has_text="Click me").click()
    expect(page.get_by_text("toast clicked")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Click me")).to_be_hidden()


def test_toast_positions_and_colors(open_app):
    def app():
        toast("on the left", position="left", duration=0, color="#00ff00")
        toast("on the right", position="right", duration=0)
        toast("in the middle", duration=0)
        hold()

    page = open_app(app)
    page.set_viewport_size({"width": 1200, "height": 800})
    left = page.get_by_role("status").filter(has_text="on the left")
    right = page.get_by_role("status").filter(has_text="on the right")
    middle = page.get_by_role("status").filter(has_text="in the middle")
    expect(left).to_have_css("color", "rgb(17, 17, 17)")  # dark text on a light background
    expect(right).to_have_css("color", "rgb(255, 255, 255)")
    boxes = [t.bounding_box() for t in (left, middle, right)]
    column = page.locator("#pwl-page").bounding_box()
    assert boxes[0]["x"] < 100
    assert abs(boxes[1]["x"] + boxes[1]["width"] / 2 - (column["x"] + column["width"] / 2)) < 2
    assert boxes[2]["x"] + boxes[2]["width"] > 1100
    assert all(b["y"] < 100 for b in boxes)

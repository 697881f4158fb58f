"""put_progressbar / set_progressbar and put_loading."""
import asyncio
import threading

import pytest
from playwright.sync_api import expect

from pywebio_lite.output import put_buttons, put_loading, put_progressbar, put_text, set_progressbar


def test_progressbar(open_app):
    def app():
        put_progressbar("bar", 0.125)
        put_progressbar("labelled", 0.5, label="Half way")

    page = open_app(app)
    bar = page.get_by_role("progressbar").first
    expect(bar).to_have_attribute("aria-valuenow", "12.5")
    expect(bar).to_have_attribute("aria-valuemin", "0")
    expect(bar).to_have_attribute("aria-valuemax", "100")
    expect(bar.get_by_text("12.5%")).to_be_visible()
    expect(page.get_by_role("progressbar").nth(1).get_by_text("Half way")).to_be_visible()
    fill = bar.locator(".pwl-progress-fill").evaluate("el => el.style.width")
    assert fill == "12.5%"
    # PyWebIO's element id, which apps' own JavaScript and CSS select
    expect(page.locator("#webio-progressbar-labelled")).to_have_attribute("role", "progressbar")


def test_set_progressbar_updates_by_name(open_app):
    step = threading.Event()

    def app():
        put_progressbar("job", 0)
        put_buttons(["step"], onclick=lambda _: step.set())
        step.wait()
        set_progressbar("job", 0.5)
        set_progressbar("job", 0.75, label="3 of 4")

    page = open_app(app)
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(bar.get_by_text("0.0%")).to_be_visible()
    page.get_by_role("button", name="step").click()
    expect(bar).to_have_attribute("aria-valuenow", "75")
    expect(bar.get_by_text("3 of 4")).to_be_visible()


def test_auto_close_progressbar(open_app):
    def app():
        put_progressbar("closing", 0.2, auto_close=True)
        put_progressbar("staying", 0.2)
        set_progressbar("closing", 1)
        set_progressbar("staying", 1)

    page = open_app(app)
    expect(page.get_by_role("progressbar")).to_have_count(1)
    expect(page.get_by_role("progressbar").get_by_text("100.0%")).to_be_visible()


def test_put_loading(open_app):
    def app():
        put_loading()
        put_loading(shape="grow", color="success").style("width: 4rem; height: 4rem")

    page = open_app(app)
    spinners = page.get_by_role("status")
    expect(spinners).to_have_count(2)
    expect(spinners.first).to_have_text("Loading...")   # announced, but visually hidden
    expect(spinners.first).to_have_class("pwl-spinner pwl-spinner-border pwl-c-dark")
    expect(spinners.nth(1)).to_have_class("pwl-spinner pwl-spinner-grow pwl-c-success")
    expect(spinners.nth(1)).to_have_css("width", "64px")
    expect(page.get_by_text("Loading...").first).not_to_be_in_viewport()  # visually hidden


def loading_thread_app():
    done = threading.Event()
    put_buttons(["finish"], onclick=lambda _: done.set())
    with put_loading():
        put_text("working inside the spinner")
        done.wait()
    put_text("finished")


async def loading_coroutine_app():
    done = asyncio.Event()
    put_buttons(["finish"], onclick=lambda _: done.set())
    with put_loading(color="primary"):
        put_text("working inside the spinner")
        await done.wait()
    put_text("finished")


@pytest.mark.parametrize("app", [loading_thread_app, loading_coroutine_app], ids=["thread", "coroutine"])
def test_put_loading_context_manager_removes_its_content(open_app, app):
    page = open_app(app)
    spinner = page.get_by_role("status").filter(has_text="Loading...")
    expect(spinner).to_be_visible()
    expect(page.get_by_text("working inside the spinner")).to_be_visible()
    page.get_by_role("button", name="finish").click()
    expect(page.get_by_text("finished")).to_be_visible()
    expect(spinner).to_have_count(0)
    expect(page.get_by_text("working inside the spinner")).to_have_count(0)

"""Reconnect with replay, in Chromium behind a proxy that cuts the connection on command.

Nothing sent either way during a drop is lost or applied twice; a page that comes back too late
says the session ended and offers a reload; closing the tab still ends the session at once.
"""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from pywebio_lite.input import input as ask
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.session import defer_call, hold
from pywebio_lite.testing_proxy import FlakyProxy


@pytest.fixture
def via_proxy(serve):
    """Serve `app` and put a FlakyProxy in front of it: returns (proxy, url through the proxy)."""
    proxies = []

    def start(app, **options):
        url = serve(app, **options)
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        proxy = FlakyProxy(("127.0.0.1", port))
        proxies.append(proxy)
        return proxy, f"http://127.0.0.1:{proxy.port}/"

    yield start
    for proxy in proxies:
        proxy.close()


def status(page):
    return page.locator("#pwl-status")


def test_a_form_submitted_during_a_drop_arrives_once(page, page_errors, via_proxy):
    answers = []

    def app():
        put_text("line 0")
        name = ask("Your name")
        answers.append(name)
        put_text(f"Hello, {name}")
        for i in range(1, 51):
            put_text(f"line {i}")

    proxy, url = via_proxy(app)
    page.goto(url)
    expect(page.get_by_text("line 0")).to_be_visible()
    proxy.refuse(True)
    proxy.cut()
    expect(status(page)).to_have_text("Reconnecting…")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()  # while the network is down
    proxy.refuse(False)
    expect(page.get_by_text("line 50")).to_be_visible()
    expect(page.get_by_text("Hello, Ada")).to_have_count(1)
    expect(status(page)).to_have_text("Session ended")  # the app ran to its end, and the page knows
    assert answers == ["Ada"]
    texts = page.locator("#pywebio-scope-ROOT p").all_inner_texts()
    assert texts == ["line 0", "Hello, Ada"] + [f"line {i}" for i in range(1, 51)]


def test_output_made_during_a_drop_arrives_in_order(page, page_errors, via_proxy, shot):
    go, made = threading.Event(), threading.Event()

    def app():
        for i in range(60):
            put_text(f"early {i}")
        go.wait()
        for i in range(200):
            put_text(f"late {i}")
        made.set()
        hold()

    proxy, url = via_proxy(app)
    page.goto(url)
    expect(page.get_by_text("early 59")).to_be_visible()
    page.evaluate("window.scrollTo(0, 400)")
    proxy.refuse(True)
    proxy.cut()
    expect(status(page)).to_have_text("Reconnecting…")
    shot(page, "reconnecting")
    go.set()
    made.wait()  # the app made every line while the page was away
    proxy.refuse(False)
    expect(page.get_by_text("late 199")).to_be_attached()
    expect(status(page)).to_be_hidden()
    texts = page.locator("#pywebio-scope-ROOT p").all_inner_texts()
    assert texts == [f"early {i}" for i in range(60)] + [f"late {i}" for i in range(200)]
    assert proxy.accepted >= 2


def test_clicks_during_a_stall_are_applied_once(page, page_errors, via_proxy):
    clicks = []

    def app():
        put_buttons(["Count"], onclick=lambda _: (clicks.append(1), put_text(f"click {len(clicks)}")))
        hold()

    proxy, url = via_proxy(app)
    page.goto(url)
    button = page.get_by_role("button", name="Count")
    button.click()
    expect(page.get_by_text("click 1")).to_be_visible()
    proxy.stall(True)  # bytes stop moving; both ends still think the connection is open
    button.click()
    button.click()
    proxy.cut()        # then it dies, with the two clicks possibly in flight
    proxy.stall(False)
    expect(page.get_by_text("click 3")).to_be_visible()
    button.click()
    expect(page.get_by_text("click 4")).to_be_visible()
    assert len(clicks) == 4


def test_a_page_back_too_late_offers_a_reload(page, page_errors, via_proxy):
    ended = threading.Event()

    def app():
        defer_call(ended.set)
        put_text("first visit")
        hold()

    proxy, url = via_proxy(app, reconnect_timeout=1)
    page.goto(url)
    expect(page.get_by_text("first visit")).to_be_visible()
    proxy.refuse(True)
    proxy.cut()
    ended.wait()  # the session closed after its reconnect window, as if the tab had closed
    proxy.refuse(False)
    expect(status(page)).to_contain_text("Session ended")
    expect(page.get_by_text("The session has ended. Reload the page to start again.")).to_be_visible()
    page.get_by_role("button", name="Reload").click()
    expect(page.get_by_text("first visit")).to_be_visible()
    expect(status(page)).to_be_hidden()


def test_closing_the_tab_ends_the_session_at_once(page, serve):
    ended = threading.Event()

    def app():
        defer_call(ended.set)
        put_text("open")
        hold()

    page.goto(serve(app, reconnect_timeout=3600))
    expect(page.get_by_text("open")).to_be_visible()
    page.close()
    ended.wait()  # well before the hour: a closed tab is not a network drop


def test_a_file_upload_cut_off_by_a_drop_is_sent_again_whole(page, page_errors, via_proxy, tmp_path):
    import hashlib

    from pywebio_lite.input import file_upload

    # 40 MiB: more than the page's high water and every socket buffer on the way can hold
    content = bytes(range(251)) * (40 * 1024 * 1024 // 251)
    got = []

    def app():
        f = file_upload("Your file")
        got.append(hashlib.sha256(f["content"]).hexdigest())  # content is an mmap over 32 MiB
        put_text(f"got {len(f['content'])} bytes, sha256 {hashlib.sha256(f['content']).hexdigest()[:16]}")

    proxy, url = via_proxy(app)
    page.goto(url)
    big = tmp_path / "big.bin"
    big.write_bytes(content)
    page.get_by_label("Your file").set_input_files(big)  # a path: the browser reads it from disk
    # the upload module first (it comes through the proxy too), so that the upload starts at once
    page.evaluate("() => import(new URL('_pywebio_lite/js/forms/upload.js', document.baseURI).href)")
    proxy.stall(True)  # what the page sends from now on piles up in its socket
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()  # uploading, waiting to drain
    proxy.cut()        # the socket dies with chunks the server never saw
    proxy.stall(False)
    expect(page.get_by_text(f"got {len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()[:16]}")).to_be_visible()
    assert got == [hashlib.sha256(content).hexdigest()]  # the app got it once, whole

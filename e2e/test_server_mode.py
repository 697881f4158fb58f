"""Server mode as the user's guide shows it: several apps on one server, the generated index,
go_app / put_link(app=), page titles from config() and docstrings, and the origin check."""
import re

from playwright.sync_api import expect

from pywebio_lite.output import put_buttons, put_link, put_text
from pywebio_lite.platform.page import config
from pywebio_lite.session import go_app


def task_1():
    put_text("This is task 1")
    put_buttons(["Go task 2"], [lambda: go_app("task_2", new_window=False)])


def task_2():
    put_text("This is task 2")
    put_buttons(["Go task 1"], [lambda: go_app("task_1", new_window=False)])


def index():
    put_link("Go task 1", app="task_1")
    put_link("Go task 2", app="task_2")


def test_apps_as_a_list_with_links_and_go_app(page, serve):
    url = serve([index, task_1, task_2])
    page.goto(url)
    page.get_by_role("link", name="Go task 1").click()
    expect(page.get_by_text("This is task 1")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?app=task_1$"))
    page.get_by_role("button", name="Go task 2").click()
    expect(page.get_by_text("This is task 2")).to_be_visible()
    page.get_by_role("button", name="Go task 1").click()
    expect(page.get_by_text("This is task 1")).to_be_visible()


def test_generated_index_lists_apps_with_their_docstrings(page, serve):
    def report():
        """Monthly report

        Numbers for the month.
        """
        put_text("the report")

    @config(title="Settings page")
    def settings():
        put_text("the settings")

    page.goto(serve({"report": report, "settings": settings}))
    expect(page).to_have_title("Applications")
    expect(page.get_by_text("Numbers for the month.")).to_be_visible()
    page.get_by_role("link", name="Settings page").click()
    expect(page.get_by_text("the settings")).to_be_visible()
    expect(page).to_have_title("Settings page")
    page.goto(serve({"report": report}) + "?app=report")
    expect(page).to_have_title("Monthly report")
    expect(page.locator('meta[name="description"]')).to_have_attribute("content", "Numbers for the month.")


def test_unknown_app_falls_back_to_index(page, serve):
    page.goto(serve({"index": index, "task_1": task_1}) + "?app=does-not-exist")
    expect(page.get_by_role("link", name="Go task 1")).to_be_visible()


def _try_socket(page, url):
    """Open a WebSocket from the page; 'open' or 'refused'."""
    return page.evaluate("""url => new Promise(resolve => {
        const ws = new WebSocket(url);
        ws.onopen = () => { ws.close(); resolve('open'); };
        ws.onerror = () => resolve('refused');
    })""", url)


def test_cross_origin_websocket_is_refused_unless_allowed(page, serve):
    url = serve(task_1)  # http://127.0.0.1:PORT/
    port = url.rsplit(":", 1)[1].strip("/")
    page.goto(url)
    expect(page.get_by_text("This is task 1")).to_be_visible()
    # The page's origin is http://127.0.0.1:PORT; a socket to localhost:PORT is another host.
    assert _try_socket(page, f"ws://localhost:{port}/?app=index&session=NEW") == "refused"
    assert _try_socket(page, f"ws://127.0.0.1:{port}/?app=index&session=NEW") == "open"

    allowed = serve(task_1, allowed_origins=["http://127.0.0.1:*"])
    other_port = allowed.rsplit(":", 1)[1].strip("/")
    assert _try_socket(page, f"ws://localhost:{other_port}/?app=index&session=NEW") == "open"

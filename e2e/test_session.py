"""set_env, run_js/eval_js, the end of a session, lost connections, config() and themes."""
import asyncio

import pytest
from playwright.sync_api import expect

from pywebio_lite.output import put_buttons, put_scope, put_text
from pywebio_lite.platform import config
from pywebio_lite.platform.server import make_server
from pywebio_lite.session import eval_js, hold, run_js, set_env


def test_set_env_title(open_app):
    def app():
        set_env(title="A new title")
        put_text("titled")

    page = open_app(app)
    expect(page).to_have_title("A new title")


def test_set_env_output_max_width(open_app):
    def app():
        set_env(output_max_width="500px")
        put_text("narrow column")

    page = open_app(app)
    page.set_viewport_size({"width": 1200, "height": 800})
    expect(page.locator("#pwl-page")).to_have_css("max-width", "500px")


def test_output_animation(open_app):
    def app():
        put_text("animated")
        set_env(output_animation=False)
        put_text("not animated")

    page = open_app(app)
    expect(page.get_by_text("animated", exact=True)).to_contain_class("pwl-enter")
    expect(page.get_by_text("not animated")).not_to_contain_class("pwl-enter")


def test_auto_scroll_bottom_follows_root_only(open_app):
    def app():
        set_env(auto_scroll_bottom=True)
        put_scope("side")
        put_buttons(["to a scope", "to ROOT"], onclick=[
            lambda: put_text("into the side scope", scope="side"),
            lambda: put_text("into ROOT"),
        ])
        for i in range(100):
            put_text(f"line {i}")

    page = open_app(app)
    expect(page.get_by_text("line 99")).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("button", name="to a scope").dispatch_event("click")  # a click that does not scroll
    expect(page.get_by_text("into the side scope")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    page.get_by_role("button", name="to ROOT").dispatch_event("click")
    expect(page.get_by_text("into ROOT")).to_be_in_viewport()


def test_auto_scroll_off_by_default(open_app):
    def app():
        for i in range(200):
            put_text(f"line {i}")

    page = open_app(app)
    expect(page.get_by_text("line 199")).to_be_attached()
    expect(page.get_by_text("line 199")).not_to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0


def test_run_js_with_arguments(open_app):
    def app():
        run_js("document.title = prefix + ' ' + data.n; window.sum = data.list.reduce((a, b) => a + b)",
               prefix="Run", data={"n": 1, "list": [1, 2, 3]})

    page = open_app(app)
    expect(page).to_have_title("Run 1")
    assert page.evaluate("window.sum") == 6


def eval_thread_app():
    put_text(f"sum {eval_js('a + b', a=1, b=2)}")
    put_text(f"awaited {eval_js('new Promise(r => setTimeout(() => r(x * 2), 10))', x=21)}")
    put_text(f"undefined {eval_js('undefined')}")
    put_text(f"error {eval_js('no_such_name.x')}")
    put_text(f"object {eval_js('({a: [1, 2], b: null})')}")
    put_text(f"statements {eval_js('var t = 5; t * 2')}")


async def eval_coroutine_app():
    put_text(f"sum {await eval_js('a + b', a=1, b=2)}")
    put_text(f"awaited {await eval_js('new Promise(r => setTimeout(() => r(x * 2), 10))', x=21)}")
    put_text(f"undefined {await eval_js('undefined')}")
    put_text(f"error {await eval_js('no_such_name.x')}")
    put_text(f"object {await eval_js('({a: [1, 2], b: null})')}")
    results = await asyncio.gather(eval_js("Promise.resolve(2)"), asyncio.sleep(0, 1))
    put_text(f"statements {await eval_js('var t = 5; t * 2')} {results}")  # noqa


@pytest.mark.parametrize("app", [eval_thread_app, eval_coroutine_app], ids=["thread", "coroutine"])
def test_eval_js(open_app, app):
    page = open_app(app)
    expect(page.get_by_text("statements 10")).to_be_visible()
    expect(page.locator(".pwl-text")).to_have_text([
        "sum 3", "awaited 42", "undefined None", "error None", "object {'a': [1, 2], 'b': None}",
        "statements 10" + (" [2, 1]" if app is eval_coroutine_app else "")])


def test_session_end_is_shown(open_app):
    def app():
        put_text("the app ran and returned")

    page = open_app(app)
    expect(page.get_by_text("Session ended")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-session", "closed")
    assert "94a3b8" in page.locator("#pwl-favicon").get_attribute("href")  # a grey favicon


def test_no_events_after_the_session_ended(open_app, page):
    page.add_init_script("""{
        const send = WebSocket.prototype.send;
        window.framesSent = [];
        WebSocket.prototype.send = function (data) { window.framesSent.push(data); return send.call(this, data); };
    }""")

    def app():
        put_text("click me").onclick(lambda: None)  # a callback: the session would stay open...
        from pywebio_lite.session import get_current_session
        get_current_session().close(from_app=True)   # ...but the app ends it

    open_app(app)
    expect(page.get_by_text("Session ended")).to_be_visible()
    page.get_by_role("button", name="click me").click()
    page.get_by_role("button", name="click me").press("Enter")
    assert page.evaluate("window.framesSent") == []


def test_events_are_batched_per_tick(open_app, page):
    page.add_init_script("""{
        const send = WebSocket.prototype.send;
        window.framesSent = [];
        WebSocket.prototype.send = function (data) { window.framesSent.push(JSON.parse(data)); return send.call(this, data); };
    }""")

    def app():
        put_text("two callbacks").onclick(lambda: put_text("first")).onclick(lambda: put_text("second"))

    open_app(app)
    page.get_by_role("button", name="two callbacks").click()
    expect(page.get_by_text("second")).to_be_visible()
    frames = [f for f in page.evaluate("window.framesSent") if "events" in f]  # not the bare {ack} frames
    assert len(frames) == 1 and frames[0]["seq"] == 1 and frames[0]["ack"] >= 1
    assert [e["event"] for e in frames[0]["events"]] == ["callback", "callback"]


def test_lost_connection_shows_a_toast(page, page_errors):
    def app():
        put_text("connected")
        hold()

    server = make_server(app, host="127.0.0.1", port=0)
    host, port = server.start_in_thread()
    try:
        page.goto(f"http://{host}:{port}/")
        expect(page.get_by_text("connected")).to_be_visible()
    finally:
        server.stop_thread()
    expect(page.get_by_role("status").filter(has_text="Disconnected from the server, please refresh the page")).to_be_visible()
    expect(page.get_by_text("Disconnected", exact=True)).to_be_visible()


def test_config_js_css_and_title(open_app, tmp_path):
    (tmp_path / "one.js").write_text("window.order = (window.order || []).concat('file');")
    (tmp_path / "extra.css").write_text(".pwl-text { letter-spacing: 3px; }")

    @config(title="Configured title", description="What it does", js_file="/static/one.js",
            js_code="window.order = (window.order || []).concat(window.pywebio_lite ? 'code-after-client' : 'too-early')",
            css_style=".pwl-text { text-transform: uppercase; }", css_file="/static/extra.css")
    def app():
        put_text("styled by config")

    page = open_app(app, static_dir=str(tmp_path))
    expect(page).to_have_title("Configured title")
    expect(page.locator('meta[name="description"]')).to_have_attribute("content", "What it does")
    expect(page.get_by_text("styled by config")).to_have_css("text-transform", "uppercase")
    expect(page.get_by_text("styled by config")).to_have_css("letter-spacing", "3px")
    page.wait_for_function("window.order && window.order.length === 2")
    assert page.evaluate("window.order") == ["file", "code-after-client"]


def test_config_theme_dark(open_app):
    @config(theme="dark")
    def app():
        put_text("dark page")

    page = open_app(app)
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("body")).to_have_css("background-color", "rgb(17, 19, 24)")


def test_auto_theme_follows_the_color_scheme(open_app):
    def app():
        put_text("follows the system")

    page = open_app(app)
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    page.emulate_media(color_scheme="light")
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("body")).to_have_css("background-color", "rgb(17, 19, 24)")
    expect(page.get_by_text("follows the system")).to_have_css("color", "rgb(227, 230, 234)")


def test_config_theme_light_overrides_a_dark_system(open_app):
    @config(theme="light")
    def app():
        put_text("always light")

    page = open_app(app)
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")


def test_extension_points_for_other_modules(open_app):
    """Other modules (the forms code, app scripts) add commands and output types by name."""
    @config(js_code="""
        pywebio_lite.registerCommand('greet', (spec) => { document.title = 'Hello ' + spec.name; });
        pywebio_lite.registerRenderer('badge', (spec) => {
            const el = document.createElement('span');
            el.className = 'badge';
            el.textContent = spec.label;
            return el;
        });""")
    def app():
        from pywebio_lite.io_ctrl import Output
        from pywebio_lite.session import get_current_session
        put_buttons(["go"], onclick=lambda _: (
            get_current_session().send_task_command("greet", {"name": "Ada"}),
            Output({"type": "badge", "label": "new", "scope": "ROOT"}).show()))

    page = open_app(app)
    page.get_by_role("button", name="go").click()
    expect(page).to_have_title("Hello Ada")
    expect(page.locator("span.badge")).to_have_text("new")

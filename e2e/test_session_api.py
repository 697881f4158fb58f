"""The session API as a page sees it: run_js, eval_js, download, local, info, go_app, set_env, hold,
in thread and coroutine apps, alongside forms."""
import asyncio
import re

from playwright.sync_api import expect

from pywebio_lite.input import input
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.session import download, eval_js, go_app, hold, info, local, run_js, set_env

PIXEL_7 = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/124.0.0.0 Mobile Safari/537.36")


class TestRunJs:
    def test_run_js_with_arguments(self, open_app, app_kind):
        def body():
            run_js("document.title = `${greeting}, ${who.name} (${who.tags.join('+')})`",
                   greeting="Hello", who={"name": "Ada", "tags": ["math", "poetry"]})
            run_js("document.getElementById('input-container').dataset.touched = String(n * 2)", n=21)
            name = yield input("Name")
            put_text(f"name={name}")

        page = open_app(app_kind(body))
        expect(page).to_have_title("Hello, Ada (math+poetry)")
        expect(page.locator("#input-container")).to_have_attribute("data-touched", "42")
        page.get_by_label("Name").fill("x")
        page.keyboard.press("Enter")
        expect(page.get_by_text("name=x")).to_be_visible()

    def test_eval_js_values_promises_and_errors(self, open_app, app_kind):
        def body():
            results = [
                (yield eval_js("a + b", a=40, b=2)),
                (yield eval_js("({list: [1, 'two'], ok: true})")),
                (yield eval_js("new Promise(resolve => setTimeout(() => resolve(location.protocol), 10))")),
                (yield eval_js("Promise.reject(new Error('no'))")),
                (yield eval_js("undefinedVariable.property")),
                (yield eval_js("undefined")),
                (yield eval_js("document.querySelector('#input-container') !== null")),
            ]
            put_text(repr(results))

        page = open_app(app_kind(body))
        expect(page.get_by_text("[42, {'list': [1, 'two'], 'ok': True}, 'http:', None, None, None, True]")).to_be_visible()

    def test_eval_js_while_a_form_is_open(self, open_app):
        async def width(_):
            put_text(f"inner width {await eval_js('window.innerWidth')}")

        async def app():
            put_buttons(["Measure"], onclick=width)
            put_text("name=" + await input("Name"))

        page = open_app(app)
        page.get_by_label("Name").fill("still here")
        page.get_by_role("button", name="Measure").click()
        expect(page.get_by_text("inner width 1280")).to_be_visible()
        expect(page.get_by_label("Name")).to_have_value("still here")
        page.get_by_label("Name").press("Enter")
        expect(page.get_by_text("name=still here")).to_be_visible()


class TestDownload:
    def test_download_saves_the_bytes(self, open_app, app_kind, tmp_path):
        payload = bytes(range(256)) * 40

        def body():
            put_buttons(["Get the report"], onclick=lambda _: download("report 2024.bin", payload))
            yield None

        page = open_app(app_kind(body))
        with page.expect_download() as info_:
            page.get_by_role("button", name="Get the report").click()
        saved = tmp_path / "saved.bin"
        info_.value.save_as(saved)
        assert info_.value.suggested_filename == "report 2024.bin"
        assert saved.read_bytes() == payload

    def test_download_after_a_form(self, open_app, tmp_path):
        def app():
            name = input("File name")
            download(f"{name}.txt", f"hello {name}".encode())

        page = open_app(app)
        page.get_by_label("File name").fill("greeting")
        with page.expect_download() as info_:
            page.keyboard.press("Enter")
        assert info_.value.suggested_filename == "greeting.txt"
        saved = tmp_path / "g.txt"
        info_.value.save_as(saved)
        assert saved.read_text() == "hello greeting"


class TestLocalAndInfo:
    def test_local_keeps_values_across_callbacks(self, open_app, app_kind):
        def body():
            local.count = 0

            def click(_):
                local.count += 1
                put_text(f"count={local.count} missing={local.missing!r} keys={sorted(local)}")

            put_buttons(["Count"], onclick=click)
            yield None

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Count").click()
        expect(page.get_by_text("count=1 missing=None keys=['count']")).to_be_visible()
        page.get_by_role("button", name="Count").click()
        expect(page.get_by_text("count=2")).to_be_visible()

    def test_info_of_a_phone_browser(self, browser, serve):
        def app():
            ua = info.user_agent
            put_text(f"{ua.browser.family} {ua.browser.version[0]} on {ua.os.family} {ua.os.version_string}, "
                     f"{ua.device.family}; mobile={ua.is_mobile} pc={ua.is_pc} touch={ua.is_touch_capable}")
            put_text(f"language={info.user_language} protocol={info.protocol} ip={info.user_ip}")
            put_text(f"host ok={info.server_host.startswith('127.0.0.1:')} origin ok={info.origin.startswith('http://')}")

        context = browser.new_context(user_agent=PIXEL_7, locale="fr-FR")
        page = context.new_page()
        page.goto(serve(app))
        expect(page.get_by_text("Chrome Mobile 124 on Android 14, Pixel 7; mobile=True pc=False touch=True")).to_be_visible()
        expect(page.get_by_text("language=fr-FR protocol=websocket ip=127.0.0.1")).to_be_visible()
        expect(page.get_by_text("host ok=True origin ok=True")).to_be_visible()
        context.close()


class TestGoApp:
    def test_go_app_in_the_same_window(self, open_app, page):
        def index():
            put_buttons(["Open the shop"], onclick=lambda _: go_app("shop", new_window=False))

        def shop():
            put_text("Welcome to the shop")

        open_app({"index": index, "shop": shop})
        page.get_by_role("button", name="Open the shop").click()
        expect(page.get_by_text("Welcome to the shop")).to_be_visible()
        expect(page).to_have_url(re.compile(r"\?app=shop$"))

    def test_go_app_in_a_new_window(self, open_app, page):
        def index():
            put_buttons(["Help"], onclick=lambda _: go_app("help"))

        def help_app():
            put_text("How to use this")

        open_app({"index": index, "help": help_app})
        with page.context.expect_page() as new:
            page.get_by_role("button", name="Help").click()
        expect(new.value.get_by_text("How to use this")).to_be_visible()
        expect(page.get_by_role("button", name="Help")).to_be_visible()  # the first page stays


class TestSetEnvAndHold:
    def test_set_env_title_and_input_panel(self, open_app, app_kind, page):
        def body():
            set_env(title="Survey", input_panel_fixed=False, input_auto_focus=False)
            for i in range(60):
                put_text(f"line {i}")
            answer = yield input("Your answer")
            put_text(f"answer={answer}")

        page.set_viewport_size({"width": 800, "height": 600})
        open_app(app_kind(body))
        expect(page).to_have_title("Survey")
        field = page.get_by_label("Your answer")
        expect(field).to_be_attached()
        expect(field).not_to_be_focused()
        expect(field).not_to_be_in_viewport()  # inline after the output, not pinned to the window
        field.fill("yes")
        field.press("Enter")
        expect(page.get_by_text("answer=yes")).to_be_visible()

    def test_set_env_while_a_form_is_open(self, open_app, page):
        async def pin_it(_):
            set_env(input_panel_fixed=True)

        async def app():
            set_env(input_panel_fixed=False)
            put_buttons(["Keep the form in view"], onclick=pin_it)
            for i in range(60):
                put_text(f"line {i}")
            await input("Question")

        page.set_viewport_size({"width": 800, "height": 600})
        open_app(app)
        expect(page.locator("#input-container")).to_have_css("position", "static")
        page.get_by_role("button", name="Keep the form in view").click()
        expect(page.locator("#input-container")).to_have_css("position", "sticky")
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.get_by_label("Question")).to_be_in_viewport()

    def test_hold_keeps_callbacks_alive(self, open_app, app_kind):
        def body():
            put_buttons(["Ping"], onclick=lambda _: put_text("pong"))
            yield hold()

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Ping").click()
        page.get_by_role("button", name="Ping").click()
        expect(page.get_by_text("pong")).to_have_count(2)
        expect(page.get_by_text("Session ended")).to_be_hidden()

    def test_coroutine_app_awaits_asyncio_between_inputs(self, open_app):
        async def app():
            first = await input("First")
            await asyncio.sleep(0.01)
            second = await input("Second")
            put_text(f"{first}+{second}")

        page = open_app(app)
        page.get_by_label("First").fill("a")
        page.keyboard.press("Enter")
        page.get_by_label("Second").fill("b")
        page.keyboard.press("Enter")
        expect(page.get_by_text("a+b")).to_be_visible()

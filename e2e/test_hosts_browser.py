"""pywebio_lite apps embedded in Tornado and aiohttp host apps, in Chromium: each host serves a
route of its own, and the app sits beside it (Tornado: the user's guide's exact route ``/tool``;
aiohttp: ``/tool`` with `static_routes()`, PyWebIO's way), or under a mount (``/apps/``).
Forms, output, callbacks, uploads, thread and coroutine apps, cdn=False, a foreign origin and a
dropped connection, each under both hosts."""
from __future__ import annotations

import contextlib
import hashlib
import pathlib
import sys

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from host_helpers import aiohttp_host, tornado_host  # noqa: E402

from pywebio_lite.input import file_upload  # noqa: E402
from pywebio_lite.input import input as ask  # noqa: E402
from pywebio_lite.output import put_buttons, put_text  # noqa: E402
from pywebio_lite.session import info as session_info  # noqa: E402
from pywebio_lite.testing_proxy import FlakyProxy  # noqa: E402


def tornado_routes(app, mount: bool, **options):
    import tornado.web
    from pywebio_lite.platform.tornado import webio_handler

    class MainHandler(tornado.web.RequestHandler):
        def get(self):
            self.write("<!doctype html><title>Host</title><h1>The host's own page</h1>")

    if mount:
        return [[(r"/", MainHandler), (r"/apps/?(.*)", webio_handler(app, **options))]], "/apps/"
    return [[(r"/", MainHandler), (r"/tool", webio_handler(app, **options))]], "/tool"


def aiohttp_routes(app, mount: bool, **options):
    from aiohttp import web
    from pywebio_lite.platform.aiohttp import static_routes, webio_handler

    async def home(request):
        return web.Response(text="<!doctype html><title>Host</title><h1>The host's own page</h1>",
                            content_type="text/html")

    if mount:
        return [[web.get("/", home), web.get("/apps{tail:.*}", webio_handler(app, **options))]], "/apps/"
    return [[web.get("/", home), web.get("/tool", webio_handler(app, **options))], static_routes()], "/tool"


HOSTS = {"tornado": (tornado_host, tornado_routes), "aiohttp": (aiohttp_host, aiohttp_routes)}


@pytest.fixture(params=sorted(HOSTS))
def host_kind(request):
    return request.param


@pytest.fixture
def hosted(host_kind):
    """hosted(app, mount=False, **webio_handler options) -> (host base URL, the app page's URL).

    Tests name it before `page`, so the page (and its socket) closes before the host stops."""
    start, routes_for = HOSTS[host_kind]
    with contextlib.ExitStack() as stack:
        def make(app, mount: bool = False, **options):
            routes, path = routes_for(app, mount, **options)
            base = stack.enter_context(start(*routes))
            return base, base + path
        yield make


def test_a_form_output_and_a_button_callback(hosted, page, page_errors, host_kind, app_kind, shot):
    def body():
        name = yield ask("Your name")
        put_text(f"Hello, {name}! (backend: {session_info.backend})")
        put_buttons(["Wave"], onclick=lambda _: put_text(f"{name} waves"))

    base, url = hosted(app_kind(body))
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="The host's own page")).to_be_visible()
    page.goto(url)
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text(f"Hello, Ada! (backend: {host_kind})")).to_be_visible()
    page.get_by_role("button", name="Wave").click()
    expect(page.get_by_text("Ada waves")).to_be_visible()
    shot(page, f"host-{host_kind}-form")


def test_a_file_upload_arrives_intact(hosted, page, page_errors, tmp_path):
    content = bytes(range(256)) * 800  # 200 KiB: several chunks

    def app():
        f = file_upload("Pick a file")
        put_text(f"{f['filename']} {len(f['content'])} bytes sha={hashlib.sha256(f['content']).hexdigest()[:16]}")

    path = tmp_path / "data.bin"
    path.write_bytes(content)
    _, url = hosted(app)
    page.goto(url)
    page.get_by_label("Pick a file").set_input_files(path)
    page.get_by_role("button", name="Submit").click()
    digest = hashlib.sha256(content).hexdigest()[:16]
    expect(page.get_by_text(f"data.bin {len(content)} bytes sha={digest}")).to_be_visible()


def test_a_mount_with_cdn_false_serves_its_own_frontend(hosted, page, page_errors, host_kind, shot):
    def app():
        put_text("mounted")
        put_text(ask("Colour", placeholder="blue"))

    base, url = hosted(app, mount=True, cdn=False)
    page.goto(url[:-1])  # /apps: the page's relative URLs need /apps/, so the host redirects there
    expect(page).to_have_url(url)
    expect(page.get_by_text("mounted")).to_be_visible()
    page.get_by_label("Colour").fill("green")
    page.keyboard.press("Enter")
    expect(page.get_by_text("green")).to_be_visible()
    shot(page, f"host-{host_kind}-mount")


def test_a_page_from_another_origin_cannot_open_the_socket(hosted, page, page_errors):
    ran = []

    def app():
        ran.append(True)
        put_text("should not run")

    _, url = hosted(app)
    other, _ = hosted(lambda: None)  # another host on another port: another origin
    page.goto(other + "/")
    outcome = page.evaluate("""url => new Promise(done => {
        const ws = new WebSocket(url.replace('http', 'ws') + '?app=index&session=NEW');
        ws.onopen = () => done('open');
        ws.onerror = () => done('refused');
    })""", url)
    assert outcome == "refused" and ran == []


def test_a_dropped_connection_resumes_with_nothing_lost(hosted, page, page_errors):
    def app():
        put_text("before the drop")
        name = ask("Your name")
        put_text(f"after the drop: {name}")

    base, url = hosted(app, reconnect_timeout=30)
    port = int(base.rsplit(":", 1)[1])
    with contextlib.closing(FlakyProxy(("127.0.0.1", port))) as proxy:
        page.goto(url.replace(f":{port}", f":{proxy.port}"))
        expect(page.get_by_text("before the drop")).to_be_visible()
        expect(page.get_by_label("Your name")).to_be_visible()  # the form has arrived, then the drop
        proxy.refuse(True)
        proxy.cut()
        expect(page.locator("#pwl-status")).to_have_text("Reconnecting…")
        page.get_by_label("Your name").fill("Ada")
        page.get_by_role("button", name="Submit").click()  # while the network is down
        proxy.refuse(False)
        expect(page.get_by_text("after the drop: Ada")).to_have_count(1)
        expect(page.get_by_text("before the drop")).to_have_count(1)


@pytest.mark.parametrize("example", ["embed_tornado", "embed_aiohttp"])
def test_the_embedding_examples_work_as_a_person_uses_them(example, page, page_errors, shot):
    """examples/embed_*.py: the host's page links to the app; the app asks, answers, explains."""
    import importlib.util
    path = pathlib.Path(__file__).resolve().parent.parent / "examples" / f"{example}.py"
    spec = importlib.util.spec_from_file_location(example, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start = tornado_host if example == "embed_tornado" else aiohttp_host
    with start(module.routes()) as base:
        page.goto(base + "/")
        page.get_by_role("link", name="BMI calculator").click()
        expect(page).to_have_title("BMI calculator")
        page.get_by_label("Your height (cm)").fill("180")
        page.get_by_role("button", name="Submit").click()
        page.get_by_label("Your weight (kg)").fill("81")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Your BMI: 25.0")).to_be_visible()
        page.get_by_role("button", name="What does it mean?").click()
        expect(page.get_by_text("18.5 to 25: normal", exact=False)).to_be_visible()
        shot(page, f"host-{example}")
        page.close()  # the page's socket closes before the host stops


def test_aiohttp_exact_route_as_pywebio_users_write_it(page, page_errors):
    """``web.get('/tool', webio_handler(main))`` and nothing else (no static_routes, default cdn):
    the page gets its files through /tool itself and works."""
    from aiohttp import web
    from pywebio_lite.platform.aiohttp import webio_handler

    def app():
        name = ask("Your name")
        put_text(f"Hello, {name}, from a bare exact route")

    with aiohttp_host([web.get("/tool", webio_handler(app))]) as base:
        page.goto(base + "/tool")
        page.get_by_label("Your name").fill("Ada")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Hello, Ada, from a bare exact route")).to_be_visible()
        page.close()  # before the host stops

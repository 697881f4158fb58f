"""The ASGI adapters in Chromium: a pywebio_lite app mounted at /tool in a Starlette or FastAPI
host (next to the host's own page), served by uvicorn or hypercorn.

Each adapter (the pure `asgi.asgi_app`, `fastapi.asgi_app`, `fastapi.webio_routes`) runs an
input form, output and a button callback as a thread app and as a coroutine app, a file upload,
cdn=False; a page from a foreign origin cannot open a session; a dropped socket is resumed.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from asgi_servers import running  # noqa: E402  (tests/asgi_servers.py, shared with the host tests)

from pywebio_lite.input import file_upload, input  # noqa: E402
from pywebio_lite.output import put_buttons, put_text  # noqa: E402
from pywebio_lite.platform import asgi, fastapi as webio_fastapi  # noqa: E402
from pywebio_lite.session import info  # noqa: E402
from pywebio_lite.testing_proxy import FlakyProxy  # noqa: E402


async def host_home(request: Request):
    return HTMLResponse("<!doctype html><title>Host</title><h1>The host's own page</h1>")


def in_starlette(tool):
    return Starlette(routes=[Route("/", host_home), Mount("/tool", app=tool)])


def in_fastapi(tool):
    app = FastAPI()
    app.add_api_route("/", host_home, response_class=HTMLResponse)
    app.mount("/tool", tool)
    return app


#: adapter name -> (host app for an app and options, ASGI server)
ADAPTERS = {
    "asgi-uvicorn": (lambda app, **kw: in_starlette(asgi.asgi_app(app, **kw)), "uvicorn"),
    "fastapi-uvicorn": (lambda app, **kw: in_fastapi(webio_fastapi.asgi_app(app, **kw)), "uvicorn"),
    "webio_routes-hypercorn": (lambda app, **kw: Starlette(routes=[
        Route("/", host_home), Mount("/tool", routes=webio_fastapi.webio_routes(app, **kw))]), "hypercorn"),
}


@pytest.fixture(params=list(ADAPTERS))
def adapter(request):
    return request.param


@pytest.fixture
def serve_host(adapter):
    """serve_host(app, **options) -> the host's base URL ("http://127.0.0.1:PORT"), app at /tool/."""
    servers = []

    def start(app, **options) -> str:
        make, server = ADAPTERS[adapter]
        context = running(make(app, **options), server)
        servers.append(context)
        return context.__enter__()

    yield start
    for context in reversed(servers):
        context.__exit__(None, None, None)


@pytest.fixture
def open_tool(page, page_errors, serve_host):
    def go(app, **options):
        base = serve_host(app, **options)
        page.goto(base + "/tool")  # without the slash: the host redirects to /tool/
        return page
    return go


def test_form_output_and_a_button_callback(open_tool, app_kind, adapter, shot):
    def body():
        name = yield input("What's your name?")
        put_text(f"Hello, {name}! ({info.backend} over {info.protocol})")
        put_buttons(["Wave"], onclick=lambda _: put_text(f"{name} waves back"))

    page = open_tool(app_kind(body))
    expect(page).to_have_url(re.compile(r"/tool/$"))
    page.get_by_label("What's your name?").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    backend = "asgi" if adapter.startswith("asgi") else "starlette"
    expect(page.get_by_text(f"Hello, Ada! ({backend} over websocket)")).to_be_visible()
    page.get_by_role("button", name="Wave").click()
    expect(page.get_by_text("Ada waves back")).to_be_visible()
    shot(page, f"asgi-{adapter}")


def test_a_file_upload(open_tool, tmp_path):
    content = bytes(range(256)) * 4000  # 1 MB: several chunks
    path = tmp_path / "data.bin"
    path.write_bytes(content)

    def app():
        f = file_upload("Pick a file")
        put_text(f"{f['filename']}: {len(f['content'])} bytes, sha {hashlib.sha256(f['content']).hexdigest()[:12]}")

    page = open_tool(app)
    page.get_by_label("Pick a file").set_input_files(path)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text(f"data.bin: {len(content)} bytes, sha {hashlib.sha256(content).hexdigest()[:12]}")
           ).to_be_visible()


def test_cdn_false_serves_the_frontend_itself(open_tool):
    page = open_tool(lambda: put_text("no CDN needed"), cdn=False)
    expect(page.get_by_text("no CDN needed")).to_be_visible()


def test_the_hosts_own_page_is_still_its_own(page, serve_host):
    base = serve_host(lambda: put_text("tool"))
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="The host's own page")).to_be_visible()


def test_a_page_from_a_foreign_origin_cannot_open_a_session(page, serve_host):
    started = []

    def app():
        started.append(True)
        put_text("should not run")

    base = serve_host(app)
    socket_url = base.replace("http://", "ws://") + "/tool/?app=index&session=NEW"
    # A page of another site that tries to open the app's socket (the browser sends its Origin).
    page.route("http://foreign.example/", lambda route: route.fulfill(content_type="text/html", body=f"""
        <!doctype html><title>Foreign</title><p id="state">connecting</p><script>
        const ws = new WebSocket({socket_url!r});
        const state = document.getElementById('state');
        ws.onopen = () => {{ state.textContent = 'connected'; }};
        ws.onclose = () => {{ if (state.textContent === 'connecting') state.textContent = 'refused'; }};
        </script>"""))
    page.goto("http://foreign.example/")
    expect(page.get_by_text("refused")).to_be_visible()
    assert started == []


def test_a_dropped_socket_is_resumed(page, page_errors, serve_host):
    def app():
        name = input("Your name")
        put_text(f"Hello, {name}")

    base = serve_host(app, reconnect_timeout=10)
    port = int(base.rsplit(":", 1)[1])
    with FlakyProxy(("127.0.0.1", port)) as proxy:
        page.goto(f"http://127.0.0.1:{proxy.port}/tool/")
        field = page.get_by_label("Your name")
        expect(field).to_be_visible()
        proxy.refuse(True)
        proxy.cut()
        expect(page.locator("#pwl-status")).to_have_text("Reconnecting…")
        field.fill("Ada")
        page.get_by_role("button", name="Submit").click()  # while the network is down
        proxy.refuse(False)
        expect(page.get_by_text("Hello, Ada")).to_be_visible()
        expect(page.get_by_text("Hello, Ada")).to_have_count(1)

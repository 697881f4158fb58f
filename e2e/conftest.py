"""Browser tests: apps on the real server (in a background thread), driven by Debian's Chromium.

Fixtures:
    serve(applications, **start_server_options) -> base URL of a fresh server (stopped after the test)
    serve_server(server) -> base URL of any configured Server (e.g. path_deploy's), stopped likewise
    open_app(app, query="", **options) -> the Playwright page showing `app`; JavaScript errors on
        the page fail the test.
    shot(page, name) -> saves e2e/screenshots/<name>.png (for people to look at; gitignored)

See /work/shared/recipes/browser-tests.md for the Chromium setup.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from pywebio_lite.platform.server import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_configure(config):
    # pytest-playwright's own base_url fixture triggers this deprecation in pytest 9; not ours.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def serve_server():
    """serve_server(server) -> base URL: runs a configured Server for the test, then stops it."""
    servers = []

    def start(server) -> str:
        host, port = server.start_in_thread()
        servers.append(server)
        return f"http://{host}:{port}/"

    yield start
    for server in servers:
        server.stop_thread()


@pytest.fixture
def serve(serve_server):
    def start(applications, **options) -> str:
        return serve_server(make_server(applications, host="127.0.0.1", port=0, **options))
    return start


@pytest.fixture
def page_errors(page: Page):
    """JavaScript errors thrown on the page during the test (the test fails if there are any)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield errors
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def open_app(page: Page, serve, page_errors):
    def go(app, query: str = "", **options) -> Page:
        page.goto(serve(app, **options) + query)
        return page
    return go


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(target, name: str, **options) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        target.screenshot(path=str(path), animations="disabled", **options)
        return path
    return take


@pytest.fixture(params=["thread", "coroutine"])
def app_kind(request):
    """Run the same app as a thread app and as a coroutine app (`async def` + await).

    The app is written once as a generator: it yields each input call and gets its value back,
    ``name = yield input("Name")``; ``app_kind(body)`` turns it into an app of either kind.
    """
    import inspect

    def thread_app(body):
        def app():
            gen, value = body(), None
            while True:
                try:
                    value = gen.send(value)  # a thread app's input() has returned the value already
                except StopIteration:
                    return
        return app

    def coroutine_app(body):
        async def app():
            gen, value = body(), None
            while True:
                try:
                    pending = gen.send(value)
                except StopIteration:
                    return
                value = await pending if inspect.isawaitable(pending) else pending
        return app

    return thread_app if request.param == "thread" else coroutine_app

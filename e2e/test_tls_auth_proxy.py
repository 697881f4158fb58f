"""HTTPS/WSS and Basic authentication in Chromium: the app works end to end behind both."""
from __future__ import annotations

import pytest
from playwright.sync_api import Error, expect

from nginx_run import Nginx

from pywebio_lite.input import input as ask
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.session import info as session_info
from pywebio_lite.testing import self_signed_certificate


def greeter():
    name = ask("Your name")
    put_text(f"Hello, {name}")
    put_text(f"served over {session_info.protocol}")
    put_buttons(["Again"], onclick=lambda _: put_text("clicked"))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def context_with(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        return page

    yield make
    for context in contexts:
        assert not [e for page in context.pages for e in page.errors], "JavaScript errors on the page"
        context.close()


def use_app(page):
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Hello, Ada")).to_be_visible()
    page.get_by_role("button", name="Again").click()
    expect(page.get_by_text("clicked")).to_be_visible()


def test_https_and_wss(serve, context_with, certificate):
    cert, key = certificate
    url = serve(greeter, certfile=cert, keyfile=key)
    assert url.startswith("http://")  # the fixture builds http URLs; the server speaks TLS only
    url = "https://" + url[len("http://"):]
    page = context_with(ignore_https_errors=True)
    page.goto(url)
    use_app(page)
    assert page.evaluate("location.protocol") == "https:"


def test_basic_auth_lets_the_right_person_in(serve, context_with):
    url = serve(greeter, auth=("ann", "correct horse"))
    page = context_with(http_credentials={"username": "ann", "password": "correct horse"})
    page.goto(url)
    use_app(page)


def test_basic_auth_refuses_wrong_credentials(serve, context_with):
    url = serve(greeter, check_auth=lambda user, password: (user, password) == ("ann", "pw"))
    page = context_with(http_credentials={"username": "ann", "password": "wrong"})
    try:
        response = page.goto(url)
    except Error:  # Chromium gives up after the credentials are refused again
        response = None
    assert response is None or response.status == 401
    expect(page.get_by_label("Your name")).to_have_count(0)


PROXY_HTTP = """
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        location /tool/ {{
            proxy_pass http://127.0.0.1:{app_port}/;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_read_timeout 1h;
            proxy_buffering off;
        }}
    }}
"""


@pytest.fixture
def nginx(tmp_path):
    """nginx on a free loopback port, proxying /tool/ to an app port; yields start(app_port) -> URL."""
    runner = Nginx(tmp_path)

    def start(app_port: int) -> str:
        listener = runner.listener()
        port = listener.getsockname()[1]
        runner.start(PROXY_HTTP.format(port=port, app_port=app_port), listener)
        return f"http://127.0.0.1:{port}/tool/"

    yield start
    runner.stop()


def test_under_a_sub_path_behind_nginx(serve, page, page_errors, nginx):
    def where():
        put_text(f"host {session_info.server_host}")
        greeter()

    app_url = serve(where, trusted_proxies=["127.0.0.1"])
    url = nginx(int(app_url.rstrip("/").rsplit(":", 1)[1]))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    use_app(page)
    host = url.split("/")[2]
    expect(page.get_by_text(f"host {host}")).to_be_visible()  # X-Forwarded-Host, believed
    assert requests and all(r.startswith(url) for r in requests if r.startswith("http")), requests

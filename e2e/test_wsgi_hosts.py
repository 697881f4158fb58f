"""pywebio_lite apps mounted in HTTP-only hosts (wsgiref with platform.wsgi, Flask, Django,
gunicorn; Tornado with tornado_http) next to the host's own routes, over HTTP long-polling, driven
in Chromium (e2e/hosts.py)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hosts import HOSTS, greet_and_wave

from pywebio_lite.input import file_upload, input as ask
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.platform.wsgi import host_loop


@pytest.fixture
def host():
    """host(kind, apps, **options) -> URL of the mounted app; the hosts stop after the test."""
    stops = []

    def start(kind, apps, **options):
        url, stop = HOSTS[kind](apps, **options)
        stops.append(stop)
        return url
    yield start
    for stop in stops:
        stop()


def responses_of(page):
    statuses = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))
    return statuses


@pytest.mark.parametrize("kind", ["wsgiref", "flask", "django", "tornado_http"])
def test_a_form_output_and_a_button(kind, host, page, page_errors, app_kind, shot):
    def body():
        put_text("Welcome")
        name = yield ask("Your name")
        put_text(f"Hello, {name}")
        put_buttons(["Wave"], onclick=lambda _: put_text("waved back"))

    url = host(kind, app_kind(body))
    statuses = responses_of(page)
    page.goto(url.rsplit("/tool", 1)[0] + "/")
    expect(page.get_by_text("the host's own page")).to_be_visible()
    page.goto(url)
    expect(page.get_by_text("Welcome")).to_be_visible()
    greet_and_wave(page, "Ann")
    shot(page, f"wsgi-{kind}-form")
    assert not [s for s in statuses if s[0] >= 400], statuses
    assert not any(u.startswith("ws") for _, u in statuses)


@pytest.mark.parametrize("kind", ["wsgiref", "flask", "django", "tornado_http"])
def test_a_file_upload(kind, host, page, page_errors, tmp_path):
    def main():
        f = file_upload("A file")
        put_text(f"{f['filename']}: {len(f['content'])} bytes, starts {f['content'][:5].decode()}")

    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello" + b"x" * 700_000)  # more than one chunk
    page.goto(host(kind, main))
    page.get_by_label("A file").set_input_files(str(path))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("notes.txt: 700005 bytes, starts hello")).to_be_visible()


@pytest.mark.parametrize("kind", ["flask", "django", "tornado_http"])
def test_cdn_false_loads_the_frontend_through_the_view(kind, host, page, page_errors):
    def main():
        put_text("offline works")
        ask("Anything")

    statuses = responses_of(page)
    page.goto(host(kind, main, cdn=False))
    expect(page.get_by_text("offline works")).to_be_visible()
    expect(page.get_by_label("Anything")).to_be_visible()
    files = [u for s, u in statuses if "_pwl_file=" in u]
    assert any("css/forms.css" in u for u in files) and all(s == 200 for s, u in statuses), statuses


@pytest.mark.parametrize("kind", ["wsgiref", "flask"])
def test_an_expired_session_says_so_and_offers_a_reload(kind, host, page, shot):
    from hosts import last_app

    def main():
        put_text("waiting")
        ask("Name")

    page.goto(host(kind, main))
    expect(page.get_by_label("Name")).to_be_visible()
    app = last_app()
    conns = list(app.sessions._by_token.values())
    assert len(conns) == 1
    host_loop().call_soon_threadsafe(conns[0]._end)  # what session_expire_seconds does to an idle page
    expect(page.get_by_text("The session has ended. Reload the page to start again.")).to_be_visible()
    reload = page.get_by_role("button", name="Reload")
    expect(reload).to_be_visible()
    shot(page, f"wsgi-{kind}-expired")
    reload.click()
    expect(page.get_by_label("Name")).to_be_visible()


def test_the_guides_coroutine_app_under_flask(page, page_errors):
    """The user's guide's example, with only the import changed (run in a subprocess as written)."""
    script = Path(__file__).parent / "guide_flask_coroutine.py"
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        port = _port_from(proc)
        page.goto(f"http://127.0.0.1:{port}/hello")
        expect(page.get_by_text("Hello ...")).to_be_visible()
        expect(page.get_by_text("... World!")).to_be_visible()
    finally:
        proc.terminate()
        proc.wait()


def _port_from(proc) -> int:
    for line in proc.stdout:
        found = re.search(r"(?:Running on|Listening at:) http://127\.0\.0\.1:(\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError("the server printed no address")


@pytest.mark.parametrize("app", ["index", "coro"])
def test_gunicorn(app, page, page_errors):
    """gunicorn (one worker process with threads: sessions live in its memory) runs a host that
    mounts platform.wsgi.wsgi_app under /tool/."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen([str(gunicorn), "-w", "1", "--threads", "8", "-b", "127.0.0.1:0",
                             "--chdir", str(Path(__file__).parent), "gunicorn_app:application"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = _port_from(proc)
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.get_by_text("the host's own page")).to_be_visible()
        page.goto(f"http://127.0.0.1:{port}/tool?app={app}")  # no slash: redirected to /tool/
        greet_and_wave(page, "Gus")
    finally:
        proc.terminate()
        proc.wait()


def test_a_form_submitted_while_the_network_is_down_arrives_once(host, page, page_errors):
    """Requests that fail are a dropped connection: the page says it is reconnecting, resumes the
    session with a new poll and sends the event again; the session applies it once."""
    answers = []

    def main():
        put_text("line 0")
        name = ask("Your name")
        answers.append(name)
        put_text(f"Hello, {name}")
        for i in range(1, 31):
            put_text(f"line {i}")

    page.goto(host("flask", main))
    expect(page.get_by_label("Your name")).to_be_visible()
    page.route("**/tool?*session=*", lambda route: route.abort())  # the network is down
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#pwl-status")).to_have_text("Reconnecting…")
    page.unroute("**/tool?*session=*")
    expect(page.get_by_text("line 30")).to_be_visible()
    expect(page.get_by_text("Hello, Ada")).to_have_count(1)
    assert answers == ["Ada"]
    texts = page.locator("#pywebio-scope-ROOT p").all_inner_texts()
    assert texts == ["line 0", "Hello, Ada"] + [f"line {i}" for i in range(1, 31)]

"""path_deploy in Chromium: a directory of app files served at their paths."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pywebio_lite.platform.path_deploy import make_path_server


def write(path: Path, code: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture
def apps(tmp_path):
    base = tmp_path / "apps"
    write(base / "hello.py", '''
        from pywebio_lite.output import put_text
        def main():
            """Say hello"""
            put_text("Hello from the top level")
    ''')
    write(base / "tools" / "greet.py", '''
        from pywebio_lite.input import input
        from pywebio_lite.output import put_text
        def main():
            """Greet someone by name"""
            name = input("Who are you?")
            put_text(f"Nice to meet you, {name}")
    ''')
    write(base / "tools" / "deeper" / "count.py", '''
        from pywebio_lite.output import put_text
        def main():
            """Count to three"""
            for i in range(1, 4):
                put_text(f"count {i}")
    ''')
    write(base / "broken.py", '''
        def main():
            """Never runs"""
        raise RuntimeError("this app file is broken")
    ''')
    write(base / "_private.py", 'def main():\n    """Private"""\n')
    outside = tmp_path / "outside"
    write(outside / "secret.py", 'from pywebio_lite.output import put_text\ndef main():\n    put_text("SECRET")\n')
    os.symlink(outside, base / "escape")
    return base


@pytest.fixture
def deploy(serve_server):
    def start(base, **options) -> str:
        return serve_server(make_path_server(base, host="127.0.0.1", port=0, **options)).rstrip("/")
    return start


def test_index_pages_lead_to_nested_apps(page, page_errors, apps, deploy, shot):
    url = deploy(apps)
    page.goto(url + "/")
    expect(page.get_by_role("heading", name="Index of /")).to_be_visible()
    nav = page.get_by_role("navigation", name="Applications and folders")
    expect(nav.get_by_role("link", name="hello")).to_be_visible()
    expect(nav.get_by_text("Say hello")).to_be_visible()
    expect(nav.get_by_role("link", name="_private")).to_have_count(0)
    shot(page, "path-deploy-index")
    nav.get_by_role("link", name="tools/").click()
    expect(page.get_by_role("heading", name="Index of /tools/")).to_be_visible()
    expect(page.get_by_text("Greet someone by name")).to_be_visible()
    page.get_by_role("link", name="deeper/").click()
    page.get_by_role("link", name="count").click()
    expect(page).to_have_url(url + "/tools/deeper/count")
    expect(page.get_by_text("count 3")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="../").click()
    page.get_by_role("link", name="greet").click()
    page.get_by_label("Who are you?").fill("Grace")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Nice to meet you, Grace")).to_be_visible()


def test_reload_reimports_the_file(page, page_errors, apps, deploy):
    app_file = write(apps / "version.py", '''
        from pywebio_lite.output import put_text
        def main():
            put_text("version 1")
    ''')
    url = deploy(apps)
    page.goto(url + "/version")
    expect(page.get_by_text("version 1")).to_be_visible()
    app_file.write_text(app_file.read_text().replace("version 1", "version 2"))
    page.goto(url + "/version")
    expect(page.get_by_text("version 1")).to_be_visible()  # cached until ?reload
    page.goto(url + "/version?reload")
    expect(page.get_by_text("version 2")).to_be_visible()


def test_debug_reloads_changed_files_by_themselves(page, page_errors, apps, deploy):
    app_file = write(apps / "live.py", '''
        from pywebio_lite.output import put_text
        def main():
            put_text("before the edit")
    ''')
    url = deploy(apps, debug=True)
    page.goto(url + "/live")
    expect(page.get_by_text("before the edit")).to_be_visible()
    app_file.write_text(app_file.read_text().replace("before the edit", "after the edit"))
    st = app_file.stat()
    os.utime(app_file, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    page.reload()
    expect(page.get_by_text("after the edit")).to_be_visible()


def test_a_broken_app_shows_its_error_and_the_others_keep_working(page, page_errors, apps, deploy, shot):
    url = deploy(apps)
    response = page.goto(url + "/broken")
    assert response.status == 500
    expect(page.get_by_role("heading", name="The app /broken could not be loaded")).to_be_visible()
    expect(page.get_by_text("this app file is broken")).to_have_count(0)  # no traceback without debug
    page.goto(url + "/hello")
    expect(page.get_by_text("Hello from the top level")).to_be_visible()


def test_with_debug_the_error_page_shows_the_traceback(page, apps, deploy, shot):
    url = deploy(apps, debug=True)
    page.goto(url + "/broken")
    expect(page.get_by_text("RuntimeError: this app file is broken")).to_be_visible()
    shot(page, "path-deploy-broken-debug")


@pytest.mark.parametrize("path, status, heading", [
    ("/_private", 403, "403 Forbidden"),
    ("/escape/secret", 403, "403 Forbidden"),                 # a symlink out of base
    ("/tools%2f..%2f_private", 403, "403 Forbidden"),
    ("/%2e%2e/outside/secret", 404, "404 Not Found"),         # Chromium resolves it to /outside/secret
])
def test_refused_paths(page, apps, deploy, path, status, heading):
    url = deploy(apps)
    response = page.goto(url + path)
    assert response.status == status
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("SECRET")).to_have_count(0)


def test_index_false_and_a_custom_index(page, apps, deploy):
    url = deploy(apps, index=False)
    assert page.goto(url + "/tools/").status == 403
    custom = deploy(apps, index=lambda path: f"<h1>My apps in {Path(path).name}</h1>")
    page.goto(custom + "/tools/")
    expect(page.get_by_role("heading", name="My apps in tools")).to_be_visible()

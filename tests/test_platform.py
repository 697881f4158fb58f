"""The platform layer without a browser: app lists, config(), page rendering, start_server."""

import asyncio
import functools
import os
import signal
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from pywebio_lite.platform import page
from pywebio_lite.platform.page import config, make_applications, parse_app_metadata, render_page, seo
from pywebio_lite.platform.server import STATIC_PREFIX, WebIOApp, make_server
from pywebio_lite.protocol.http import Headers, Request


@pytest.fixture(autouse=True)
def clean_global_config():
    saved = dict(page._global_config)
    page._global_config.clear()
    yield
    page._global_config.clear()
    page._global_config.update(saved)


def task_1():
    """Task one

    The first task.
    """


def task_2():
    pass


async def coro_app():
    pass


class TestApplications:
    def test_single_function_is_index(self):
        assert make_applications(task_1) == {"index": task_1}

    def test_list_names_by_function_and_adds_index(self):
        apps = make_applications([task_1, task_2])
        assert set(apps) == {"task_1", "task_2", "index"}

    def test_list_with_partial_uses_the_function_name(self):
        apps = make_applications([functools.partial(task_2)])
        assert "task_2" in apps

    def test_duplicate_names(self):
        with pytest.raises(ValueError, match="task_1"):
            make_applications([task_1, task_1])

    def test_dict_keys_become_strings(self):
        apps = make_applications({1: task_1, "index": task_2})
        assert set(apps) == {"1", "index"}

    def test_bad_applications(self):
        with pytest.raises(TypeError):
            make_applications(42)
        with pytest.raises(TypeError):
            make_applications({"a": "not callable"})


class TestConfig:
    def test_docstring_gives_title_and_description(self):
        meta = parse_app_metadata(task_1)
        assert meta["title"] == "Task one" and meta["description"] == "The first task."

    def test_decorator_is_per_app_and_keeps_async(self):
        decorated = config(title="Async app", theme="dark")(coro_app)
        assert asyncio.iscoroutinefunction(decorated)
        assert parse_app_metadata(decorated)["title"] == "Async app"
        assert parse_app_metadata(coro_app).get("title") != "Async app"  # the original is untouched

    def test_one_function_served_with_several_configs(self):
        # PyWebIO's theme demo: {t: config(theme=t)(page) for t in themes}
        apps = {t: config(theme=t, title=t)(task_2) for t in ("dark", "minty", "yeti")}
        assert {t: parse_app_metadata(a)["theme"] for t, a in apps.items()} == {"dark": "dark", "minty": "minty", "yeti": "yeti"}
        stacked = config(css_style="p{}")(apps["dark"])
        assert parse_app_metadata(stacked)["theme"] == "dark" and parse_app_metadata(stacked)["css_style"] == "p{}"
        assert "title" not in page._global_config

    def test_call_as_statement_sets_global(self):
        config(title="Global title", css_style="body{color:red}")
        assert parse_app_metadata(task_2)["title"] == "Global title"
        assert parse_app_metadata(task_1)["title"] == "Task one"  # the docstring wins

    def test_seo_is_config(self):
        app = seo("SEO title", "SEO description", app=task_2)
        assert parse_app_metadata(app)["title"] == "SEO title"

    def test_bad_theme_and_files(self):
        with pytest.raises(ValueError):
            config(theme="neon")
        with pytest.raises(TypeError):
            config(js_file=3)

    def test_theme_from_environment(self, monkeypatch):
        monkeypatch.setenv("PYWEBIO_THEME", "dark")
        assert parse_app_metadata(task_2)["theme"] == "dark"


class TestPage:
    def test_page_escapes_metadata_and_preloads_modules(self):
        @config(title="<script>x</script>", description='"quoted"', css_file="a.css", js_code="console.log('</script>')")
        def app():
            pass
        html = render_page(app, base_url="/base/")
        assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
        assert 'content="&quot;quoted&quot;"' in html
        assert '<link rel="stylesheet" href="a.css">' in html
        assert "console.log('<\\/script>')" in html
        assert '<link rel="modulepreload" href="/base/js/main.js">' in html
        assert '<link rel="modulepreload" href="/base/js/renderers/text.js">' in html
        assert "forms/" not in html.split("modulepreload", 1)[1].split("<script", 1)[0]  # lazy: not preloaded
        assert 'data-theme="auto"' in html

    def test_no_remote_hosts_in_the_page(self):
        html = render_page(task_2, base_url=STATIC_PREFIX).replace("http://www.w3.org/2000/svg", "")
        assert "http://" not in html and "https://" not in html

    def test_static_graph_follows_imports(self):
        graph = page.static_module_graph()
        assert graph[0] == "js/main.js"
        assert {"js/connection.js", "js/commands.js", "js/render.js"} <= set(graph)
        assert all(os.path.isfile(os.path.join(page.STATIC_PATH, rel)) for rel in graph)


def _request(path, headers=()):
    return Request("GET", path, headers=Headers(list(headers) + [("Host", "127.0.0.1:1")]))


class TestRouting:
    def test_page_static_and_404(self):
        app = WebIOApp([task_1, task_2])
        ok = asyncio.run(app.handle_request(_request("/?app=task_1")))
        assert ok.status == 200 and b"<title>Task one</title>" in ok.body
        unknown = asyncio.run(app.handle_request(_request("/?app=nope")))
        assert b"<title>Applications</title>" in unknown.body
        js = asyncio.run(app.handle_request(_request(STATIC_PREFIX + "js/main.js")))
        assert js.status == 200
        for path in ("/missing", STATIC_PREFIX + "../platform/page.py", STATIC_PREFIX + "%2e%2e/__init__.py"):
            assert asyncio.run(app.handle_request(_request(path))).status == 404

    def test_origin_check(self):
        app = WebIOApp(task_1, allowed_origins=["https://*.example.com"])
        same = app.handle_websocket(_request("/", [("Origin", "http://127.0.0.1:1")]))
        assert hasattr(same, "on_open")
        allowed = app.handle_websocket(_request("/", [("Origin", "https://app.example.com")]))
        assert hasattr(allowed, "on_open")
        refused = app.handle_websocket(_request("/", [("Origin", "https://evil.test")]))
        assert refused.status == 403
        custom = WebIOApp(task_1, check_origin=lambda origin: origin.endswith(".ok"))
        assert custom.handle_websocket(_request("/", [("Origin", "https://x.ok")])).__class__.__name__ == "SessionConnection"
        assert custom.handle_websocket(_request("/", [("Origin", "https://x.no")])).status == 403

    def test_server_settings(self):
        server = make_server(task_1, max_payload_size="3M", websocket_ping_interval=5)
        assert server.max_message_size == 3 * 1024 * 1024 and server.ping_interval == 5
        with pytest.raises(ValueError):
            make_server(task_1, max_payload_size="lots")


def test_start_server_prints_its_url_serves_and_exits_on_ctrl_c(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent("""
        from pywebio_lite import start_server
        from pywebio_lite.output import put_text

        def main():
            '''Hello app'''
            put_text("hello")

        start_server(main, port=0, host="127.0.0.1")
    """))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Running on http://127.0.0.1:")
        url = line.split()[2]
        with urllib.request.urlopen(url) as response:
            assert b"<title>Hello app</title>" in response.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


class _FakeWS:
    def __init__(self, writable=True, closed=False):
        self.writable, self.closed, self.sent = writable, closed, []
        self.drained = None

    def send(self, frame):
        self.sent.append(frame)

    async def drain(self):
        self.drained = asyncio.get_running_loop().create_future()
        await self.drained


class _FakeSession:
    def __init__(self, frames):
        self.frames, self.is_closed, self.ended_by_app = list(frames), False, False

    def closed(self):
        return self.is_closed

    def take_frame(self):
        return self.frames.pop(0) if self.frames else None

    def pending_commands(self):
        return bool(self.frames)

    def close(self):
        self.is_closed = True


class TestSessionConnectionFlush:
    """SessionConnection sends while the socket takes frames, waits for it to drain, and stops at close."""

    def _conn(self, ws, frames):
        from pywebio_lite.platform.adaptor import SessionConnection
        conn = SessionConnection(lambda: None, {})
        conn.ws = conn._first_ws = ws  # as on_open leaves them
        conn.session = _FakeSession(frames)
        return conn

    def test_sends_every_frame_while_writable(self):
        conn = self._conn(_FakeWS(), ["a", "b"])
        conn._flush()
        assert conn.ws.sent == ["a", "b"] and conn._drain_task is None

    def test_over_high_water_waits_for_drain_then_sends(self):
        async def go():
            conn = self._conn(_FakeWS(writable=False), ["a"])
            conn._flush()
            assert conn.ws.sent == [] and conn._drain_task is not None  # held, not left to the GC
            await asyncio.sleep(0)
            conn.ws.writable = True
            conn.ws.drained.set_result(None)
            await conn._drain_task
            assert conn.ws.sent == ["a"] and conn._drain_task is None
        asyncio.run(go())

    def test_closing_the_socket_cancels_the_wait(self):
        async def go():
            conn = self._conn(_FakeWS(writable=False), ["a"])
            conn._flush()
            task = conn._drain_task
            await asyncio.sleep(0)
            conn.on_close(1001, "going away")
            with pytest.raises(asyncio.CancelledError):
                await task
            assert conn.session.closed() and conn._first_ws.sent == []
        asyncio.run(go())

    def test_a_closed_socket_starts_no_wait(self):
        async def go():
            conn = self._conn(_FakeWS(writable=False, closed=True), ["a"])
            conn._flush()
            assert conn._drain_task is None and conn.ws.sent == []
        asyncio.run(go())

"""The long-polling transport without a browser: WebIOApp.handle_request answering poll requests
(platform/poll.py over adaptor.SessionConnection), for thread and coroutine apps."""
import asyncio
import json

import pytest

from pywebio_lite.input import input as ask
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.platform.server import WebIOApp
from pywebio_lite.protocol.http import Headers, Request
from pywebio_lite.session import defer_call, info as session_info


def make_app(apps, **options) -> WebIOApp:
    app = WebIOApp(apps)
    app.max_text_size = 1 << 20
    app.enable_polling(backend="wsgi", max_body=1 << 20, **options)
    return app


def post(app, query, body=b"", content_type=None, origin=None, host="example.test", method="POST"):
    headers = Headers([("Host", host)])
    if content_type:
        headers.add("Content-Type", content_type)
    if origin:
        headers.add("Origin", origin)
    return app.handle_request(Request(method, "/?" + query, headers=headers, body=body, remote=("127.0.0.1", 5)))


class Page:
    """Plays the page's part over polls: open, poll with ack/seen, send event frames."""

    def __init__(self, app):
        self.app = app
        self.token = None
        self.frames = {}
        self.out_seq = 0

    @property
    def seen(self):
        return max(self.frames, default=0)

    def take(self, body: bytes):
        for line in body.decode().split("\n"):
            if not line:
                continue
            msg = json.loads(line)
            if "hello" in msg:
                self.token = msg["hello"]["session"]
            elif "close" in msg:
                self.closed = msg["close"]
            else:
                self.frames[msg["seq"]] = msg

    async def open(self):
        response = await post(self.app, "app=index&session=NEW")
        assert response.status == 200, response.body
        self.take(response.body)
        return response

    async def poll(self, ack=None):
        response = await post(self.app, f"app=index&session={self.token}&ack={self.seen if ack is None else ack}"
                                        f"&seen={self.seen if ack is None else ack}")
        if response.status == 200:
            self.take(response.body)
        return response

    def commands(self, name=None):
        return [c for seq in sorted(self.frames) for c in self.frames[seq]["commands"]
                if name is None or c["command"] == name]

    async def until(self, name):
        while not self.commands(name):
            response = await self.poll()
            assert response.status == 200, response.body
        return self.commands(name)[-1]

    async def send(self, *events):
        self.out_seq += 1
        frame = json.dumps({"seq": self.out_seq, "ack": self.seen, "events": list(events)})
        return await post(self.app, f"app=index&session={self.token}", frame.encode(), "application/json")

    async def submit(self, form, data):
        return await self.send({"event": "from_submit", "task_id": form["task_id"],
                                "form": form["spec"]["form_id"], "data": data})


def run(coro):
    return asyncio.run(coro)


def texts(page):
    return [c["spec"]["content"] for c in page.commands("output") if c["spec"]["type"] == "text"]


def greeter():
    put_text("hi")
    name = ask("Name")
    put_text("hello " + name)


async def greeter_async():
    put_text("hi")
    name = await ask("Name")
    put_text("hello " + name)


@pytest.mark.parametrize("main", [greeter, greeter_async], ids=["thread", "coroutine"])
def test_an_input_round_trip(main):
    async def scenario():
        page = Page(make_app(main))
        response = await page.open()
        assert response.get_header("Content-Type") == "application/x-ndjson"
        assert page.token and len(page.token) == 24
        form = await page.until("input_group")
        assert (await page.submit(form, {"data": "Bob"})).status == 204
        await page.until("close_session")
        assert texts(page) == ["hi", "hello Bob"]
    run(scenario())


def test_session_info_says_http_and_the_backend():
    seen = {}

    def main():
        seen.update(backend=session_info.backend, protocol=session_info.protocol)
        put_text("x")

    async def scenario():
        page = Page(make_app(main))
        await page.open()
        await page.until("close_session")
    run(scenario())
    assert seen == {"backend": "wsgi", "protocol": "http"}


def test_a_lost_answer_is_sent_again():
    def main():
        put_text("hello " + ask("Name"))
        ask("Age")

    async def scenario():
        page = Page(make_app(main))
        await page.open()
        form = await page.until("input_group")
        await page.submit(form, {"data": "Ann"})
        query = f"app=index&session={page.token}&ack={page.seen}"
        lost = await post(page.app, query)
        while lost.body.count(b'"input_group"') < 1:  # the answer with the second form
            lost = await post(page.app, query)
        # that answer never reached the page: it polls again with its old ack and gets the same frames
        again = await post(page.app, query)
        assert again.status == 200 and again.body == lost.body
        page.app.sessions.get(page.token).session.close()
    run(scenario())


def test_acknowledged_frames_are_forgotten():
    async def scenario():
        page = Page(make_app(greeter))
        await page.open()
        conn = page.app.sessions.get(page.token)
        assert conn.session.frames_after(0) == [_text(page.frames[s]) for s in sorted(page.frames)]
        form = await page.until("input_group")
        polling = asyncio.ensure_future(page.poll())  # a poll acknowledges what the page has
        while conn.session.frames_after(0) is not None:
            await asyncio.sleep(0)
        assert conn.session.frames_after(page.seen) == []
        await page.submit(form, {"data": "x"})
        await polling
        await page.until("close_session")
    run(scenario())


def _text(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


def test_a_poll_with_nothing_to_say_answers_empty_after_its_wait():
    async def scenario():
        app = make_app(greeter)
        app.poll.wait = 0
        page = Page(app)
        await page.open()
        await page.until("input_group")
        response = await page.poll()
        assert response.status == 200 and response.body == b""
    run(scenario())


def test_wait_0_answers_at_once():
    async def scenario():
        page = Page(make_app(greeter))
        await page.open()
        form = await page.until("input_group")
        response = await post(page.app, f"app=index&session={page.token}&ack={page.seen}&wait=0")
        assert (response.status, response.body) == (200, b"")
        await page.submit(form, {"data": "x"})
        await page.until("close_session")
    run(scenario())


def test_a_button_callback():
    def main():
        put_buttons(["Go"], onclick=lambda _: put_text("went"))

    async def scenario():
        page = Page(make_app(main))
        await page.open()
        buttons = next(c for c in page.commands("output") if c["spec"]["type"] == "buttons")
        await page.send({"event": "callback", "task_id": buttons["spec"]["callback_id"], "data": 0})
        while "went" not in texts(page):
            await page.poll()
    run(scenario())


def test_an_upload_chunk_reaches_the_session():
    from pywebio_lite.input import file_upload

    def main():
        f = file_upload("File")
        put_text(f["filename"] + ":" + f["content"].decode())

    async def scenario():
        page = Page(make_app(main))
        await page.open()
        form = await page.until("input_group")
        target = form["spec"]["upload_target"]
        head = json.dumps({"target": target, "name": "data", "file": 0, "size": 3, "offset": 0}).encode()
        chunk = len(head).to_bytes(4, "big") + head + b"abc"
        response = await post(page.app, f"app=index&session={page.token}", chunk, "application/octet-stream")
        assert response.status == 204
        await page.submit(form, {"data": [{"file": 0, "filename": "a.txt", "size": 3, "mime_type": "text/plain",
                                           "last_modified": 0}]})
        await page.until("close_session")
        assert "a.txt:abc" in texts(page)
    run(scenario())


def test_the_page_closing_ends_the_session_at_once():
    ended = []

    def main():
        defer_call(lambda: ended.append(True))
        ask("Name")

    async def scenario():
        page = Page(make_app(main))
        await page.open()
        await page.until("input_group")
        response = await post(page.app, f"app=index&session={page.token}&close=1")
        assert response.status == 204
        assert len(page.app.sessions) == 0
        assert (await page.poll()).status == 404
    run(scenario())
    assert ended == [True]


def test_an_idle_session_expires():
    def main():
        ask("Name")

    async def scenario():
        closed = asyncio.Event()
        app = make_app(main, session_expire_seconds=0.01)
        page = Page(app)
        await page.open()
        await page.until("input_group")
        conn = app.sessions.get(page.token)
        conn.session.defer_call(lambda: app_loop.call_soon_threadsafe(closed.set))
        await closed.wait()
        response = await page.poll()
        assert (response.status, response.body) == (404, b"Unknown or expired session")

    app_loop = None

    async def main_scenario():
        nonlocal app_loop
        app_loop = asyncio.get_running_loop()
        await scenario()
    run(main_scenario())


class TestBadInput:
    def test_unknown_session(self):
        response = run(post(make_app(greeter), "app=index&session=AAAAAAAAAAAAAAAAAAAAAAAA&ack=0"))
        assert (response.status, response.body) == (404, b"Unknown or expired session")

    def test_malformed_requests_get_400_with_a_reason(self):
        app = make_app(greeter)
        for query in ("app=index", "session=NEW&ack=1", "session=bad&ack=1", "session=AAAAAAAAAAAAAAAAAAAAAAAA&ack=-1"):
            response = run(post(app, query))
            assert response.status == 400 and response.body, query
        assert len(app.sessions) == 0

    def test_oversized_bodies(self):
        app = make_app(greeter)
        response = run(post(app, "session=AAAAAAAAAAAAAAAAAAAAAAAA", b"x" * (2 << 20), "application/octet-stream"))
        assert response.status == 413

    def test_wrong_methods(self):
        app = make_app(greeter)
        for method in ("PUT", "DELETE", "PATCH"):
            response = run(post(app, "session=NEW", method=method))
            assert response.status == 405 and "POST" in response.get_header("Allow")

    def test_a_foreign_origin_is_refused_before_any_session_exists(self):
        app = make_app(greeter)
        response = run(post(app, "app=index&session=NEW", origin="http://evil.test"))
        assert (response.status, response.body) == (403, b"Forbidden origin")
        assert len(app.sessions) == 0
        ok = run(post(app, "app=index&session=NEW", origin="http://example.test"))
        assert ok.status == 200

    def test_allowed_origins_let_another_origin_in(self):
        app = WebIOApp(greeter, allowed_origins=["http://*.friend.test"])
        app.enable_polling(backend="wsgi")
        assert run(post(app, "app=index&session=NEW", origin="http://a.friend.test")).status == 200

    def test_cors_for_an_allowed_origin(self):
        app = WebIOApp(greeter, allowed_origins=["http://*.friend.test"])
        app.enable_polling(backend="wsgi")
        preflight = run(post(app, "app=index&session=NEW", origin="http://a.friend.test", method="OPTIONS"))
        assert preflight.status == 204
        assert preflight.get_header("Access-Control-Allow-Origin") == "http://a.friend.test"
        assert preflight.get_header("Access-Control-Allow-Methods") == "POST"
        opened = run(post(app, "app=index&session=NEW", origin="http://a.friend.test"))
        assert opened.get_header("Access-Control-Allow-Origin") == "http://a.friend.test"
        refused = run(post(app, "app=index&session=NEW", origin="http://evil.test", method="OPTIONS"))
        assert refused.status == 403 and refused.get_header("Access-Control-Allow-Origin") is None

    def test_a_malformed_event_frame_never_reaches_the_app(self):
        got = []

        def main():
            got.append(ask("Name"))

        async def scenario():
            page = Page(make_app(main))
            await page.open()
            form = await page.until("input_group")
            for bad in (b"not json", b"[1,2]", b'{"events":[{"event":"nope","task_id":"x"}]}',
                        b'{"events":[{"event":"from_submit","task_id":"someone-else","data":{}}]}'):
                response = await post(page.app, f"app=index&session={page.token}", bad, "application/json")
                assert response.status == 204
            assert got == []
            await page.submit(form, {"data": "fine"})
            await page.until("close_session")
        run(scenario())
        assert got == ["fine"]

    def test_bad_expiry_settings(self):
        for bad in (0, -1, "10", True):
            with pytest.raises(ValueError, match="session_expire_seconds"):
                make_app(greeter, session_expire_seconds=bad)
            with pytest.raises(ValueError, match="session_cleanup_interval"):
                make_app(greeter, session_cleanup_interval=bad)


def test_the_page_says_http_and_opens_no_websocket():
    app = make_app(greeter)
    page = run(app.handle_request(Request("GET", "/", headers=Headers([("Host", "example.test")]))))
    html = page.body.decode()
    assert "&quot;protocol&quot;: &quot;http&quot;" in html
    assert 'if("http"=="ws")' in html  # the early socket is not opened


class TestFilesThroughThePageURL:
    """A host that routes one exact URL (Flask's '/tool', Django's path('tool')) gets the
    frontend files through it: ?_pwl_file=PATH, module references rewritten to that form."""

    @staticmethod
    def app():
        app = WebIOApp(greeter)
        app.enable_polling(backend="flask", files_by_query=True)
        return app

    def get(self, app, target, page_path="/tool"):
        from pywebio_lite.platform.wsgi import HostRequest
        request = HostRequest("GET", target, headers=Headers([("Host", "example.test")]))
        request.native, request.page_path = None, page_path
        return run(app.handle_request(request))

    def test_the_page_points_at_its_own_url(self):
        app = self.app()
        html = self.get(app, "/").body.decode()
        assert 'href="./tool?_pwl_file=css/app.css"' in html
        assert 'src="./tool?_pwl_file=js/main.linked.js"' in html

    def test_modules_import_through_the_same_url(self):
        app = self.app()
        core = self.get(app, "/?_pwl_file=js/main.linked.js")
        assert core.status == 200 and core.get_header("Content-Type").startswith("text/javascript")
        text = core.body.decode()
        assert "import('./tool?_pwl_file=js/forms/index.js')" in text
        assert "'./forms/" not in text
        forms = self.get(app, "/?_pwl_file=js/forms/index.linked.js").body.decode()
        assert "'./tool?_pwl_file=js/dom.js'" in forms
        assert "new URL('./tool?_pwl_file=css/forms.css',import.meta.url)" in forms

    def test_a_name_that_needs_quoting_stays_in_the_string(self):
        app = self.app()
        html = self.get(app, "/", page_path="/my%27tool").body.decode()
        assert 'src="./my%27tool?_pwl_file=js/main.linked.js"' in html

    def test_no_traversal(self):
        app = self.app()
        for rel in ("../README.md", "/etc/passwd", "js/../../pyproject.toml"):
            assert self.get(app, "/?_pwl_file=" + rel).status == 404, rel


def test_rebase_imports():
    from pywebio_lite.platform.assets import rebase_imports
    src = ("import{a}from'../dom.js';import'./x.js';const m=import(\"./renderers/text.js\");"
           "new URL('../../css/f.css',import.meta.url);const s='./not-an-import.js';")
    assert rebase_imports(src, "js/forms/index.js", "./t?f=") == (
        "import{a}from'./t?f=js/dom.js';import'./t?f=js/forms/x.js';const m=import(\"./t?f=js/forms/renderers/text.js\");"
        "new URL('./t?f=css/f.css',import.meta.url);const s='./not-an-import.js';")

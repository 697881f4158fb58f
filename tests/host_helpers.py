"""Helpers for the framework host tests (test_host_tornado.py, test_host_aiohttp.py): plain HTTP
with urllib, and a page's part of the app protocol over a real WebSocket (aiohttp's client)."""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import urllib.error
import urllib.request

import aiohttp

from pywebio_lite.input import input
from pywebio_lite.output import put_text
from pywebio_lite.session import info as session_info


def fetch(url: str, *, method: str = "GET", headers=None, redirect: bool = True):
    """(status, headers, body) of a request; errors and (with redirect=False) redirects included."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    opener = urllib.request.build_opener() if redirect else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check_assets(page_url: str, page: bytes) -> list[str]:
    """Every file the page loads, resolved against `page_url` as a browser does, is served as the
    stylesheet or script it is. Returns the URLs as the page writes them."""
    from urllib.parse import urljoin
    urls = asset_urls(page)
    assert urls
    for url in urls:
        status, headers, body = fetch(urljoin(page_url, url))
        kind = "text/css" if url.endswith(".css") else "text/javascript"
        assert status == 200 and body and headers["Content-Type"].startswith(kind), (url, status, headers)
    return urls


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def asset_urls(page: bytes) -> list[str]:
    """The stylesheet and script URLs a page loads (its import map's too), as written."""
    text = page.decode("utf-8")
    urls = re.findall(r'<(?:link rel="(?:stylesheet|modulepreload)"|script[^>]*) (?:href|src)="([^"]+)"', text)
    for block in re.findall(r'<script type="importmap">(.*?)</script>', text, re.S):
        urls += json.loads(block)["imports"].values()
    return [u for u in urls if not u.startswith("data:")]


# ---------------------------------------------------------------- the apps the hosts serve

def task_func():
    """Asks a name; shows it with the host and transport session.info names."""
    name = input("Name")
    put_text(f"Hello {name} via {session_info.backend}/{session_info.protocol}, "
              f"{type(session_info.request).__name__}")


async def coroutine_app():
    name = await input("Name")
    put_text(f"Async {name}")


class PageSocket:
    """The page's side of one session: frames in, events out (docs/protocol.md)."""

    def __init__(self, ws):
        self.ws = ws
        self.seq = 0
        self.ack = 0

    async def command(self, name: str, predicate=lambda c: True) -> dict:
        """The next command called `name` (matching `predicate`), skipping others."""
        while True:
            message = await self.ws.receive()
            if message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"the socket closed ({message.type}, {message.data}) before {name}")
            frame = json.loads(message.data)
            self.ack = frame.get("seq", self.ack)
            for command in frame.get("commands", []):
                if command["command"] == name and predicate(command):
                    return command

    async def text(self, content: str) -> dict:
        return await self.command("output", lambda c: c["spec"].get("type") == "text"
                                  and c["spec"].get("content") == content)

    async def send(self, event: dict) -> None:
        self.seq += 1
        await self.ws.send_str(json.dumps({"seq": self.seq, "ack": self.ack, "events": [event]}))

    async def submit(self, form: dict, values: dict) -> None:
        await self.send({"event": "from_submit", "task_id": form["task_id"], "form": form["spec"]["form_id"],
                         "data": values})

    async def closed(self):
        """(close code) once the server has closed the socket."""
        while True:
            message = await self.ws.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return self.ws.close_code


def ws_url(page_url: str, query: str = "app=index&session=NEW") -> str:
    return page_url.replace("http://", "ws://", 1) + "?" + query


def origin_of(url: str) -> str:
    return "/".join(url.split("/")[:3])


def run_session(page_url: str, script, *, origin: str | None = None, query: str = "app=index&session=NEW"):
    """Open the page's socket and run `await script(PageSocket)`; returns what it returns."""
    async def main():
        async with aiohttp.ClientSession() as client:
            async with client.ws_connect(ws_url(page_url, query), headers={"Origin": origin or origin_of(page_url)},
                                         max_msg_size=0) as ws:
                return await script(PageSocket(ws))
    return asyncio.run(main())


def upgrade_status(page_url: str, origin: str) -> int:
    """The HTTP status a WebSocket upgrade from `origin` gets (101 when it is accepted)."""
    async def main():
        async with aiohttp.ClientSession() as client:
            try:
                async with client.ws_connect(ws_url(page_url), headers={"Origin": origin}):
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status
    return asyncio.run(main())


def resume_after_a_drop(page_url: str, name: str):
    """With reconnect on: open a session, drop its socket without a close frame, resume the
    session on a new socket (the form is sent again), answer it. (token, the text shown)."""
    async def first(page):
        hello = json.loads((await page.ws.receive()).data)["hello"]
        await page.command("input_group")
        page.ws._conn.transport.abort()  # the network goes: no close frame (1006)
        return hello["session"]

    token = run_session(page_url, first)

    async def second(page):
        assert "hello" in json.loads((await page.ws.receive()).data)
        form = await page.command("input_group")  # replayed: the page acknowledged nothing
        await page.submit(form, {"data": name})
        return (await page.command("output", lambda c: c["spec"].get("type") == "text"))["spec"]["content"]

    shown = run_session(page_url, second, query=f"app=index&session={token}&ack=0")

    async def gone(page):
        return await page.closed()
    # the session has ended (its app returned), and an unknown one never existed: 4404, reload
    assert run_session(page_url, gone, query=f"app=index&session={token}&ack=0") == 4404
    assert run_session(page_url, gone, query="app=index&session=unknown&ack=0") == 4404
    return token, shown


def answer_name(value: str):
    """A page script: answer the app's first input with `value`; returns the next text shown."""
    async def script(page):
        form = await page.command("input_group")
        assert form["spec"]["label"] == "Name"
        await page.submit(form, {"data": value})
        return (await page.command("output", lambda c: c["spec"].get("type") == "text"))["spec"]["content"]
    return script


def text_limit_close_code(page_url: str, message) -> int:
    """The close code after the page sends `message` (str or bytes) while the app waits for input."""
    async def script(page):
        await page.command("input_group")
        await (page.ws.send_str(message) if isinstance(message, str) else page.ws.send_bytes(message))
        return await page.closed()
    return run_session(page_url, script)


def check_origins(base: str, routes=("/a/", "/b/", "/c/")) -> None:
    """Routes /a/ (defaults), /b/ (allowed_origins=['https://*.example.com']) and /c/
    (check_origin: only http://ok.test) refuse and accept the origins they should."""
    a, b, c = (base + r for r in routes)
    assert upgrade_status(a, "http://evil.example") == 403
    assert upgrade_status(a, base) == 101
    assert upgrade_status(b, "https://app.example.com") == 101
    assert upgrade_status(b, "https://example.org") == 403
    assert upgrade_status(c, "http://ok.test") == 101
    assert upgrade_status(c, "http://other.test") == 403
    assert upgrade_status(c, base) == 101  # the same host is always allowed, as in PyWebIO


def check_files(url: str) -> None:
    """A frontend file's URL answers with an ETag (and 304 for it), HEAD and gzip."""
    status, headers, body = fetch(url)
    etag = headers["ETag"]
    assert status == 200 and etag and headers["Content-Type"].startswith("text/css")
    assert fetch(url, headers={"If-None-Match": etag})[0] == 304
    status, headers, head_body = fetch(url, method="HEAD")
    assert status == 200 and head_body == b"" and int(headers["Content-Length"]) == len(body)
    status, headers, gz = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and len(gz) < len(body)


@contextlib.contextmanager
def started_server(module: str, app_code: str = "def main(): put_text('hi')", **options):
    """`module`.start_server(main, port=0, ...) in a process of its own: yields (base URL, process)
    once it has printed where it runs."""
    import os
    import subprocess
    import sys
    args = "".join(f", {name}={value!r}" for name, value in options.items())
    code = (f"from {module} import start_server\n"
            "from pywebio_lite.input import input\n"
            "from pywebio_lite.output import put_text\n"
            f"{app_code}\n"
            f"start_server(main, port=0, host='127.0.0.1'{args})\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    try:
        line = proc.stdout.readline()
        assert line.startswith("Running on http://127.0.0.1:"), line
        yield line.split()[2].rstrip("/"), proc
    finally:
        proc.terminate()
        proc.wait()
        proc.stdout.close()


def check_start_server(module: str, static_dir) -> None:
    """`module`.start_server serves the app, its frontend and static_dir."""
    (static_dir / "hello.txt").write_text("static hello")
    with started_server(module, static_dir=str(static_dir)) as (base, _):
        assert fetch(base + "/static/hello.txt")[2] == b"static hello"
        assert fetch(base + "/static/.hidden")[0] == 404
        status, _, page = fetch(base + "/")
        assert status == 200
        check_assets(base + "/", page)
        assert run_session(base + "/", lambda page: page.text("hi"))["spec"]["content"] == "hi"


def check_bad_arguments(webio_handler) -> None:
    """An adapter's webio_handler refuses wrong arguments at once, naming them."""
    import pytest
    with pytest.raises(ValueError, match="reconnect_timeout"):
        webio_handler(task_func, reconnect_timeout=-1)
    with pytest.raises(TypeError, match="allowed_origins"):
        webio_handler(task_func, allowed_origins="https://a.example")
    with pytest.raises(TypeError, match="check_origin"):
        webio_handler(task_func, check_origin=True)
    with pytest.raises(TypeError, match="applications|app"):
        webio_handler(42)


# ---------------------------------------------------------------- hosts in a thread
@contextlib.contextmanager
def tornado_host(routes, **settings):
    """A Tornado app serving `routes` on a free loopback port in a thread: yields its base URL."""
    import tornado.ioloop
    import tornado.web
    box = {}

    def setup():
        application = tornado.web.Application(routes, **settings)
        server = application.listen(0, address="127.0.0.1")
        box["stop"] = server.stop
        return next(iter(server._sockets.values())).getsockname()[1]

    with _loop_thread(setup, box) as base:
        yield base


@contextlib.contextmanager
def aiohttp_host(*route_lists):
    """An aiohttp app serving the routes on a free loopback port in a thread: yields its base URL."""
    from aiohttp import web
    box = {}

    def setup():
        application = web.Application()
        for routes in route_lists:
            application.add_routes(routes)
        runner = web.AppRunner(application)
        loop = asyncio.get_event_loop()
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        box["cleanup"] = runner.cleanup
        return runner.addresses[0][1]

    with _loop_thread(setup, box) as base:
        yield base


@contextlib.contextmanager
def _loop_thread(setup, box):
    """Run `setup()` (-> port) and then an event loop forever in a thread, until the block ends."""
    ready = threading.Event()

    def run():
        loop = box["loop"] = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        box["port"] = setup()
        ready.set()
        loop.run_forever()
        if "stop" in box:
            box["stop"]()
        if "cleanup" in box:
            loop.run_until_complete(box["cleanup"]())
        pending = asyncio.all_tasks(loop)  # sockets still being served: end them before closing
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait()
    try:
        yield f"http://127.0.0.1:{box['port']}"
    finally:
        box["loop"].call_soon_threadsafe(box["loop"].stop)
        thread.join()


def check_stop_closes_sockets(module: str) -> None:
    """`module`.start_server, stopped by SIGTERM while a page waits on a form, closes its socket
    with 1001 (going away), so the page can say the server went."""
    with started_server(module, "def main(): input('Name')") as (base, proc):
        async def script(page):
            await page.command("input_group")
            proc.terminate()
            return await page.closed()
        assert run_session(base + "/", script) == 1001

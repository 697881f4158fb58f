"""The ASGI adapters under real servers and hosts: uvicorn and hypercorn, Starlette and FastAPI.

Each host app has a route of its own next to a pywebio_lite app mounted under /tool (the pure
`asgi.asgi_app`, `fastapi.asgi_app`, and `fastapi.webio_routes` in a Mount); a client fetches
the page and every file it names, runs a session over the WebSocket, and is refused from a
foreign origin. Also: webio_routes at "/", static_dir, uvicorn's root_path, `start_server`,
and that no framework, `websockets` or `aiofiles` is imported by our modules themselves.
"""
import json
import re
import subprocess
import sys
import textwrap

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from asgi_servers import SERVERS, running
from pywebio_lite.input import input
from pywebio_lite.output import put_text
from pywebio_lite.platform import asgi, fastapi as webio_fastapi
from pywebio_lite.session import info


def greeter():
    name = input("Name")
    put_text(f"Hello, {name} ({info.backend}, {info.protocol})")


async def home(request):
    return PlainTextResponse("the host's own page")


def starlette_host(tool):
    return Starlette(routes=[Route("/", home), Mount("/tool", app=tool)])


def fastapi_host(tool):
    app = FastAPI()

    @app.get("/")
    def own():
        return {"host": "fastapi"}

    app.mount("/tool", tool)
    return app


HOSTS = {
    "asgi in Starlette": (lambda: starlette_host(asgi.asgi_app(greeter)), "asgi"),
    "fastapi.asgi_app in FastAPI": (lambda: fastapi_host(webio_fastapi.asgi_app(greeter)), "starlette"),
    "webio_routes in a Mount": (lambda: Starlette(routes=[
        Route("/", home), Mount("/tool", routes=webio_fastapi.webio_routes(greeter))]), "starlette"),
}


def ws_url(base, path="/tool/"):
    return base.replace("http://", "ws://") + path + "?app=index&session=NEW"


def commands(ws):
    """The commands of the frames the server sends, one by one."""
    while True:
        for command in json.loads(ws.recv()).get("commands", []):
            yield command


def run_greeter(base, path="/tool/"):
    """Answer the app's input over a WebSocket; the text it puts out."""
    with connect(ws_url(base, path), origin=base) as ws:
        stream = commands(ws)
        form = next(c for c in stream if c["command"] == "input_group")
        ws.send(json.dumps({"seq": 1, "events": [{"event": "from_submit", "task_id": form["task_id"],
                                                  "data": {"data": "Ada"}, "form": form["spec"]["form_id"]}]}))
        return next(c for c in stream if c["command"] == "output")["spec"]["content"]


def page_files(page: str) -> list[str]:
    return sorted(set(re.findall(r'(?:src|href)="(\./_pywebio_lite/[^"]+)"', page)))


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("host", list(HOSTS))
def test_a_mounted_app_next_to_the_hosts_own_routes(server, host):
    make, backend = HOSTS[host]
    with running(make(), server) as base, httpx.Client(base_url=base) as http:
        assert "host" in http.get("/").text
        moved = http.get("/tool")
        assert moved.status_code in (307, 308) and moved.headers["location"].endswith("/tool/")
        page = http.get("/tool/")
        assert page.status_code == 200 and "<html" in page.text
        files = page_files(page.text)
        assert files, "the page names its frontend files"
        for file in files:
            assert http.get("/tool/" + file[2:]).status_code == 200, file
        assert http.get("/tool/_pywebio_lite/no-such.js").status_code == 404
        assert run_greeter(base) == f"Hello, Ada ({backend}, websocket)"
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(base), origin="https://evil.example")
        assert refused.value.response.status_code == 403


@pytest.mark.parametrize("server", SERVERS)
def test_webio_routes_at_the_root_of_a_host(server):
    app = Starlette(routes=[Route("/api", home), *webio_fastapi.webio_routes(greeter)])
    with running(app, server) as base, httpx.Client(base_url=base) as http:
        assert http.get("/api").text == "the host's own page"
        page = http.get("/")
        assert page.status_code == 200
        for file in page_files(page.text):
            assert http.get(file[1:]).status_code == 200, file
        assert run_greeter(base, "/") == "Hello, Ada (starlette, websocket)"


def test_static_dir_is_served_below_the_mount_point(tmp_path):
    (tmp_path / "note.txt").write_text("a static note")
    (tmp_path / ".secret").write_text("no")
    app = fastapi_host(webio_fastapi.asgi_app(greeter, static_dir=str(tmp_path)))
    with running(app) as base, httpx.Client(base_url=base) as http:
        assert http.get("/tool/static/note.txt").text == "a static note"
        assert http.get("/tool/static/.secret").status_code == 404
        assert http.get("/tool/static/../../pyproject.toml").status_code == 404


def test_uvicorn_root_path_serves_the_app_under_it():
    with running(asgi.asgi_app(greeter), root_path="/tool") as base, httpx.Client(base_url=base) as http:
        assert http.get("/").status_code == 200  # a proxy strips /tool; uvicorn puts it back
        assert run_greeter(base, "/") == "Hello, Ada (asgi, websocket)"


def test_start_server_runs_uvicorn():
    code = textwrap.dedent("""
        from pywebio_lite.output import put_text
        from pywebio_lite.platform.fastapi import start_server
        def main():
            put_text("served by uvicorn")
        start_server(main, port=0, host="127.0.0.1", cdn=False, log_level="warning")
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"Running on (http://127\.0\.0\.1:\d+/)", line).group(1)
        assert "<html" in httpx.get(url).text
        with connect(ws_url(url.rstrip("/"), "/"), origin=url.rstrip("/")) as ws:
            out = next(c for c in commands(ws) if c["command"] == "output")
        assert out["spec"]["content"] == "served by uvicorn"
    finally:
        proc.terminate()
        proc.wait()


def test_our_modules_import_no_framework_nor_websockets_or_aiofiles():
    code = textwrap.dedent("""
        import sys
        from pywebio_lite.platform import asgi
        asgi.asgi_app(lambda: None)
        assert not {"starlette", "fastapi", "uvicorn", "hypercorn"} & set(sys.modules), sys.modules.keys()
        from pywebio_lite.platform import fastapi
        assert "starlette" not in sys.modules  # imported only when a function needs it
        fastapi.webio_routes(lambda: None)
        fastapi.asgi_app(lambda: None)
        assert "starlette" in sys.modules
        assert "websockets" not in sys.modules and "aiofiles" not in sys.modules
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


def test_session_info_request_is_starlettes_websocket_as_in_pywebio():
    def app():
        request = info.request
        put_text(f"{type(request).__name__} {request.cookies.get('flavour')} {request.query_params['app']} "
                 f"{request.url.path}")

    with running(fastapi_host(webio_fastapi.asgi_app(app))) as base:
        with connect(ws_url(base), origin=base, additional_headers={"Cookie": "flavour=lemon"}) as ws:
            out = next(c for c in commands(ws) if c["command"] == "output")
    assert out["spec"]["content"] == "WebSocket lemon index /tool/"


def test_session_info_request_of_the_pure_asgi_app_is_our_request():
    def app():
        put_text(f"{type(info.request).__name__} {info.request.headers.get('Cookie')} {info.user_ip}")

    with running(asgi.asgi_app(app)) as base:
        with connect(ws_url(base, "/"), origin=base, additional_headers={"Cookie": "flavour=lemon"}) as ws:
            out = next(c for c in commands(ws) if c["command"] == "output")
    assert out["spec"]["content"] == "HostRequest flavour=lemon 127.0.0.1"  # our Request (a HostRequest)


def test_webio_routes_serve_a_static_dir_given_in_options(tmp_path):
    (tmp_path / "note.txt").write_text("routed note")
    app = Starlette(routes=[Mount("/tool", routes=webio_fastapi.webio_routes(greeter, static_dir=str(tmp_path)))])
    with running(app) as base, httpx.Client(base_url=base) as http:
        assert http.get("/tool/static/note.txt").text == "routed note"


# Starlette 1.x prefers the httpx2 package for its TestClient; httpx still works.
@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_starlettes_testclient_drives_a_mounted_app():
    """A FastAPI project's own tests (Starlette's TestClient, no server) reach the mounted app too."""
    from starlette.testclient import TestClient

    with TestClient(fastapi_host(webio_fastapi.asgi_app(greeter))) as client:
        assert client.get("/tool", follow_redirects=False).status_code == 307
        assert "<html" in client.get("/tool/").text
        with client.websocket_connect("/tool/?app=index&session=NEW", headers={"Origin": "http://testserver"}) as ws:
            frames = iter(lambda: json.loads(ws.receive_text()), None)
            form = next(c for f in frames for c in f.get("commands", []) if c["command"] == "input_group")
            ws.send_text(json.dumps({"seq": 1, "events": [{"event": "from_submit", "task_id": form["task_id"],
                                                           "data": {"data": "Ada"}, "form": form["spec"]["form_id"]}]}))
            output = next(c for f in frames for c in f.get("commands", []) if c["command"] == "output")
    assert output["spec"]["content"] == "Hello, Ada (starlette, websocket)"

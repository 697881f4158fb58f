"""pywebio_lite.platform.aiohttp on a real aiohttp server: a host app with its own routes and
pywebio_lite apps mounted beside them (an exact route with static_routes, as PyWebIO's docs do,
and a mount), without a browser."""
from __future__ import annotations

import contextlib

import pytest
from aiohttp import web

from host_helpers import (aiohttp_host, answer_name, check_assets, check_bad_arguments, check_files,
                          check_origins, check_start_server, check_stop_closes_sockets, coroutine_app, fetch,
                          resume_after_a_drop, run_session, task_func, text_limit_close_code)
from pywebio_lite.platform.aiohttp import static_routes, webio_handler


async def hello(request):
    return web.Response(text="Hello, world")


@pytest.fixture
def host():
    """host(routes...) -> base URL of a aiohttp app serving them in a thread (stopped after the test)."""
    with contextlib.ExitStack() as stack:
        yield lambda *routes: stack.enter_context(aiohttp_host(*routes))



def test_an_exact_route_with_static_routes_as_pywebio_documents_it(host):
    base = host([web.get("/", hello), web.get("/tool", webio_handler(task_func, cdn=False))], static_routes())
    assert fetch(base + "/")[2] == b"Hello, world"  # the host's own route still answers
    status, headers, page = fetch(base + "/tool")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    urls = check_assets(base + "/tool", page)  # resolved as a browser does: static_routes' files
    assert all(u.startswith("./_pywebio_lite/") for u in urls)
    assert run_session(base + "/tool", answer_name("Ann")) == "Hello Ann via aiohttp/websocket, Request"


def test_a_mount_serves_page_files_and_socket_and_redirects_to_its_slash(host):
    base = host([web.get("/", hello), web.get("/apps{tail:.*}", webio_handler(task_func)),
                 web.get("/other/{tail:.*}", webio_handler(coroutine_app))])
    status, headers, _ = fetch(base + "/apps?app=index", redirect=False)
    assert status == 307 and headers["Location"] == "/apps/?app=index"
    status, _, page = fetch(base + "/apps/")
    assert status == 200
    check_assets(base + "/apps/", page)
    assert fetch(base + "/apps/_pywebio_lite/no-such-file.js")[0] == 404
    assert fetch(base + "/apps/_pywebio_lite/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert fetch(base + "/appsfoo")[0] == 404
    assert run_session(base + "/apps/", answer_name("Bo")).startswith("Hello Bo via aiohttp")
    assert run_session(base + "/other/", answer_name("Cy")) == "Async Cy"  # a coroutine app


def test_files_keep_etag_head_and_gzip(host):
    base = host(static_routes("/assets"))
    check_files(base + "/assets/_pywebio_lite/css/app.css")


def test_a_foreign_origin_is_refused_and_allowed_origins_let_one_in(host):
    base = host([web.get("/a/{tail:.*}", webio_handler(task_func)),
                 web.get("/b/{tail:.*}", webio_handler(task_func, allowed_origins=["https://*.example.com"])),
                 web.get("/c/{tail:.*}", webio_handler(task_func, check_origin=lambda o: o == "http://ok.test"))])
    check_origins(base)


def test_message_limits_close_the_socket_with_1009(host):
    base = host([web.get("/t/{tail:.*}", webio_handler(task_func)),
                 web.get("/s/{tail:.*}", webio_handler(task_func, max_payload_size="64K"))])
    assert text_limit_close_code(base + "/t/", "x" * (1024 * 1024 + 1)) == 1009  # the text limit
    assert text_limit_close_code(base + "/s/", b"x" * (64 * 1024 + 1)) == 1009   # max_payload_size
    assert text_limit_close_code(base + "/s/", "x" * (64 * 1024 + 1)) == 1009


def test_reconnect_timeout_resumes_a_session_on_a_new_socket(host):
    base = host([web.get("/r/{tail:.*}", webio_handler(task_func, reconnect_timeout=30))])
    token, second = resume_after_a_drop(base + "/r/", "Di")
    assert token and second == "Hello Di via aiohttp/websocket, Request"


def test_wrong_arguments_are_refused_when_the_route_is_made():
    check_bad_arguments(webio_handler)
    with pytest.raises(ValueError, match="max_payload_size"):
        webio_handler(task_func, max_payload_size="lots")
    with pytest.raises(TypeError, match="prefix"):
        static_routes(prefix=None)


def test_start_server_serves_apps_and_static_dir_and_says_where(tmp_path):
    check_start_server("pywebio_lite.platform.aiohttp", tmp_path)


def test_start_server_closes_open_sockets_with_1001_when_it_stops():
    check_stop_closes_sockets("pywebio_lite.platform.aiohttp")


def test_websocket_settings_reach_the_socket(host):
    """autoping=False: the handler sees pings itself and passes over them; the session goes on."""
    base = host([web.get("/p/{tail:.*}", webio_handler(task_func, websocket_settings={"autoping": False}))])

    async def script(page):
        form = await page.command("input_group")
        await page.ws.ping(b"are you there")
        await page.submit(form, {"data": "Flo"})
        return (await page.command("output"))["spec"]["content"]
    assert run_session(base + "/p/", script) == "Hello Flo via aiohttp/websocket, Request"


def test_an_exact_route_deeper_down_gets_its_files_from_static_routes_there(host):
    base = host([web.get("/a/tool", webio_handler(task_func))], static_routes("/a/"))
    check_assets(base + "/a/tool", fetch(base + "/a/tool")[2])


def test_an_exact_route_without_static_routes_serves_its_files_through_its_own_url(host):
    """PyWebIO's plain ``web.get('/tool', webio_handler(main))`` (default cdn=True): no route of
    the host serves the files, so the page gets them through /tool itself (?_pwl_file=...)."""
    base = host([web.get("/tool", webio_handler(task_func)), web.get("/b/tool", webio_handler(task_func))],
                static_routes("/b/"))
    urls = check_assets(base + "/b/tool", fetch(base + "/b/tool")[2])
    assert all(u.startswith("./_pywebio_lite/") for u in urls)  # static_routes('/b/') serves them
    urls = check_assets(base + "/tool", fetch(base + "/tool")[2])
    assert all(u.startswith("./tool?_pwl_file=") for u in urls)
    assert run_session(base + "/tool", answer_name("Ann")) == "Hello Ann via aiohttp/websocket, Request"



"""pywebio_lite.platform.tornado on a real Tornado server: a host app with its own routes and
pywebio_lite apps mounted beside them (the user's guide example as written), without a browser."""
from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest
import tornado.web

from host_helpers import (answer_name, asset_urls, check_assets, check_bad_arguments, check_files, check_origins,
                          check_start_server, check_stop_closes_sockets, coroutine_app, fetch,
                          resume_after_a_drop, run_session, task_func, text_limit_close_code, tornado_host)
from pywebio_lite.platform.tornado import webio_handler


class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("Hello, world")


@pytest.fixture
def host():
    """host(routes...) -> base URL of a tornado app serving them in a thread (stopped after the test)."""
    with contextlib.ExitStack() as stack:
        yield lambda *routes: stack.enter_context(tornado_host(*routes))



def test_the_users_guide_example_runs_with_only_the_import_changed(host):
    base = host([(r"/", MainHandler), (r"/tool", webio_handler(task_func))])
    assert fetch(base + "/")[2] == b"Hello, world"  # the host's own route still answers
    status, headers, page = fetch(base + "/tool")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    urls = check_assets(base + "/tool", page)  # every file it loads, resolved as a browser does
    assert all(u.startswith("./tool/_pywebio_lite/") for u in urls)
    text = run_session(base + "/tool", answer_name("Ann"))
    assert text == "Hello Ann via tornado/websocket, HTTPServerRequest"


def test_a_mount_serves_page_files_and_socket_and_redirects_to_its_slash(host):
    base = host([(r"/", MainHandler), (r"/apps/(.*)", webio_handler(task_func, cdn=False)),
                 (r"/other(.*)", webio_handler(coroutine_app))])
    status, headers, _ = fetch(base + "/other", redirect=False)
    assert status == 307 and headers["Location"] == "/other/"
    status, headers, _ = fetch(base + "/other?app=index", redirect=False)
    assert headers["Location"] == "/other/?app=index"
    status, _, page = fetch(base + "/apps/")
    assert status == 200
    assert all(u.startswith("./_pywebio_lite/") for u in check_assets(base + "/apps/", page))
    assert fetch(base + "/apps/_pywebio_lite/no-such-file.js")[0] == 404
    assert fetch(base + "/apps/_pywebio_lite/../../etc/passwd")[0] == 404
    assert fetch(base + "/apps/elsewhere")[0] == 404
    assert run_session(base + "/apps/", answer_name("Bo")).startswith("Hello Bo via tornado")
    assert run_session(base + "/other/", answer_name("Cy")) == "Async Cy"  # a coroutine app


def test_files_keep_etag_head_and_gzip(host):
    base = host([(r"/w/(.*)", webio_handler(task_func))])
    check_files(base + "/w/_pywebio_lite/css/app.css")
    status, headers, _ = fetch(base + "/w/", method="POST")
    assert status == 405 and "GET" in headers["Allow"]


def test_a_foreign_origin_is_refused_and_allowed_origins_let_one_in(host):
    base = host([(r"/a/(.*)", webio_handler(task_func)),
                 (r"/b/(.*)", webio_handler(task_func, allowed_origins=["https://*.example.com"])),
                 (r"/c/(.*)", webio_handler(task_func, check_origin=lambda origin: origin == "http://ok.test"))])
    check_origins(base)


def test_a_text_message_over_the_limit_closes_the_socket_with_1009(host):
    base = host([(r"/t/(.*)", webio_handler(task_func))])
    assert text_limit_close_code(base + "/t/", "x" * (1024 * 1024 + 1)) == 1009


def test_reconnect_timeout_resumes_a_session_on_a_new_socket(host):
    base = host([(r"/r/(.*)", webio_handler(task_func, reconnect_timeout=30))])
    token, second = resume_after_a_drop(base + "/r/", "Di")
    assert token and second == "Hello Di via tornado/websocket, HTTPServerRequest"


def test_wrong_arguments_are_refused_when_the_route_is_made():
    check_bad_arguments(webio_handler)


def test_start_server_serves_apps_and_static_dir_and_says_where(tmp_path):
    check_start_server("pywebio_lite.platform.tornado", tmp_path)


def test_importing_the_package_does_not_import_tornado():
    out = subprocess.run([sys.executable, "-c", "import sys, pywebio_lite, pywebio_lite.platform, "
                          "pywebio_lite.platform.server; print('tornado' in sys.modules, 'aiohttp' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_an_exact_route_with_groups_of_its_own_serves_its_page(host):
    handler = webio_handler(task_func)
    base = host([(r"/user/([0-9]+)", handler)])
    status, _, page = fetch(base + "/user/42")
    assert status == 200 and all(u.startswith("./42/_pywebio_lite/") for u in check_assets(base + "/user/42", page))
    assert run_session(base + "/user/42", answer_name("Ed")).startswith("Hello Ed")


def test_a_pattern_route_adds_a_bounded_number_of_file_routes(host, caplog):
    handler = webio_handler(task_func)
    base = host([(r"/user/([0-9]+)", handler), (r"/([a-z]+)/tool", handler)])
    for n in range(40):
        assert fetch(base + f"/user/{n}")[0] == 200
        assert fetch(base + f"/{'x' * (n + 1)}/tool")[0] == 200
    assert len(handler._pages) == 16  # 16 pages got routes for their files; the others did not
    served = [n for n in range(40) for page in (f"/user/{n}/", f"/{'x' * (n + 1)}/tool/")
              if fetch(base + page + "_pywebio_lite/css/app.css")[0] == 200]
    assert len(served) == 16
    assert "more than 16 page paths on one exact route" in caplog.text


def test_a_cdn_url_is_where_the_page_loads_its_files_from(host):
    base = host([(r"/tool", webio_handler(task_func, cdn="https://assets.example/pwl/"))])
    urls = asset_urls(fetch(base + "/tool")[2])
    assert urls and all(u.startswith("https://assets.example/pwl/") for u in urls)


def test_start_server_closes_open_sockets_with_1001_when_it_stops():
    check_stop_closes_sockets("pywebio_lite.platform.tornado")

"""The WSGI hosts without a browser: platform.wsgi.wsgi_app, Flask's webio_view/wsgi_app (its test
client), Django's (in a subprocess: its settings are process-wide); lazy framework imports."""
import io
import json
import subprocess
import sys
import textwrap
import threading

import pytest

from pywebio_lite.output import put_text
from pywebio_lite.session import info as session_info


def hello():
    put_text("hello")


def call(app, method="GET", path="/", query="", body=b"", script="", headers=None):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": script,
               "SERVER_NAME": "example.test", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
               "HTTP_HOST": "example.test", "wsgi.input": io.BytesIO(body), "REMOTE_ADDR": "127.0.0.1",
               "CONTENT_LENGTH": str(len(body)) if body else ""}
    environ.update(headers or {})
    got = {}

    def start_response(status, headers):
        got["status"], got["headers"] = status, dict(headers)
    got["body"] = b"".join(app(environ, start_response))
    return got


@pytest.fixture(scope="module")
def app():
    from pywebio_lite.platform.wsgi import wsgi_app
    return wsgi_app(hello, max_payload_size="1K")


class TestWsgiApp:
    def test_the_mount_point_without_its_slash_redirects(self, app):
        got = call(app, path="", script="/tool", query="app=index")
        assert got["status"].startswith("301") and got["headers"]["Location"] == "/tool/?app=index"

    def test_the_page_polls_and_loads_files_below_the_mount(self, app):
        got = call(app, path="/", script="/tool")
        assert got["status"] == "200 OK"
        html = got["body"].decode()
        assert "&quot;protocol&quot;: &quot;http&quot;" in html and "./_pywebio_lite/js/main.linked.js" in html
        js = call(app, path="/_pywebio_lite/js/main.linked.js", script="/tool")
        assert js["status"] == "200 OK" and int(js["headers"]["Content-Length"]) == len(js["body"]) > 1000

    def test_a_session_opens_over_a_post(self, app):
        got = call(app, "POST", query="app=index&session=NEW")
        assert got["status"] == "200 OK" and got["headers"]["Content-Type"] == "application/x-ndjson"
        assert json.loads(got["body"].split(b"\n")[0])["hello"]["session"]

    def test_a_body_over_max_payload_size_is_refused_unread(self, app):
        got = call(app, "POST", query="session=AAAAAAAAAAAAAAAAAAAAAAAA", body=b"x" * 2000)
        assert got["status"].startswith("413")

    def test_head_has_no_body(self, app):
        got = call(app, "HEAD")
        assert got["status"] == "200 OK" and got["body"] == b""

    def test_bad_arguments(self):
        from pywebio_lite.platform.wsgi import wsgi_app
        with pytest.raises(ValueError, match="session_expire_seconds"):
            wsgi_app(hello, session_expire_seconds=-5)
        with pytest.raises(ValueError, match="max_payload_size"):
            wsgi_app(hello, max_payload_size="lots")


class TestFlask:
    def test_webio_view_serves_page_files_and_polls_through_one_rule(self):
        from flask import Flask
        from pywebio_lite.platform.flask import webio_view
        seen = {}

        def main():
            seen.update(backend=session_info.backend, protocol=session_info.protocol,
                        path=session_info.request.path, is_flask=session_info.request is not None)
            put_text("hi")

        app = Flask(__name__)
        app.add_url_rule("/tool", "webio_view", webio_view(main, cdn=False), methods=["GET", "POST", "OPTIONS"])
        client = app.test_client()
        page = client.get("/tool")
        assert page.status_code == 200 and b"./tool?_pwl_file=js/main.linked.js" in page.data
        core = client.get("/tool?_pwl_file=js/main.linked.js")
        assert core.status_code == 200 and b"./tool?_pwl_file=js/" in core.data
        opened = client.post("/tool?app=index&session=NEW", headers={"Origin": "http://localhost"})
        assert opened.status_code == 200 and opened.data.startswith(b'{"hello"')
        assert b'"content":"hi"' in opened.data
        assert seen == {"backend": "flask", "protocol": "http", "path": "/tool", "is_flask": True}
        foreign = client.post("/tool?app=index&session=NEW", headers={"Origin": "http://evil.test"})
        assert foreign.status_code == 403 and foreign.data == b"Forbidden origin"

    def test_wsgi_app_serves_at_the_root(self):
        from pywebio_lite.platform.flask import wsgi_app
        client = wsgi_app(hello).test_client()
        assert client.get("/").status_code == 200
        assert client.post("/?app=index&session=NEW").status_code == 200
        assert client.put("/").status_code == 405


def test_django_webio_view_and_wsgi_app():
    script = textwrap.dedent("""
        import io, json
        from pywebio_lite.output import put_text
        from pywebio_lite.session import info
        from pywebio_lite.platform.django import wsgi_app
        seen = {}
        def main():
            seen.update(backend=info.backend, protocol=info.protocol, method=info.request.method)
            put_text("hi")
        app = wsgi_app(main)
        def call(method, query):
            env = {"REQUEST_METHOD": method, "PATH_INFO": "/", "QUERY_STRING": query, "SERVER_NAME": "t",
                   "SERVER_PORT": "80", "HTTP_HOST": "t", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http"}
            out = {}
            body = b"".join(app(env, lambda status, headers: out.update(status=status, headers=dict(headers))))
            return out["status"], out["headers"], body
        status, headers, body = call("GET", "")
        assert status == "200 OK" and b"./?_pwl_file=js/main.linked.js" in body, (status, body[:300])
        status, headers, body = call("POST", "app=index&session=NEW")
        assert status == "200 OK" and headers["Content-Type"] == "application/x-ndjson", (status, body)
        assert b'"content":"hi"' in body
        assert seen == {"backend": "django", "protocol": "http", "method": "POST"}, seen
        status, headers, body = call("POST", "app=index&session=nonsense&ack=1")
        assert status.startswith("400") and body == b"malformed session id", (status, body)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_adapters_import_their_framework_only_when_called():
    script = ("import sys; import pywebio_lite.platform.flask, pywebio_lite.platform.django, "
              "pywebio_lite.platform.wsgi, pywebio_lite.platform.tornado_http; "
              "print(sorted({'flask', 'django', 'werkzeug', 'tornado'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_tornado_http_handler():
    import asyncio
    import tornado.httpclient
    import tornado.web
    from pywebio_lite.platform.tornado_http import webio_handler
    seen = {}

    def main():
        seen.update(backend=session_info.backend, protocol=session_info.protocol, path=session_info.request.path)
        put_text("hi")

    async def scenario():
        server = tornado.web.Application([(r"/tool", webio_handler(main))]).listen(0, "127.0.0.1")
        port = next(iter(server._sockets.values())).getsockname()[1]
        client = tornado.httpclient.AsyncHTTPClient()
        base = f"http://127.0.0.1:{port}/tool"
        try:
            page = await client.fetch(base)
            assert b"./tool?_pwl_file=js/main.linked.js" in page.body
            opened = await client.fetch(base + "?app=index&session=NEW", method="POST", body=b"",
                                        allow_nonstandard_methods=True)
            assert opened.headers["Content-Type"] == "application/x-ndjson" and b'"content":"hi"' in opened.body
            bad = await client.fetch(base + "?app=index&session=NEW", method="POST", body=b"",
                                     headers={"Origin": "http://evil.test"}, raise_error=False)
            assert (bad.code, bad.body) == (403, b"Forbidden origin")
        finally:
            server.stop()
    errors = []

    def in_thread():  # a loop of its own, whatever the test process's main thread holds
        try:
            asyncio.run(scenario())
        except BaseException as exc:  # handed to the test below
            errors.append(exc)
    runner = threading.Thread(target=in_thread)
    runner.start()
    runner.join()
    if errors:
        raise errors[0]
    assert seen == {"backend": "tornado", "protocol": "http", "path": "/tool"}

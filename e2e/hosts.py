"""WSGI hosts for the long-polling browser tests: each mounts pywebio_lite apps under a path next
to routes of its own, on a free loopback port, in a background thread (gunicorn: a subprocess).

    HOSTS[kind](apps, **options) -> (URL of the mounted app, stop())
    kind: wsgiref, flask, django, tornado_http (not WSGI: Tornado's own asyncio loop)
"""
from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


_apps: list = []


def greet_and_wave(page, name: str) -> None:
    """Answer the "Your name" form, see the greeting, press "Wave" and see its answer."""
    from playwright.sync_api import expect
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text(f"Hello, {name}")).to_be_visible()
    page.get_by_role("button", name="Wave").click()
    expect(page.get_by_text("waved back")).to_be_visible()


def last_app():
    """The WebIOApp of the host started last (for tests that act on its sessions)."""
    return _apps[-1]


def serve_wsgi(application) -> tuple[str, callable]:
    """Run a WSGI application on a threaded wsgiref server: (base URL, stop)."""
    server = make_server("127.0.0.1", 0, application, server_class=_Threaded, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
    return f"http://127.0.0.1:{server.server_port}", stop


def wsgiref_host(apps, **options):
    """Our framework-free wsgi_app mounted at /tool/ by a tiny dispatcher, beside a page of the host's."""
    from pywebio_lite.platform.wsgi import wsgi_app
    tool = wsgi_app(apps, **options)
    _apps.append(tool.webio_app)

    def host(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == "/tool" or path.startswith("/tool/"):
            environ["SCRIPT_NAME"] = "/tool"
            environ["PATH_INFO"] = path[len("/tool"):]
            return tool(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"the host's own page"]
    base, stop = serve_wsgi(host)
    return base + "/tool/", stop


def flask_host(apps, **options):
    from flask import Flask
    from pywebio_lite.platform.flask import webio_view
    app = Flask(__name__)

    @app.route("/")
    def home():
        return "the host's own page"
    view = webio_view(apps, **options)
    _apps.append(view.webio_app)
    app.add_url_rule("/tool", "webio_view", view, methods=["GET", "POST", "OPTIONS"])
    base, stop = serve_wsgi(app)
    return base + "/tool", stop


_django_urls: list = []


def django_host(apps, **options):
    import django
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpResponse
    from django.urls import path, clear_url_caches
    from pywebio_lite.platform.django import webio_view
    if not settings.configured:
        settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECRET_KEY="e2e-only",
                           MIDDLEWARE=["django.middleware.common.CommonMiddleware",
                                       "django.middleware.csrf.CsrfViewMiddleware"])
        django.setup()
    settings.ROOT_URLCONF = __name__  # whoever configured Django first, these are the routes
    view = webio_view(apps, **options)
    _apps.append(view.webio_app)
    _django_urls[:] = [path("", lambda request: HttpResponse("the host's own page")), path("tool", view)]
    clear_url_caches()
    base, stop = serve_wsgi(get_wsgi_application())
    return base + "/tool", stop


urlpatterns = _django_urls


def tornado_host(apps, **options):
    """tornado_http's handler at /tool beside a handler of the host's, on Tornado's own loop (a thread)."""
    import asyncio
    import tornado.web
    from pywebio_lite.platform.tornado_http import webio_handler

    class Home(tornado.web.RequestHandler):
        def get(self):
            self.write("the host's own page")

    handler = webio_handler(apps, **options)
    _apps.append(handler.webio_app)
    started = threading.Event()
    state = {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def listen():
            server = tornado.web.Application([(r"/", Home), (r"/tool", handler)]).listen(0, "127.0.0.1")
            state.update(loop=loop, server=server, port=next(iter(server._sockets.values())).getsockname()[1])
            started.set()
        loop.run_until_complete(listen())
        loop.run_forever()
        loop.close()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait()

    def stop():
        state["loop"].call_soon_threadsafe(state["server"].stop)
        state["loop"].call_soon_threadsafe(state["loop"].stop)
        thread.join()
    return f"http://127.0.0.1:{state['port']}/tool", stop

HOSTS = {"wsgiref": wsgiref_host, "flask": flask_host, "django": django_host, "tornado_http": tornado_host}

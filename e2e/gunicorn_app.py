"""The WSGI application gunicorn runs in e2e/test_wsgi_hosts.py: the host's own page at /,
pywebio_lite apps (a thread app and a coroutine app) under /tool/ via platform.wsgi.wsgi_app."""
from pywebio_lite.input import input as ask
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.platform.wsgi import wsgi_app


def thread_app():
    name = ask("Your name")
    put_text(f"Hello, {name}")
    put_buttons(["Wave"], onclick=lambda _: put_text("waved back"))


async def coroutine_app():
    name = await ask("Your name")
    put_text(f"Hello, {name}")
    put_buttons(["Wave"], onclick=lambda _: put_text("waved back"))


tool = wsgi_app({"index": thread_app, "coro": coroutine_app})


def application(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    if path == "/tool" or path.startswith("/tool/"):
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/tool"
        environ["PATH_INFO"] = path[len("/tool"):]
        return tool(environ, start_response)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the host's own page"]

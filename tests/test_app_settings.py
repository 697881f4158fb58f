"""Settings a server is started with reach its own sessions, and only those: max_payload_size (the
upload limit) and debug (traceback popups)."""
import asyncio
import json
import logging

import pytest

from pywebio_lite.input import file_upload
from pywebio_lite.output import put_text
from pywebio_lite.platform.page import MAX_PAYLOAD_SIZE
from pywebio_lite.platform.server import make_server
from pywebio_lite.protocol.http import Headers, Request
from pywebio_lite.session import hold
from pywebio_lite.session.base import Session


class FakeWS:
    """The server's WebSocket as a handler sees it."""

    writable = True

    def __init__(self):
        self.sent = []

    def send(self, data):
        self.sent.append(data)

    def close(self, code=1000, reason=""):
        pass

    async def drain(self):
        pass

    def commands(self):
        return [c for text in self.sent for c in json.loads(text).get("commands", [])]


def run_session(server) -> list:
    """Open one session of `server`'s app over a fake socket; the commands it sent."""
    async def go():
        request = Request("GET", "/?app=index&session=NEW", headers=Headers([("Host", "localhost")]),
                          remote=("127.0.0.1", 1))
        conn = server.app.handle_websocket(request)
        ws = FakeWS()
        conn.on_open(ws)
        for _ in range(50):
            await asyncio.sleep(0)
            if any(c["command"] in ("input_group", "close_session", "popup") for c in ws.commands()):
                break
        conn.on_close(1001, "")
        return ws.commands()
    return asyncio.run(go())


def serve(app, **options):
    """A server for `app` (not started). A cdn URL: no page is served, so the frontend is not
    linked in a background thread that other tests' asset caches would see."""
    return make_server(app, port=0, cdn="https://cdn.invalid/", **options)


def form_of(commands) -> dict:
    return next(c["spec"] for c in commands if c["command"] == "input_group")


def upload_app(max_size):
    """A coroutine app asking for a file of at most `max_size`."""
    async def app():
        try:
            await file_upload("f", max_size=max_size)
        except ValueError as error:
            put_text(f"refused: {error}")
            await hold()
    return app


@pytest.mark.parametrize("max_size, expected", [(0, 300 << 20), ("250M", 250 << 20)])
def test_uploads_follow_the_servers_max_payload_size(max_size, expected):
    server = serve(upload_app(max_size), max_payload_size="300M")
    field = form_of(run_session(server))["inputs"][0]
    assert field["max_size"] == expected  # over the 200 MB default: the server's setting counts


def test_an_upload_limit_over_the_servers_is_refused():
    server = serve(upload_app("400M"), max_payload_size="300M")
    texts = [c["spec"]["content"] for c in run_session(server) if c["command"] == "output"]
    assert texts and "max_size" in texts[0] and str(300 << 20) in texts[0]


def test_without_a_setting_the_default_applies():
    server = serve(upload_app(0))
    assert form_of(run_session(server))["inputs"][0]["max_size"] == MAX_PAYLOAD_SIZE


async def failing_app():
    raise ValueError("visible traceback")


def popups(commands) -> list:
    return [c["spec"] for c in commands if c["command"] == "popup"]


def test_debug_is_a_setting_of_one_app(caplog):
    with caplog.at_level(logging.CRITICAL):
        debug = serve(failing_app, debug=True)
        plain = serve(failing_app)
        assert Session.debug is False  # nothing process-wide
        shown = popups(run_session(debug))
        assert shown and "visible traceback" in json.dumps(shown)
        assert popups(run_session(plain)) == []

"""platform.asgi.asgi_app driven by hand, as an ASGI server would: scopes, receive and send.

Every rule of the adapter: the path below root_path, the redirect of the mount point, HEAD,
304s, request bodies (refused unread, read up to max_payload_size, 413 beyond), lifespan,
unknown scopes, refused upgrades (with and without the websocket.http.response extension),
a session over the socket, and messages over the limits closed with 1009.
"""
import asyncio
import json

import pytest

from pywebio_lite.input import input
from pywebio_lite.output import put_text
from pywebio_lite.platform.asgi import ASGIApp, asgi_app, mount_path
from pywebio_lite.protocol.http import Response
from pywebio_lite.session import info


def hello():
    put_text("hello")


def greeter():
    name = input("Name")
    put_text(f"Hello, {name} ({info.backend}, {info.protocol})")


class Peer:
    """The ASGI server's side of one connection: what the app may receive, and what it sent."""

    def __init__(self, *messages, blocking=False):
        self.incoming = asyncio.Queue()
        for message in messages:
            self.incoming.put_nowait(message)
        self.outgoing = asyncio.Queue()
        self.blocking = blocking
        self.reads = 0

    async def receive(self):
        if not self.blocking and self.incoming.empty():
            raise AssertionError("the app read more than the client sent")
        self.reads += 1
        return await self.incoming.get()

    async def send(self, message):
        self.outgoing.put_nowait(message)

    def sent(self):
        out = []
        while not self.outgoing.empty():
            out.append(self.outgoing.get_nowait())
        return out


def scope_for(kind="http", path="/", root_path="", method="GET", headers=(), query=b"", **extra):
    scope = {"type": kind, "asgi": {"version": "3.0"}, "path": path, "root_path": root_path,
             "query_string": query, "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
             "scheme": "ws" if kind == "websocket" else "http"}
    if kind == "http":
        scope["method"] = method
    scope.update(extra)
    return scope


def http(app, path="/", *, body=(b"",), **scope_options):
    """(status, headers dict, body, peer) of one request whose body comes in the `body` chunks."""
    async def run():
        messages = [{"type": "http.request", "body": chunk, "more_body": i < len(body) - 1}
                    for i, chunk in enumerate(body)]
        peer = Peer(*messages)
        await app(scope_for(path=path, **scope_options), peer.receive, peer.send)
        return peer
    peer = asyncio.run(run())
    sent = peer.sent()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, sent[1]["body"], peer


@pytest.fixture
def app():
    return asgi_app(hello)


@pytest.mark.parametrize("path, root_path, below", [
    ("/", "", "/"),
    ("/tool/", "/tool", "/"),
    ("/tool", "/tool", ""),
    ("/tool/_pywebio_lite/js/main.js", "/tool", "/_pywebio_lite/js/main.js"),
    ("/tool/x", "/tool/", "/x"),                # a root_path given with its slash
    ("/toolbox/", "/tool", "/toolbox/"),        # only whole segments are the mount point
    ("/x/", "/tool", "/x/"),                    # hosts that passed only the rest in path
    ("/tool/a b/ü", "/tool", "/a%20b/%C3%BC"),  # percent-encoded again for our Request
    ("/tool/a%2Fb", "/tool", "/a%252Fb"),       # a decoded "%" stays a literal "%"
])
def test_the_path_below_the_mount_point(path, root_path, below):
    assert mount_path({"path": path, "root_path": root_path}) == below


def test_the_page_under_a_prefix(app):
    status, headers, body, _ = http(app, "/tool/", root_path="/tool")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert int(headers["content-length"]) == len(body)
    assert b"./_pywebio_lite/" in body  # relative URLs: they resolve below /tool/


def test_the_mount_point_redirects_to_its_slash_keeping_the_query(app):
    status, headers, body, _ = http(app, "/tool", root_path="/tool", query=b"app=index")
    assert status == 307 and headers["location"] == "/tool/?app=index" and body == b""


def test_head_has_the_length_of_get_and_no_body(app):
    _, got, page, _ = http(app, "/")
    status, headers, body, _ = http(app, "/", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(page))


def test_frontend_files_keep_etag_304_and_gzip(app):
    path = "/tool/_pywebio_lite/css/app.css"
    status, headers, body, _ = http(app, path, root_path="/tool")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"{" in body
    status, again, body, _ = http(app, path, root_path="/tool", headers=[("If-None-Match", headers["etag"])])
    assert status == 304 and body == b"" and "content-length" not in again
    status, zipped, body, _ = http(app, path, root_path="/tool", headers=[("Accept-Encoding", "gzip")])
    assert status == 200 and zipped["content-encoding"] == "gzip" and body[:2] == b"\x1f\x8b"


def test_unknown_paths_and_traversal_are_404(app):
    assert http(app, "/nope")[0] == 404
    assert http(app, "/_pywebio_lite/../../pyproject.toml")[0] == 404
    assert http(app, "/tool/_pywebio_lite/%2e%2e/%2e%2e/pyproject.toml", root_path="/tool")[0] == 404


def test_a_body_no_route_takes_is_refused_unread(app):
    status, headers, _, peer = http(app, "/", method="POST", body=(b"x" * 10,),
                                    headers=[("Content-Length", "10")])
    assert status == 405 and "GET" in headers["allow"]
    assert peer.reads == 0


class BodyEcho:
    """A WebIOApp stand-in whose one route takes bodies: it answers with the body's length."""

    def refuse_body(self, request):
        return None

    async def handle_request(self, request):
        return Response.text(200, f"{request.method} {request.path} {len(request.body)}")


def echo_app(limit=100):
    return ASGIApp(BodyEcho(), max_payload_size=limit, max_text_size=limit)


def test_a_body_in_chunks_is_read_whole():
    status, _, body, _ = http(echo_app(), "/poll", method="POST", body=(b"a" * 40, b"b" * 60),
                              headers=[("Transfer-Encoding", "chunked")])
    assert (status, body) == (200, b"POST /poll 100")


def test_a_body_announced_over_the_limit_is_413_unread():
    status, _, _, peer = http(echo_app(), "/", method="POST", body=(b"x",),
                              headers=[("Content-Length", "101")])
    assert status == 413 and peer.reads == 0


def test_a_body_growing_over_the_limit_is_413():
    status, _, body, peer = http(echo_app(), "/", method="POST", body=(b"x" * 60, b"x" * 60, b"x"),
                                 headers=[("Transfer-Encoding", "chunked")])
    assert status == 413 and b"too large" in body and peer.reads == 2


def test_a_client_gone_during_the_body_gets_no_answer():
    async def run():
        peer = Peer({"type": "http.request", "body": b"x", "more_body": True}, {"type": "http.disconnect"})
        await echo_app()(scope_for(method="POST", headers=[("Content-Length", "50")]), peer.receive, peer.send)
        return peer.sent()
    assert asyncio.run(run()) == []


def test_an_error_in_the_app_object_is_a_500():
    class Broken(BodyEcho):
        async def handle_request(self, request):
            raise RuntimeError("boom")
    assert http(ASGIApp(Broken(), max_payload_size=10, max_text_size=10), "/")[0] == 500


def test_auth_and_allowed_hosts_guard_every_request():
    import base64
    app = asgi_app(hello, auth=("ada", "secret"), allowed_hosts=["tool.example"])
    host = [("Host", "tool.example")]
    status, headers, _, _ = http(app, "/", headers=host)
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    good = [*host, ("Authorization", "Basic " + base64.b64encode(b"ada:secret").decode())]
    assert http(app, "/", headers=good)[0] == 200
    assert http(app, "/", headers=[("Host", "evil.example"), good[1]])[0] == 400


def test_lifespan_is_acknowledged(app):
    async def run():
        peer = Peer({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"})
        await app({"type": "lifespan", "asgi": {"version": "3.0"}}, peer.receive, peer.send)
        return [m["type"] for m in peer.sent()]
    assert asyncio.run(run()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_an_unknown_scope_type_raises(app):
    with pytest.raises(ValueError, match="'telepathy'"):
        asyncio.run(app({"type": "telepathy"}, None, None))


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="max_payload_size"):
        asgi_app(hello, max_payload_size="lots")
    with pytest.raises(ValueError, match="reconnect_timeout"):
        asgi_app(hello, reconnect_timeout=-1)
    with pytest.raises(TypeError, match="allowed_origins"):
        asgi_app(hello, allowed_origins="https://example.com")


# ---------------------------------------------------------------------- WebSocket
def ws_scope(origin="http://127.0.0.1:8000", path="/tool/", extensions=None):
    extra = {"extensions": extensions} if extensions is not None else {}
    return scope_for("websocket", path=path, root_path="/tool", query=b"app=index&session=NEW",
                     headers=[("Host", "127.0.0.1:8000"), ("Origin", origin)], **extra)


@pytest.mark.parametrize("extensions", [{"websocket.http.response": {}}, {}])
def test_a_foreign_origin_is_refused(app, extensions):
    async def run():
        peer = Peer({"type": "websocket.connect"})
        await app(ws_scope(origin="https://evil.example", extensions=extensions), peer.receive, peer.send)
        return peer.sent()
    sent = asyncio.run(run())
    if extensions:  # the refusal goes out as the HTTP answer to the upgrade
        assert [m["type"] for m in sent] == ["websocket.http.response.start", "websocket.http.response.body"]
        assert sent[0]["status"] == 403 and b"origin" in sent[1]["body"].lower()
    else:  # only a close before accept: the server answers 403
        assert [m["type"] for m in sent] == ["websocket.close"]


def test_an_unknown_socket_path_is_refused_with_404(app):
    async def run():
        peer = Peer({"type": "websocket.connect"})
        await app(ws_scope(path="/tool/elsewhere", extensions={"websocket.http.response": {}}),
                  peer.receive, peer.send)
        return peer.sent()
    assert asyncio.run(run())[0]["status"] == 404


async def next_command(peer, name):
    """The first command `name` in the frames the app sends next (frames: {"seq", "commands"})."""
    while True:
        message = await peer.outgoing.get()
        if message["type"] == "websocket.accept":
            continue
        assert message["type"] == "websocket.send", message
        for command in json.loads(message["text"]).get("commands", []):
            if command["command"] == name:
                return command


def submit(form, values, seq=1):
    return {"type": "websocket.receive", "text": json.dumps({"seq": seq, "events": [
        {"event": "from_submit", "task_id": form["task_id"], "data": values, "form": form["spec"]["form_id"]}]})}


def test_a_session_runs_over_the_socket():
    app = asgi_app(greeter)

    async def run():
        peer = Peer({"type": "websocket.connect"}, blocking=True)
        task = asyncio.ensure_future(app(ws_scope(), peer.receive, peer.send))
        assert (await peer.outgoing.get())["type"] == "websocket.accept"
        form = await next_command(peer, "input_group")
        peer.incoming.put_nowait(submit(form, {"data": "Ada"}))
        output = await next_command(peer, "output")
        while (message := await peer.outgoing.get())["type"] != "websocket.close":
            pass  # the app has ended: the session closes the socket
        assert message["code"] == 1000
        peer.incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await task
        return output
    assert asyncio.run(run())["spec"]["content"] == "Hello, Ada (asgi, websocket)"


@pytest.mark.parametrize("message", [{"text": "x" * 1001}, {"text": "é" * 501}, {"bytes": b"x" * 2001}])
def test_a_message_over_the_limit_closes_the_socket_with_1009(message):
    app = asgi_app(greeter, max_payload_size=2000, max_text_message_size=1000)
    ended = []

    async def run():
        peer = Peer({"type": "websocket.connect"}, blocking=True)
        task = asyncio.ensure_future(app(ws_scope(), peer.receive, peer.send))
        await next_command(peer, "input_group")
        peer.incoming.put_nowait({"type": "websocket.receive", **message})
        await task  # the app returns: the session is over
        ended.extend(peer.sent())
    asyncio.run(run())
    assert ended[-1]["type"] == "websocket.close" and ended[-1]["code"] == 1009


def test_messages_at_the_limit_pass():
    app = asgi_app(greeter, max_payload_size=2000, max_text_message_size=1000)

    async def run():
        peer = Peer({"type": "websocket.connect"}, blocking=True)
        task = asyncio.ensure_future(app(ws_scope(), peer.receive, peer.send))
        form = await next_command(peer, "input_group")
        name = "a" * (1000 - len(json.dumps(submit(form, {"data": ""})["text"])) - 10)
        event = submit(form, {"data": name})
        assert len(event["text"]) <= 1000
        peer.incoming.put_nowait({"type": "websocket.receive", "bytes": b"\0" * 2000})  # not an upload: ignored
        peer.incoming.put_nowait(event)
        output = await next_command(peer, "output")
        peer.incoming.put_nowait({"type": "websocket.disconnect", "code": 1001})
        await task
        return output
    assert "Hello, aaa" in asyncio.run(run())["spec"]["content"]

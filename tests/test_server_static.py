"""Static files (pywebio_lite.server.static): path safety, MIME types, ETag/304, HEAD and gzip;
unit tests on Request objects, then the same traversal attempts over a real socket."""
import gzip
import os
import pathlib
import threading

import pytest

from pywebio_lite.protocol.http import Headers, Request, Response
from pywebio_lite.server import resolve_static, serve_static
from pywebio_lite.server import static
from pywebio_lite.server.static import content_type

from test_server_support import HttpReader, connect, http_exchange, running

BIG_JS = ("function f(x) { return x + 1; }\n" * 200).encode()   # > 1 KiB, compressible


@pytest.fixture
def tree(tmp_path):
    """root/ with a few files, plus a secret next to it and symlinks pointing out."""
    root = tmp_path / "root"
    (root / "js").mkdir(parents=True)
    (root / "css").mkdir()
    (root / "index.html").write_text("<!doctype html><p>hi</p>")
    (root / "js" / "app.js").write_bytes(BIG_JS)
    (root / "js" / "small.js").write_text("var a = 1;")
    (root / "css" / "app.css").write_text("body { color: red }")
    (root / "font.woff2").write_bytes(b"wOF2\x00\x01")
    (root / "data.json").write_text('{"a": 1}')
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "blob.bin").write_bytes(b"\x00\x01\x02")
    (root / "a b.txt").write_text("space")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text("TOP SECRET")
    os.symlink(tmp_path / "secret.txt", root / "link_out.txt")
    os.symlink(tmp_path / "outside", root / "dirlink")
    os.symlink(root / "index.html", root / "link_in.html")
    return root


def req(path="/", method="GET", headers=()):
    return Request(method, path, "HTTP/1.1", Headers([("Host", "t"), *headers]))


TRAVERSALS = [
    "../secret.txt",
    "js/../../secret.txt",
    "..",
    "/etc/passwd",
    "//etc/passwd",
    "..\\secret.txt",
    "js\\..\\..\\secret.txt",
    "index.html\x00.png",
    "\x00",
    "link_out.txt",
    "dirlink/x.txt",
    "C:/Windows/win.ini",
    "c:secret.txt",
    "./index.html",
    "js//app.js",
    "",
    "js",                      # a directory, not a file
    "js/",
    "missing.txt",
]


class TestResolve:
    """resolve_static never leaves the root."""

    @pytest.mark.parametrize("rel", TRAVERSALS)
    def test_refused(self, tree, rel):
        assert resolve_static(tree, rel) is None

    def test_encoded_names_are_not_decoded_again(self, tree):
        # rel_path is already decoded by the caller: "%2e%2e" is just an odd file name.
        assert resolve_static(tree, "%2e%2e/secret.txt") is None
        assert resolve_static(tree, "%2e%2e%2fsecret.txt") is None

    @pytest.mark.parametrize("rel", ["index.html", "js/app.js", "a b.txt", "link_in.html"])
    def test_found(self, tree, rel):
        path = resolve_static(tree, rel)
        assert path is not None and path.is_file()
        assert path.is_relative_to(tree.resolve())

    def test_root_as_str(self, tree):
        assert resolve_static(str(tree), "index.html") == (tree / "index.html").resolve()

    def test_missing_root(self, tmp_path):
        assert resolve_static(tmp_path / "nope", "index.html") is None

    def test_rel_path_type(self, tree):
        with pytest.raises(TypeError, match="rel_path"):
            resolve_static(tree, b"index.html")


class TestContentType:
    @pytest.mark.parametrize("name,ctype", [
        ("a.js", "text/javascript; charset=utf-8"),
        ("a.mjs", "text/javascript; charset=utf-8"),
        ("a.css", "text/css; charset=utf-8"),
        ("a.html", "text/html; charset=utf-8"),
        ("a.svg", "image/svg+xml"),
        ("a.woff2", "font/woff2"),
        ("a.json", "application/json"),
        ("a.png", "image/png"),
        ("A.JS", "text/javascript; charset=utf-8"),
        ("noext", "application/octet-stream"),
        ("a.unknownext", "application/octet-stream"),
    ])
    def test_types(self, name, ctype):
        assert content_type(name) == ctype


class TestServe:
    """serve_static on Request objects."""

    def test_ok(self, tree):
        r = serve_static(req(), tree, "index.html")
        assert r.status == 200 and r.body == b"<!doctype html><p>hi</p>"
        assert r.get_header("Content-Type") == "text/html; charset=utf-8"
        assert r.get_header("Cache-Control") == "no-cache"
        assert r.get_header("ETag").startswith('"')
        assert r.get_header("Last-Modified").endswith("GMT")
        assert r.get_header("X-Content-Type-Options") == "nosniff"

    def test_cache_control_argument(self, tree):
        r = serve_static(req(), tree, "index.html", cache_control="public, max-age=3600")
        assert r.get_header("Cache-Control") == "public, max-age=3600"

    @pytest.mark.parametrize("rel", TRAVERSALS)
    def test_traversal_is_404(self, tree, rel):
        r = serve_static(req(), tree, rel)
        assert r.status == 404 and b"SECRET" not in r.body

    def test_post_is_405(self, tree):
        r = serve_static(req(method="POST"), tree, "index.html")
        assert r.status == 405 and r.get_header("Allow") == "GET, HEAD"

    def test_head_has_the_same_headers(self, tree):
        get, head = serve_static(req(), tree, "index.html"), serve_static(req(method="HEAD"), tree, "index.html")
        assert head.status == 200 and head.headers == get.headers


class TestConditional:
    """RFC 9110 §13.1.2 If-None-Match and §13.1.3 If-Modified-Since."""

    def test_etag_304(self, tree):
        etag = serve_static(req(), tree, "index.html").get_header("ETag")
        r = serve_static(req(headers=[("If-None-Match", etag)]), tree, "index.html")
        assert r.status == 304 and r.body == b""
        assert r.get_header("ETag") == etag

    @pytest.mark.parametrize("inm", ['"nope", {etag}', "W/{etag}", "*"])
    def test_list_weak_and_star(self, tree, inm):
        etag = serve_static(req(), tree, "index.html").get_header("ETag")
        r = serve_static(req(headers=[("If-None-Match", inm.format(etag=etag))]), tree, "index.html")
        assert r.status == 304

    def test_changed_file_is_200(self, tree):
        etag = serve_static(req(), tree, "index.html").get_header("ETag")
        (tree / "index.html").write_text("<p>changed, and longer</p>")
        r = serve_static(req(headers=[("If-None-Match", etag)]), tree, "index.html")
        assert r.status == 200 and r.get_header("ETag") != etag

    def test_if_modified_since(self, tree):
        lm = serve_static(req(), tree, "index.html").get_header("Last-Modified")
        assert serve_static(req(headers=[("If-Modified-Since", lm)]), tree, "index.html").status == 304
        old = "Sun, 06 Nov 1994 08:49:37 GMT"
        assert serve_static(req(headers=[("If-Modified-Since", old)]), tree, "index.html").status == 200
        assert serve_static(req(headers=[("If-Modified-Since", "garbage")]), tree, "index.html").status == 200

    def test_if_none_match_wins_over_if_modified_since(self, tree):
        lm = serve_static(req(), tree, "index.html").get_header("Last-Modified")
        r = serve_static(req(headers=[("If-None-Match", '"other"'), ("If-Modified-Since", lm)]),
                         tree, "index.html")
        assert r.status == 200


class TestGzip:
    """Text files over 1 KiB are gzipped for clients that accept it."""

    def test_gzipped(self, tree):
        r = serve_static(req(headers=[("Accept-Encoding", "gzip, deflate, br")]), tree, "js/app.js")
        assert r.get_header("Content-Encoding") == "gzip"
        assert r.get_header("Vary") == "Accept-Encoding"
        assert gzip.decompress(r.body) == BIG_JS and len(r.body) < len(BIG_JS)

    def test_cached_bytes_are_reused(self, tree):
        h = [("Accept-Encoding", "gzip")]
        assert serve_static(req(headers=h), tree, "js/app.js").body is \
            serve_static(req(headers=h), tree, "js/app.js").body

    def test_gzip_has_its_own_etag(self, tree):
        plain = serve_static(req(), tree, "js/app.js")
        gz = serve_static(req(headers=[("Accept-Encoding", "gzip")]), tree, "js/app.js")
        assert plain.get_header("ETag") != gz.get_header("ETag")
        assert plain.get_header("Vary") == "Accept-Encoding"
        assert plain.get_header("Content-Encoding") is None and plain.body == BIG_JS

    @pytest.mark.parametrize("ae", [None, "identity", "gzip;q=0", "br", "deflate"])
    def test_not_accepted(self, tree, ae):
        headers = [] if ae is None else [("Accept-Encoding", ae)]
        r = serve_static(req(headers=headers), tree, "js/app.js")
        assert r.get_header("Content-Encoding") is None and r.body == BIG_JS

    @pytest.mark.parametrize("ae", ["*", "GZIP", "gzip;q=0.5", "x-gzip"])
    def test_accepted_spellings(self, tree, ae):
        r = serve_static(req(headers=[("Accept-Encoding", ae)]), tree, "js/app.js")
        assert r.get_header("Content-Encoding") == "gzip"

    def test_small_and_binary_files_are_not_gzipped(self, tree):
        h = [("Accept-Encoding", "gzip")]
        assert serve_static(req(headers=h), tree, "js/small.js").get_header("Content-Encoding") is None
        (tree / "big.png").write_bytes(b"\x89PNG" + b"\x00" * 5000)
        assert serve_static(req(headers=h), tree, "big.png").get_header("Content-Encoding") is None


class StaticApp:
    """/static/<rel> from a root directory; rel comes from the percent-decoded path."""

    def __init__(self, root: pathlib.Path):
        self.root = root

    async def handle_request(self, request):
        if request.path.startswith("/static/"):
            return serve_static(request, self.root, request.path[len("/static/"):])
        return Response.text(404, "not found")

    def handle_websocket(self, request):
        return Response.text(404, "not found")


WIRE_TRAVERSALS = [
    b"/static/../secret.txt",
    b"/static/%2e%2e/secret.txt",
    b"/static/%2E%2E/secret.txt",
    b"/static/%2e%2e%2fsecret.txt",
    b"/static/..%2fsecret.txt",
    b"/static/js%2f..%2f..%2fsecret.txt",
    b"/static/..%5csecret.txt",
    b"/static/%5c..%5csecret.txt",
    b"/static/%2fetc%2fpasswd",
    b"/static//etc/passwd",
    b"/static/index.html%00.png",
    b"/static/link_out.txt",
    b"/static/dirlink/x.txt",
    b"/static/%252e%252e/secret.txt",
    b"/static/C:%5cWindows%5cwin.ini",
    b"http://t/static/../secret.txt",
]


class TestOverTheWire:
    """The same attacks as raw request targets: always 404, never the secret."""

    @pytest.fixture
    def server(self, tree):
        with running(StaticApp(tree)) as srv:
            yield srv

    @pytest.mark.parametrize("target", WIRE_TRAVERSALS)
    def test_traversal_404(self, server, target):
        status, _, body = http_exchange(server, b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n\r\n")
        assert status == 404 and b"SECRET" not in body

    def test_200_then_304_on_one_connection(self, server):
        with connect(server) as sock:
            reader = HttpReader(sock)
            sock.sendall(b"GET /static/css/app.css HTTP/1.1\r\nHost: t\r\n\r\n")
            status, headers, body = reader.read_response()
            assert status == 200 and body == b"body { color: red }"
            assert headers["content-type"] == "text/css; charset=utf-8"
            etag = headers["etag"].encode()
            sock.sendall(b"GET /static/css/app.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: " + etag + b"\r\n\r\n")
            status, headers, body = reader.read_response()
            assert status == 304 and body == b"" and "content-length" not in headers
            sock.sendall(b"GET /static/index.html HTTP/1.1\r\nHost: t\r\n\r\n")
            assert reader.read_response()[0] == 200

    def test_head(self, server):
        with connect(server) as sock:
            reader = HttpReader(sock)
            sock.sendall(b"HEAD /static/js/app.js HTTP/1.1\r\nHost: t\r\n\r\n"
                         b"GET /static/js/small.js HTTP/1.1\r\nHost: t\r\n\r\n")
            status, headers, _ = reader.read_response(head=True)
            assert status == 200 and headers["content-length"] == str(len(BIG_JS))
            assert reader.read_response()[2] == b"var a = 1;"

    def test_gzip(self, server):
        status, headers, body = http_exchange(
            server, b"GET /static/js/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert headers["vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == BIG_JS

    def test_percent_encoded_space(self, server):
        assert http_exchange(server, b"GET /static/a%20b.txt HTTP/1.1\r\nHost: t\r\n\r\n")[2] == b"space"


class RootApp:
    """Serves `root` at /, recording which thread touches the file system."""

    def __init__(self, root):
        self.root = root

    def handle_request(self, request):
        return serve_static(request, self.root, request.path.lstrip("/"))

    def handle_websocket(self, request):
        return Response.text(404, "no")


class TestOffTheLoop:
    """The file system work happens when the response is made: in a worker thread when the server
    makes it, so a slow disk never blocks the event loop; big files go out in pieces."""

    def test_nothing_is_read_before_the_response_is_made(self, tree):
        response = serve_static(req(), tree, "index.html")
        assert isinstance(response, static.DeferredResponse)
        (tree / "index.html").unlink()
        assert response.status == 404  # made now, on first access

    def test_the_server_makes_it_in_a_worker_thread(self, tree, monkeypatch):
        threads = []
        original = static._serve_static_now

        def spy(*args):
            threads.append(threading.current_thread())
            return original(*args)

        monkeypatch.setattr(static, "_serve_static_now", spy)
        with running(RootApp(tree)) as srv:
            status, _, body = http_exchange(srv, b"GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n")
            loop_thread = srv._thread
        assert (status, body) == (200, b"<!doctype html><p>hi</p>")
        assert threads and threads[0] is not loop_thread and threads[0] is not threading.main_thread()

    def test_a_big_file_is_a_file_response_sent_whole(self, tree):
        data = os.urandom(3 * static.STREAM_MIN + 123)
        (tree / "big.bin").write_bytes(data)
        response = serve_static(req(), tree, "big.bin").resolve()
        assert isinstance(response, static.FileResponse) and response.size == len(data)
        assert response.body == data  # readers other than the server get it whole
        with running(RootApp(tree)) as srv:
            with connect(srv) as sock:
                reader = HttpReader(sock)
                sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\nHEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                             b"GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n")
                status, headers, body = reader.read_response()
                assert status == 200 and body == data and headers["content-type"] == "application/octet-stream"
                status, headers, body = reader.read_response(head=True)
                assert status == 200 and headers["content-length"] == str(len(data)) and body == b""
                assert reader.read_response()[2] == b"<!doctype html><p>hi</p>"  # the connection goes on

    def test_a_file_shorter_than_promised_cuts_the_connection(self, tree):
        (tree / "short.bin").write_bytes(b"x" * 1000)

        class ShrunkApp(RootApp):
            def handle_request(self, request):
                return static.FileResponse([("Content-Type", "application/octet-stream")],
                                           tree / "short.bin", 5000)

        with running(ShrunkApp(tree)) as srv:
            with connect(srv) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                reader = HttpReader(sock)
                head = reader.read_until(b"\r\n\r\n")
                assert b"Content-Length: 5000" in head
                assert reader.read_to_eof() == b"x" * 1000  # then the server hangs up

    def test_small_and_gzipped_files_are_plain_responses(self, tree):
        big_text = b"hello world\n" * (static.STREAM_MIN // 6)
        (tree / "big.txt").write_bytes(big_text)
        gz = serve_static(req(headers=[("Accept-Encoding", "gzip")]), tree, "big.txt").resolve()
        assert not isinstance(gz, static.FileResponse) and gzip.decompress(gz.body) == big_text
        assert not isinstance(serve_static(req(), tree, "index.html").resolve(), static.FileResponse)

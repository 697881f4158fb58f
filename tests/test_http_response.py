"""Response building (pywebio_lite.protocol.http) and the Headers multi-dict, as byte literals."""
import json

import pytest

from pywebio_lite.protocol.http import (
    Headers, Response, build_response, build_response_head, reason_phrase,
)


class TestStatusLine:
    """RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]."""

    def test_reason_phrases(self):
        assert reason_phrase(200) == "OK"
        assert reason_phrase(404) == "Not Found"
        assert reason_phrase(431) == "Request Header Fields Too Large"
        assert reason_phrase(799) == ""

    def test_head_bytes(self):
        head = build_response_head(200, [("Content-Type", "text/plain")], content_length=2)
        assert head == b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"

    def test_unknown_code_keeps_the_space(self):
        assert build_response_head(799, []).startswith(b"HTTP/1.1 799 \r\n")

    @pytest.mark.parametrize("status", [99, 1000, "200", None])
    def test_bad_status(self, status):
        with pytest.raises(ValueError, match="status"):
            build_response_head(status, [])

    def test_date_is_passed_in(self):
        head = build_response_head(204, [], date="Sun, 06 Nov 1994 08:49:37 GMT")
        assert b"\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n" in head


class TestConnectionHeader:
    """RFC 9112 §9.3 / §9.6: announcing whether the connection stays open."""

    def test_keep_alive_http11_adds_nothing(self):
        assert b"Connection" not in build_response_head(200, [], content_length=0)

    def test_close(self):
        assert b"Connection: close\r\n" in build_response_head(200, [], keep_alive=False)

    def test_http10_keep_alive_is_explicit(self):
        head = build_response_head(200, [], request_version="HTTP/1.0")
        assert b"Connection: keep-alive\r\n" in head

    def test_existing_connection_header_wins(self):
        head = build_response_head(101, [("Connection", "Upgrade"), ("Upgrade", "websocket")])
        assert head.count(b"Connection") == 1


class TestHeaderInjection:
    """Field values must not carry CR/LF (RFC 9110 §5.5); names must be tokens."""

    @pytest.mark.parametrize("value", ["a\r\nSet-Cookie: x=1", "a\nb", "a\x00b", "\u20ac"])
    def test_bad_value_raises(self, value):
        with pytest.raises(ValueError, match="headers"):
            build_response_head(200, [("X-A", value)])

    @pytest.mark.parametrize("name", ["X A", "X:A", "", "X\u00e9"])
    def test_bad_name_raises(self, name):
        with pytest.raises(ValueError, match="headers"):
            build_response_head(200, [(name, "v")])

    def test_latin1_value_is_encoded(self):
        assert b"X-A: caf\xe9\r\n" in build_response_head(200, [("X-A", "caf\u00e9")])


class TestBuildResponse:
    """Content-Length from the body; HEAD; no body for 1xx/204/304 (RFC 9110 §8.6, §9.3.2)."""

    def test_full(self):
        raw = build_response(Response(200, [("Content-Type", "text/plain")], b"hi"))
        assert raw == b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"

    def test_head_only_keeps_length(self):
        raw = build_response(Response(200, [], b"hello"), head_only=True)
        assert raw == b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"

    @pytest.mark.parametrize("status", [204, 304])
    def test_no_body_statuses(self, status):
        raw = build_response(Response(status, [("ETag", '"x"')], b"ignored"))
        assert raw.endswith(b"\r\n\r\n")
        assert b"Content-Length" not in raw and b"ignored" not in raw

    def test_caller_content_length_is_replaced(self):
        raw = build_response(Response(200, [("Content-Length", "99"), ("Transfer-Encoding", "chunked")], b"ab"))
        assert raw.count(b"Content-Length") == 1 and b"Content-Length: 2\r\n" in raw
        assert b"Transfer-Encoding" not in raw

    def test_keep_alive_false(self):
        raw = build_response(Response.text(400, "bad request"), keep_alive=False)
        assert raw == (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       b"Content-Length: 11\r\nConnection: close\r\n\r\nbad request")

    def test_empty_body_has_length_zero(self):
        assert build_response(Response(200)) == b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


class TestResponseHelpers:
    """Response.text / html / json / redirect and argument checks."""

    def test_text(self):
        r = Response.text(404, "n\u00e9")
        assert (r.status, r.body) == (404, "n\u00e9".encode())
        assert r.get_header("content-type") == "text/plain; charset=utf-8"

    def test_html(self):
        r = Response.html(200, "<p>x</p>", headers={"Cache-Control": "no-cache"})
        assert r.get_header("Content-Type") == "text/html; charset=utf-8"
        assert r.get_header("cache-control") == "no-cache"

    def test_json(self):
        r = Response.json(200, {"a": [1, "\u00e9"]})
        assert json.loads(r.body) == {"a": [1, "\u00e9"]}
        assert r.get_header("Content-Type") == "application/json"

    def test_redirect(self):
        r = Response.redirect("/x")
        assert (r.status, r.get_header("Location")) == (302, "/x")

    def test_body_must_be_bytes(self):
        with pytest.raises(TypeError, match="body"):
            Response(200, [], "text")
        assert Response(200, [], bytearray(b"ab")).body == b"ab"

    def test_status_checked(self):
        with pytest.raises(ValueError, match="status"):
            Response(42)

    def test_missing_header(self):
        assert Response(200).get_header("x", "d") == "d"


class TestHeaders:
    """The case-insensitive, order-preserving multi-dict."""

    def test_basics(self):
        h = Headers([("Content-Type", "a"), ("X-A", "1"), ("x-a", "2")])
        assert h.get("content-type") == "a"
        assert h.get_all("X-A") == ["1", "2"]
        assert len(h) == 3 and list(h) == ["Content-Type", "X-A", "x-a"]
        assert "CONTENT-TYPE" in h and 5 not in h
        h.add("New", "v")
        assert h.items()[-1] == ("New", "v")

    def test_tokens(self):
        h = Headers([("Connection", "keep-alive, Upgrade"), ("connection", " foo ,,")])
        assert h.get_tokens("connection") == ["keep-alive", "upgrade", "foo"]

    def test_from_dict_and_equality(self):
        assert Headers({"A": "1"}) == Headers([("a", "1")])
        assert Headers({"A": "1"}) != Headers([("a", "2")])

    def test_types_checked(self):
        with pytest.raises(TypeError, match="name"):
            Headers().add(1, "v")
        with pytest.raises(TypeError, match="value"):
            Headers().add("n", 1)

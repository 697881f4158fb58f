"""The RFC 6455 §4 opening handshake, server side (pywebio_lite.protocol.handshake)."""

import pytest

from pywebio_lite.protocol.handshake import (
    HandshakeError,
    accept_key,
    build_accept_response,
    check_request,
    is_upgrade_request,
)

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 §1.3
ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


class FakeHeaders:
    """A case-insensitive multi-dict with the duck-typed interface check_request uses."""

    def __init__(self, items):
        self.items = list(items)

    def get(self, name, default=None):
        values = self.get_all(name)
        return values[0] if values else default

    def get_all(self, name):
        return [v for n, v in self.items if n.lower() == name.lower()]


class FakeRequest:
    def __init__(self, headers=None, *, method="GET", version="HTTP/1.1", drop=(), add=()):
        base = {
            "Host": "example.com",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": KEY,
            "Sec-WebSocket-Version": "13",
        }
        if headers is not None:
            base = headers
        items = [(n, v) for n, v in base.items() if n not in drop] + list(add)
        self.method = method
        self.version = version
        self.path = "/ws"
        self.headers = FakeHeaders(items)


def refused(request) -> HandshakeError:
    with pytest.raises(HandshakeError) as info:
        check_request(request)
    return info.value


class TestAcceptKey:
    def test_rfc_example(self):
        # RFC 6455 §1.3 / §4.2.2.
        assert accept_key(KEY) == ACCEPT

    def test_type(self):
        with pytest.raises(TypeError, match="key"):
            accept_key(b"abc")


class TestHandshake42:
    def test_valid_request(self):
        assert check_request(FakeRequest()) == KEY

    def test_browser_variants(self):
        # Firefox: "Connection: keep-alive, Upgrade"; some clients: "Upgrade: WebSocket".
        headers = {
            "host": "example.com:8080",
            "upgrade": "WebSocket",
            "connection": "keep-alive, Upgrade",
            "sec-websocket-key": KEY,
            "sec-websocket-version": "13",
            "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
        }
        assert check_request(FakeRequest(headers)) == KEY

    def test_tokens_in_lists_and_several_lines(self):
        req = FakeRequest(drop=("Connection", "Upgrade"), add=[
            ("Connection", "keep-alive"), ("Connection", "UPGRADE"), ("Upgrade", "h2c, websocket")])
        assert check_request(req) == KEY

    def test_key_whitespace_is_trimmed(self):
        req = FakeRequest(drop=("Sec-WebSocket-Key",), add=[("Sec-WebSocket-Key", f" {KEY}\t")])
        assert check_request(req) == KEY

    def test_later_http_version(self):
        assert check_request(FakeRequest(version="HTTP/1.2")) == KEY

    @pytest.mark.parametrize("method", ["POST", "HEAD", "PUT", "get"])
    def test_method_must_be_get(self, method):
        err = refused(FakeRequest(method=method))
        assert err.status == 400 and "GET" in err.reason

    @pytest.mark.parametrize("version", ["HTTP/1.0", "HTTP/0.9", "HTTP/x", "1.1"])
    def test_http_version(self, version):
        err = refused(FakeRequest(version=version))
        assert err.status == 400 and "HTTP/1.1" in err.reason

    def test_missing_host(self):
        err = refused(FakeRequest(drop=("Host",)))
        assert err.status == 400 and "Host" in err.reason

    def test_missing_upgrade_is_426(self):
        err = refused(FakeRequest(drop=("Upgrade",)))
        assert err.status == 426 and err.reason == "Upgrade Required"
        assert ("Upgrade", "websocket") in err.headers

    def test_upgrade_to_something_else_is_400(self):
        err = refused(FakeRequest(drop=("Upgrade",), add=[("Upgrade", "h2c")]))
        assert err.status == 400 and "Upgrade" in err.reason

    @pytest.mark.parametrize("value", [None, "keep-alive", "close", "upgrades"])
    def test_connection_must_include_upgrade(self, value):
        add = [] if value is None else [("Connection", value)]
        err = refused(FakeRequest(drop=("Connection",), add=add))
        assert err.status == 400 and "Connection" in err.reason

    @pytest.mark.parametrize("value", [None, "8", "12", "14", "13, 8", ""])
    def test_version_must_be_13(self, value):
        add = [] if value is None else [("Sec-WebSocket-Version", value)]
        err = refused(FakeRequest(drop=("Sec-WebSocket-Version",), add=add))
        assert err.status == 426  # RFC 6455 §4.4
        assert err.headers == [("Sec-WebSocket-Version", "13")]

    def test_repeated_version(self):
        err = refused(FakeRequest(add=[("Sec-WebSocket-Version", "13")]))
        assert err.status == 400 and "repeated" in err.reason

    def test_missing_key(self):
        err = refused(FakeRequest(drop=("Sec-WebSocket-Key",)))
        assert err.status == 400 and "missing" in err.reason

    @pytest.mark.parametrize(
        "key",
        [
            "",
            "not base64!",
            "dGhlIHNhbXBsZSBub25jZQ",  # missing padding
            "dGhlIHNhbXBsZSBub25j",  # 15 bytes
            "dGhlIHNhbXBsZSBub25jZSE=",  # 17 bytes
            "dGhlIHNh bXBsZSBub25jZQ==",  # a space inside
        ],
    )
    def test_bad_key(self, key):
        err = refused(FakeRequest(drop=("Sec-WebSocket-Key",), add=[("Sec-WebSocket-Key", key)]))
        assert err.status == 400 and "Sec-WebSocket-Key" in err.reason

    def test_repeated_key(self):
        err = refused(FakeRequest(add=[("Sec-WebSocket-Key", KEY)]))
        assert err.status == 400 and "repeated" in err.reason

    def test_version_is_checked_before_key(self):
        # An old-draft client (no version, other key headers) learns which version we speak.
        err = refused(FakeRequest(drop=("Sec-WebSocket-Version", "Sec-WebSocket-Key")))
        assert err.status == 426

    def test_request_without_version_attribute(self):
        req = FakeRequest()
        del req.version
        assert check_request(req) == KEY

    def test_plain_mapping_headers(self):
        req = FakeRequest()
        req.headers = {
            "Host": "x", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": KEY, "Sec-WebSocket-Version": "13",
        }
        assert check_request(req) == KEY

    def test_error_object(self):
        err = HandshakeError(400, "bad", [("X", "y")])
        assert str(err) == "bad" and err.status == 400 and err.headers == [("X", "y")]
        assert "400" in repr(err)


class TestIsUpgradeRequest:
    def test_yes(self):
        assert is_upgrade_request(FakeRequest())
        assert is_upgrade_request(FakeRequest(drop=("Upgrade",), add=[("Upgrade", "foo, WebSocket")]))

    def test_no(self):
        assert not is_upgrade_request(FakeRequest(drop=("Upgrade",)))
        assert not is_upgrade_request(FakeRequest(drop=("Upgrade",), add=[("Upgrade", "h2c")]))


class TestAcceptResponse:
    def test_exact_bytes(self):
        # RFC 6455 §1.3 / §4.2.2 item 5.
        assert build_accept_response(KEY) == (
            b"HTTP/1.1 101 Switching Protocols\r\n"
            b"Upgrade: websocket\r\n"
            b"Connection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            b"\r\n"
        )

    def test_extensions_and_extra_headers(self):
        out = build_accept_response(
            KEY, extensions="permessage-deflate", extra_headers=[("Server", "pywebio_lite")]
        )
        assert out.endswith(
            b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            b"Sec-WebSocket-Extensions: permessage-deflate\r\n"
            b"Server: pywebio_lite\r\n\r\n"
        )

    @pytest.mark.parametrize(
        "headers",
        [[("X-A", "b\r\nInjected: 1")], [("Bad Name", "v")], [("X", "a\nb")], [("",  "v")], ["notapair"]],
    )
    def test_header_injection_refused(self, headers):
        with pytest.raises(ValueError, match="extra_headers"):
            build_accept_response(KEY, extra_headers=headers)

    def test_extensions_injection_refused(self):
        with pytest.raises(ValueError, match="extensions"):
            build_accept_response(KEY, extensions="permessage-deflate\r\nX: y")

    def test_with_real_request_parser(self):
        # The project's HTTP parser produces requests check_request accepts.
        http = pytest.importorskip("pywebio_lite.protocol.http")
        raw = (
            b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY.encode() + b"\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        parser = getattr(http, "RequestParser", None)
        if parser is None:
            pytest.skip("no RequestParser")
        try:
            instance = parser()
            events = getattr(instance, "feed", None) or instance.receive_data
            events = events(raw)
        except Exception as exc:  # the parser's API is another module's business
            pytest.skip(f"RequestParser API differs: {exc!r}")
        requests = [getattr(e, "request", e) for e in events]
        requests = [r for r in requests if hasattr(r, "headers") and hasattr(r, "method")]
        if not requests:
            pytest.skip("RequestParser API differs")
        assert is_upgrade_request(requests[0])
        assert check_request(requests[0]) == KEY

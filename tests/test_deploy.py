"""Deployment features without a browser: Basic auth, trusted proxy headers, TLS on the real server."""
from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import urllib.error
import urllib.request

import pytest

from pywebio_lite.output import put_text
from pywebio_lite.platform.auth import BasicAuth, make_auth
from pywebio_lite.platform.proxy import TrustedProxies
from pywebio_lite.platform.server import WebIOApp, make_server, make_ssl_context
from pywebio_lite.protocol.http import Headers, Request
from pywebio_lite.testing import self_signed_certificate


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def request(path="/", headers=(), remote=("127.0.0.1", 50000)) -> Request:
    return Request("GET", path, headers=Headers(list(headers)), remote=remote)


def app():
    put_text("hello")


# ------------------------------------------------------------------ BasicAuth

class TestBasicAuthParse:
    def test_parses_user_and_password(self):
        assert BasicAuth.parse(basic("ann", "s:e:c")) == ("ann", "s:e:c")  # ':' allowed in the password

    def test_scheme_is_case_insensitive(self):
        token = base64.b64encode(b"a:b").decode()
        assert BasicAuth.parse(f"bAsIc {token}") == ("a", "b")

    def test_utf8_credentials(self):
        assert BasicAuth.parse(basic("jürgen", "пароль")) == ("jürgen", "пароль")

    @pytest.mark.parametrize("header", [
        None, "", "Basic", "Basic ", "Bearer abc", "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),  # not UTF-8
    ])
    def test_rejects_malformed(self, header):
        assert BasicAuth.parse(header) is None


class TestBasicAuthCheck:
    def test_right_credentials(self):
        auth = BasicAuth(("ann", "pw"))
        assert auth.allows(request(headers=[("Authorization", basic("ann", "pw"))]))

    @pytest.mark.parametrize("user,password", [("ann", "PW"), ("bob", "pw"), ("ann", ""), ("", "pw"),
                                               ("ann", "pw "), ("annx", "pw")])
    def test_wrong_credentials(self, user, password):
        auth = BasicAuth(("ann", "pw"))
        assert not auth.allows(request(headers=[("Authorization", basic(user, password))]))

    def test_missing_header(self):
        assert not BasicAuth(("ann", "pw")).allows(request())

    def test_check_function(self):
        seen = []
        auth = BasicAuth(check=lambda u, p: seen.append((u, p)) or p == u[::-1])
        assert auth.allows(request(headers=[("Authorization", basic("abc", "cba"))]))
        assert not auth.allows(request(headers=[("Authorization", basic("abc", "abc"))]))
        assert seen == [("abc", "cba"), ("abc", "abc")]

    def test_check_function_that_raises_refuses(self):
        auth = BasicAuth(check=lambda u, p: 1 / 0)
        assert not auth.allows(request(headers=[("Authorization", basic("a", "b"))]))

    def test_challenge(self):
        response = BasicAuth(("a", "b"), realm="Tools").challenge()
        assert response.status == 401
        assert dict(response.headers)["WWW-Authenticate"] == 'Basic realm="Tools", charset="UTF-8"'

    @pytest.mark.parametrize("kwargs,error", [
        ({}, ValueError), ({"credentials": ("a", "b"), "check": lambda u, p: True}, ValueError),
        ({"credentials": "ab"}, TypeError), ({"credentials": ("a", 1)}, TypeError),
        ({"credentials": ("a:b", "c")}, ValueError), ({"credentials": ("", "c")}, ValueError),
        ({"check": 42}, TypeError), ({"credentials": ("a", "b"), "realm": 'x"y'}, ValueError),
    ])
    def test_bad_arguments(self, kwargs, error):
        with pytest.raises(error):
            BasicAuth(**kwargs)

    def test_make_auth(self):
        assert make_auth() is None
        assert isinstance(make_auth(("a", "b")), BasicAuth)
        assert isinstance(make_auth(check_auth=lambda u, p: True), BasicAuth)
        with pytest.raises(ValueError, match="not both"):
            make_auth(("a", "b"), lambda u, p: True)


class TestAppAuth:
    def test_page_and_static_files_need_credentials(self):
        web = WebIOApp(app, auth=make_auth(("ann", "pw")))
        for path in ("/", "/_pywebio_lite/js/main.js", "/_pywebio_lite/nothing-here"):
            response = asyncio.run(web.handle_request(request(path)))
            assert response.status == 401, path
            ok = asyncio.run(web.handle_request(request(path, [("Authorization", basic("ann", "pw"))])))
            assert ok.status != 401, path

    def test_websocket_needs_credentials_before_the_origin_check(self):
        web = WebIOApp(app, auth=make_auth(("ann", "pw")))
        refused = web.handle_websocket(request(headers=[("Origin", "http://evil.example")]))
        assert refused.status == 401
        foreign = web.handle_websocket(request(headers=[("Origin", "http://evil.example"), ("Host", "h"),
                                                        ("Authorization", basic("ann", "pw"))]))
        assert foreign.status == 403
        handler = web.handle_websocket(request(headers=[("Authorization", basic("ann", "pw"))]))
        assert not hasattr(handler, "status")  # a session handler, not a refusal

    def test_no_auth_by_default(self):
        assert asyncio.run(WebIOApp(app).handle_request(request("/"))).status == 200


# ------------------------------------------------------------------ trusted proxies

class TestTrustedProxies:
    def test_untrusted_peer_headers_ignored(self):
        fwd = TrustedProxies(["10.0.0.1"]).resolve("203.0.113.9", Headers([
            ("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil")]))
        assert (fwd.ip, fwd.scheme, fwd.host) == ("203.0.113.9", None, None)

    def test_trusted_peer(self):
        fwd = TrustedProxies(["127.0.0.1"]).resolve("127.0.0.1", Headers([
            ("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Proto", "HTTPS"),
            ("X-Forwarded-Host", "tools.example.com, inner")]))
        assert (fwd.ip, fwd.scheme, fwd.host) == ("198.51.100.7", "https", "tools.example.com")

    def test_client_cannot_spoof_the_left_of_the_chain(self):
        proxies = TrustedProxies(["10.0.0.0/8"])
        fwd = proxies.resolve("10.0.0.2", Headers([("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.0.0.9")]))
        assert fwd.ip == "198.51.100.7"

    def test_network_ipv6_and_mapped(self):
        proxies = TrustedProxies(["10.0.0.0/8", "::1"])
        assert proxies.trusts("10.1.2.3") and proxies.trusts("::1") and proxies.trusts("::ffff:10.0.0.1")
        assert not proxies.trusts("11.0.0.1") and not proxies.trusts("") and not proxies.trusts("nope")

    def test_star_trusts_any(self):
        assert TrustedProxies("*").trusts("203.0.113.1")

    def test_bad_scheme_ignored(self):
        fwd = TrustedProxies("*").resolve("1.1.1.1", Headers([("X-Forwarded-Proto", "javascript")]))
        assert fwd.scheme is None

    @pytest.mark.parametrize("value,error", [(42, TypeError), ([1], TypeError), (["not-an-ip"], ValueError)])
    def test_bad_arguments(self, value, error):
        with pytest.raises(error, match="trusted_proxies"):
            TrustedProxies(value)

    def test_origin_check_uses_the_forwarded_host_only_when_trusted(self):
        headers = [("Origin", "https://tools.example.com"), ("Host", "127.0.0.1:8080"),
                   ("X-Forwarded-Host", "tools.example.com")]
        trusting = WebIOApp(app, trusted_proxies=["127.0.0.1"])
        assert not hasattr(trusting.handle_websocket(request(headers=headers)), "status")
        plain = WebIOApp(app)
        assert plain.handle_websocket(request(headers=headers)).status == 403


# ------------------------------------------------------------------ TLS

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1/localhost, made by Debian's openssl."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def client_context(cert) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


class TestTLS:
    def test_make_ssl_context(self, certificate):
        cert, key = certificate
        assert make_ssl_context() is None
        assert isinstance(make_ssl_context(certfile=str(cert), keyfile=str(key)), ssl.SSLContext)
        given = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        assert make_ssl_context(given) is given

    @pytest.mark.parametrize("kwargs,error", [
        ({"ssl_context": "yes"}, TypeError), ({"keyfile": "k.pem"}, ValueError),
        ({"certfile": "/no/such/cert.pem"}, ValueError),
    ])
    def test_bad_arguments(self, kwargs, error):
        with pytest.raises(error):
            make_ssl_context(**kwargs)

    def test_https_page_and_wss_session(self, certificate):
        cert, key = certificate
        server = make_server(app, host="127.0.0.1", port=0, certfile=str(cert), keyfile=str(key),
                             auth=("ann", "pw"))
        host, port = server.start_in_thread()
        try:
            assert server.url.startswith("https://")
            context = client_context(cert)
            url = f"https://{host}:{port}/"
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url, context=context)
            assert refused.value.code == 401
            page = urllib.request.urlopen(urllib.request.Request(
                url, headers={"Authorization": basic("ann", "pw")}), context=context)
            assert b"<!doctype html>" in page.read().lower()
            # Plain HTTP on the TLS port gets no page.
            with socket.create_connection((host, port)) as raw:
                raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                raw.settimeout(10)
                assert b"<!doctype" not in raw.recv(4096).lower()
            # A WebSocket session over TLS: the first frame carries the app's output.
            with socket.create_connection((host, port)) as raw, \
                    context.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(("GET /?app=index&session=NEW HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                             f"Authorization: {basic('ann', 'pw')}\r\n\r\n").encode())
                data = b""
                while b"hello" not in data:
                    chunk = tls.recv(65536)
                    assert chunk, data
                    data += chunk
                assert data.startswith(b"HTTP/1.1 101")
        finally:
            server.stop_thread()


def test_session_info_behind_a_trusted_proxy():
    headers = [("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Host", "tools.example.com")]
    handler = WebIOApp(app, trusted_proxies=["127.0.0.1"]).handle_websocket(request(headers=headers))
    assert handler.session_info["user_ip"] == "198.51.100.7"
    assert handler.session_info["server_host"] == "tools.example.com"
    plain = WebIOApp(app).handle_websocket(request(headers=headers))
    assert plain.session_info["user_ip"] == "127.0.0.1"
    assert plain.session_info["server_host"] == ""

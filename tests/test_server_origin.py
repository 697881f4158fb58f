"""origin_allowed (pywebio_lite.server.origin): PyWebIO's Origin rules (RFC 6455 §10.2)."""
import pytest

from pywebio_lite.server import origin_allowed


class TestNoOrigin:
    """Non-browser clients send no Origin: allowed."""

    @pytest.mark.parametrize("origin", [None, ""])
    def test_allowed(self, origin):
        assert origin_allowed(origin, "example.com", None, None)


class TestSameOrigin:
    """Origin's host:port equals the Host header (case-insensitive): allowed."""

    @pytest.mark.parametrize("origin,host", [
        ("http://example.com", "example.com"),
        ("https://Example.COM:8080", "example.com:8080"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://[::1]:8080", "[::1]:8080"),
    ])
    def test_allowed(self, origin, host):
        assert origin_allowed(origin, host)

    @pytest.mark.parametrize("origin,host", [
        ("http://example.com:8080", "example.com"),        # port differs
        ("http://evil.com", "example.com"),
        ("http://example.com.evil.com", "example.com"),
        ("null", "example.com"),                            # sandboxed iframe / file://
        ("http://example.com", None),                       # no Host to compare with
    ])
    def test_refused(self, origin, host):
        assert not origin_allowed(origin, host)


class TestAllowedOrigins:
    """Glob patterns matched against the full origin, when no check_origin is given."""

    PATTERNS = ["https://*.example.com", "http://localhost:*"]

    @pytest.mark.parametrize("origin", ["https://app.example.com", "https://a.b.example.com",
                                        "http://localhost:3000", "HTTPS://APP.EXAMPLE.COM"])
    def test_matches(self, origin):
        assert origin_allowed(origin, "server:8080", self.PATTERNS)

    @pytest.mark.parametrize("origin", ["http://app.example.com", "https://example.com",
                                        "https://evil.com", "https://example.com.evil.com"])
    def test_no_match(self, origin):
        assert not origin_allowed(origin, "server:8080", self.PATTERNS)

    def test_star_allows_everything(self):
        assert origin_allowed("https://anything.test", "server", ["*"])

    def test_empty_list_refuses_cross_origin(self):
        assert not origin_allowed("https://a.test", "server", [])


class TestCheckOrigin:
    """A callable decides for cross-origin requests and replaces the patterns."""

    def test_callable_decides(self):
        seen = []

        def check(origin):
            seen.append(origin)
            return origin.endswith(".trusted")

        assert origin_allowed("https://x.trusted", "server", None, check)
        assert not origin_allowed("https://x.other", "server", ["*"], check)
        assert seen == ["https://x.trusted", "https://x.other"]

    def test_not_called_for_same_origin(self):
        def check(origin):
            raise AssertionError("must not be called")

        assert origin_allowed("http://server:1", "server:1", None, check)

    def test_truthy_result_is_bool(self):
        assert origin_allowed("https://a", "b", None, lambda o: 1) is True


class TestArguments:
    def test_allowed_origins_must_be_a_list(self):
        with pytest.raises(TypeError, match="allowed_origins"):
            origin_allowed("https://a", "b", "https://a")
        with pytest.raises(TypeError, match="allowed_origins"):
            origin_allowed("https://a", "b", [1])

    def test_check_origin_must_be_callable(self):
        with pytest.raises(TypeError, match="check_origin"):
            origin_allowed("https://a", "b", None, "yes")

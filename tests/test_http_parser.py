"""RequestParser (pywebio_lite.protocol.http): byte literals in, events out. One class per rule
area of RFC 9112 / RFC 9110."""
import pytest

from pywebio_lite.protocol.http import (
    BodyData, HttpError, ParseError, Request, RequestComplete, RequestHead, RequestParser,
)


def feed_all(parser, data):
    """Feed `data` and keep resuming (feed(b"")) until the parser has nothing more to say."""
    events = parser.feed(data)
    out = list(events)
    while events and not isinstance(events[-1], ParseError):
        events = parser.feed(b"")
        out.extend(events)
    return out


def parse_one(data, **kw):
    """The single completed request in `data` (asserts there is no error)."""
    events = feed_all(RequestParser(**kw), data)
    done = [e for e in events if isinstance(e, RequestComplete)]
    assert not [e for e in events if isinstance(e, ParseError)], events
    assert len(done) == 1, events
    return done[0].request


def error_of(data, **kw):
    """The HttpError that `data` produces."""
    events = feed_all(RequestParser(**kw), data)
    assert events and isinstance(events[-1], ParseError), events
    return events[-1].error


class TestRequestLine:
    """RFC 9112 §3: request-line = method SP request-target SP HTTP-version."""

    def test_simple_get(self):
        req = parse_one(b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n")
        assert req.method == "GET"
        assert req.target == "/index.html"
        assert req.path == "/index.html"
        assert req.version == "HTTP/1.1"
        assert req.body == b""

    def test_http10_needs_no_host(self):
        req = parse_one(b"GET / HTTP/1.0\r\n\r\n")
        assert req.version == "HTTP/1.0"

    def test_events_in_order(self):
        events = RequestParser().feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert [type(e) for e in events] == [RequestHead, RequestComplete]
        assert events[0].request is events[1].request

    @pytest.mark.parametrize("line", [
        b"GET  / HTTP/1.1",          # two spaces
        b"GET / HTTP/1.1 ",          # trailing space
        b"GET /",                    # HTTP/0.9 style
        b"GET",
        b" GET / HTTP/1.1",
        b"GET\t/\tHTTP/1.1",
    ])
    def test_malformed_line_is_400(self, line):
        assert error_of(line + b"\r\nHost: a\r\n\r\n").status == 400

    @pytest.mark.parametrize("method", [b"G(T", b"GE\x00T", b"G\xc3\xa9T", b"GET:"])
    def test_non_token_method_is_400(self, method):
        assert error_of(method + b" / HTTP/1.1\r\nHost: a\r\n\r\n").status == 400

    @pytest.mark.parametrize("method", [b"BREW", b"CONNECT", b"TRACE", b"get", b"X" * 40])
    def test_unknown_method_is_501(self, method):
        assert error_of(method + b" / HTTP/1.1\r\nHost: a\r\n\r\n").status == 501

    def test_methods_none_accepts_any_token(self):
        req = parse_one(b"BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", methods=None)
        assert req.method == "BREW"

    @pytest.mark.parametrize("method", [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS",
                                        b"PATCH"])
    def test_default_methods(self, method):
        assert parse_one(method + b" / HTTP/1.1\r\nHost: a\r\n\r\n").method == method.decode()

    def test_binary_junk_fails_before_any_newline(self):
        # A TLS ClientHello sent to the plain-HTTP port: answered at once, not after a timeout.
        events = RequestParser().feed(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        assert isinstance(events[-1], ParseError) and events[-1].error.status == 400

    def test_partial_request_line_waits(self):
        assert RequestParser().feed(b"GET /partial HT") == []

    def test_leading_empty_lines_are_ignored(self):
        # RFC 9112 §2.2: SHOULD ignore at least one empty line before the request-line.
        req = parse_one(b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.method == "GET"

    def test_endless_empty_lines_are_bounded(self):
        assert error_of(b"\r\n" * 200, max_request_line=100).status == 400


class TestVersion:
    """RFC 9112 §2.3 HTTP-version; RFC 9110 §15.6.6 505."""

    @pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.2", b"HTTP/3.0"])
    def test_unsupported_is_505(self, version):
        assert error_of(b"GET / " + version + b"\r\nHost: a\r\n\r\n").status == 505

    @pytest.mark.parametrize("version", [b"HTTP/1", b"HTTP/1.1.1", b"http/1.1", b"HTTP/11",
                                         b"HTTPS/1.1", b"HTTP/1.x"])
    def test_malformed_is_400(self, version):
        assert error_of(b"GET / " + version + b"\r\nHost: a\r\n\r\n").status == 400


class TestRequestTarget:
    """RFC 9112 §3.2 request-target forms; the path is percent-decoded, the query parsed."""

    def test_path_is_percent_decoded(self):
        req = parse_one(b"GET /a%20b/%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.raw_path == "/a%20b/%C3%A9"
        assert req.path == "/a b/\u00e9"

    def test_query(self):
        req = parse_one(b"GET /p?app=index&x=1&x=2&empty= HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.path == "/p"
        assert req.query_string == "app=index&x=1&x=2&empty="
        assert req.query == {"app": ["index"], "x": ["1", "2"], "empty": [""]}
        assert req.query_arg("app") == "index"
        assert req.query_arg("x") == "1"
        assert req.query_arg("empty") == ""
        assert req.query_arg("missing") is None
        assert req.query_arg("missing", "d") == "d"

    def test_encoded_query_values(self):
        req = parse_one(b"GET /?q=a%26b+c HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.query_arg("q") == "a&b c"

    def test_absolute_form(self):
        req = parse_one(b"GET http://example.com/x/y?z=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        assert req.path == "/x/y"
        assert req.query_arg("z") == "1"

    def test_asterisk_form_for_options(self):
        assert parse_one(b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").path == "*"

    def test_asterisk_form_for_get_is_400(self):
        assert error_of(b"GET * HTTP/1.1\r\nHost: a\r\n\r\n").status == 400

    @pytest.mark.parametrize("target", [b"index.html", b"example.com:80", b"/a\x7fb", b"/a\x00b",
                                        b"/\xc3\xa9", b"/a#frag", b"ftp://x/y"])
    def test_bad_target_is_400(self, target):
        assert error_of(b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n").status == 400

    def test_encoded_traversal_is_decoded_not_resolved(self):
        # The parser decodes; refusing ".." is the static-file layer's job.
        req = parse_one(b"GET /static/%2e%2e%2fsecret HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.path == "/static/../secret"

    def test_invalid_utf8_in_path_is_replaced(self):
        req = parse_one(b"GET /%ff HTTP/1.1\r\nHost: a\r\n\r\n")
        assert req.path == "/\ufffd"


class TestHeaderFields:
    """RFC 9112 §5 and RFC 9110 §5: field syntax."""

    def test_values_and_case_insensitive_lookup(self):
        req = parse_one(b"GET / HTTP/1.1\r\nHost: a\r\nX-Thing:  v  1 \t\r\nx-thing: v2\r\n\r\n")
        assert req.headers.get("X-THING") == "v  1"
        assert req.headers.get_all("x-Thing") == ["v  1", "v2"]
        assert "x-thing" in req.headers
        assert "x-other" not in req.headers
        assert req.headers.get("x-other", "d") == "d"
        assert req.headers.items()[1] == ("X-Thing", "v  1")

    def test_empty_value(self):
        assert parse_one(b"GET / HTTP/1.1\r\nHost: a\r\nX-E:\r\n\r\n").headers.get("x-e") == ""

    def test_obs_text_is_kept_as_latin1(self):
        req = parse_one(b"GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\r\n\r\n")
        assert req.headers.get("x-name") == "caf\u00e9"

    def test_obsolete_line_folding_is_400(self):
        # RFC 9112 §5.2
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n").status == 400
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tcontinued\r\n\r\n").status == 400

    def test_space_before_colon_is_400(self):
        # RFC 9112 §5.1: MUST reject whitespace between field name and colon.
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n").status == 400

    @pytest.mark.parametrize("line", [b"NoColon", b": novalue", b"X(A): 1", b"X\x00A: 1",
                                      b"X\xe9: 1"])
    def test_invalid_name_is_400(self, line):
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\n" + line + b"\r\n\r\n").status == 400

    @pytest.mark.parametrize("value", [b"a\x00b", b"a\x01b", b"a\x7fb", b"a\rb", b"a\x1bb"])
    def test_control_chars_in_value_are_400(self, value):
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: " + value + b"\r\n\r\n").status == 400

    def test_tab_inside_value_is_fine(self):
        assert parse_one(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: a\tb\r\n\r\n").headers.get("x-a") == "a\tb"

    def test_bare_lf_line_endings_are_accepted(self):
        # RFC 9112 §2.2: a recipient MAY recognise a single LF as a line terminator.
        req = parse_one(b"GET / HTTP/1.1\nHost: a\nX-A: 1\n\n")
        assert req.headers.get("x-a") == "1"


class TestHost:
    """RFC 9112 §3.2: one valid Host header in every HTTP/1.1 request."""

    def test_missing_host_is_400(self):
        assert error_of(b"GET / HTTP/1.1\r\n\r\n").status == 400

    def test_two_hosts_are_400(self):
        assert error_of(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400

    @pytest.mark.parametrize("host", [b"a/b", b"a b", b"user@a"])
    def test_invalid_host_is_400(self, host):
        assert error_of(b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n\r\n").status == 400

    @pytest.mark.parametrize("host", [b"example.com", b"example.com:8080", b"[::1]:80", b""])
    def test_valid_hosts(self, host):
        assert parse_one(b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n\r\n").headers.get("host") == host.decode()


class TestLimits:
    """Every unbounded thing has a limit: 414 for the request line, 431 for headers."""

    def test_request_line_too_long_is_414(self):
        err = error_of(b"GET /" + b"a" * 200 + b" HTTP/1.1\r\nHost: a\r\n\r\n", max_request_line=100)
        assert err.status == 414

    def test_request_line_limit_is_checked_before_the_line_ends(self):
        # No newline yet, but already over the limit: fail now instead of buffering forever.
        events = RequestParser(max_request_line=100).feed(b"GET /" + b"a" * 200)
        assert isinstance(events[-1], ParseError) and events[-1].error.status == 414

    def test_request_line_at_the_limit_is_fine(self):
        line = b"GET /" + b"a" * (100 - 14) + b" HTTP/1.1"
        assert len(line) == 100
        assert parse_one(line + b"\r\nHost: a\r\n\r\n", max_request_line=100).method == "GET"

    def test_request_line_at_the_limit_fed_bytewise(self):
        line = b"GET /" + b"a" * (100 - 14) + b" HTTP/1.1\r\nHost: a\r\n\r\n"
        parser = RequestParser(max_request_line=100)
        events = []
        for i in range(len(line)):
            events += parser.feed(line[i:i + 1])
        assert [type(e) for e in events] == [RequestHead, RequestComplete]

    def test_header_line_too_long_is_431(self):
        err = error_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: " + b"v" * 200 + b"\r\n\r\n",
                       max_header_line=100)
        assert err.status == 431

    def test_header_line_limit_is_checked_before_the_line_ends(self):
        events = RequestParser(max_header_line=100).feed(b"GET / HTTP/1.1\r\nX-A: " + b"v" * 200)
        assert events[-1].error.status == 431

    def test_too_many_headers_is_431(self):
        data = b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X-A: 1\r\n" * 10 + b"\r\n"
        assert error_of(data, max_headers=10).status == 431
        assert parse_one(data, max_headers=11).method == "GET"

    def test_header_section_too_large_is_431(self):
        data = b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X-A: " + b"v" * 50 + b"\r\n" * 1 + \
            b"X-B: " + b"v" * 50 + b"\r\n\r\n"
        assert error_of(data, max_header_bytes=100).status == 431

    def test_defaults(self):
        parser = RequestParser()
        assert (parser.max_request_line, parser.max_header_line, parser.max_headers,
                parser.max_body) == (8192, 8192, 100, 1 << 20)

    @pytest.mark.parametrize("kw", ["max_request_line", "max_header_line", "max_headers",
                                    "max_body", "max_header_bytes", "max_chunk_line"])
    def test_bad_limit_argument_names_it(self, kw):
        with pytest.raises(ValueError, match=kw):
            RequestParser(**{kw: -1})


class TestContentLength:
    """RFC 9112 §6.2 / RFC 9110 §8.6: Content-Length framing and the body limit (413)."""

    def test_body(self):
        req = parse_one(b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        assert req.body == b"hello"
        assert req.content_length == 5

    def test_parser_pauses_after_head_with_body(self):
        parser = RequestParser()
        events = parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        assert [type(e) for e in events] == [RequestHead]
        events = parser.feed(b"")
        assert [type(e) for e in events] == [RequestComplete]
        assert events[0].request.body == b"hello"

    def test_body_in_pieces(self):
        parser = RequestParser()
        assert [type(e) for e in parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nab")] == [RequestHead]
        assert parser.feed(b"") == []
        assert parser.feed(b"cd") == []
        events = parser.feed(b"ef")
        assert events[0].request.body == b"abcdef"

    def test_zero_length(self):
        assert parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").body == b""

    def test_no_framing_means_no_body(self):
        # RFC 9112 §6.3 rule 7: a request without CL or TE has an empty body.
        parser = RequestParser()
        events = parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert [type(e) for e in events] == [RequestHead, RequestComplete] * 2
        assert events[1].request.body == b""

    @pytest.mark.parametrize("value", [b"abc", b"-1", b"+5", b"5 5", b"0x10", b"1.0", b"\xd9\xa5"])
    def test_invalid_is_400(self, value):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + b"\r\n\r\n").status == 400

    def test_duplicate_is_400(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx").status == 400
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx").status == 400

    def test_over_limit_is_413_before_the_body_arrives(self):
        parser = RequestParser(max_body=10)
        events = parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        assert [type(e) for e in events] == [RequestHead]
        events = parser.feed(b"")
        assert isinstance(events[0], ParseError) and events[0].error.status == 413

    def test_at_limit_is_fine(self):
        assert parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", max_body=10).body == b"0123456789"

    def test_absurd_length_is_413(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n").status == 413

    def test_body_limit_can_be_raised_for_one_request(self):
        parser = RequestParser(max_body=4)
        events = parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n12345678"
                             b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n12345678")
        assert [type(e) for e in events] == [RequestHead]
        parser.body_limit = 8
        events = parser.feed(b"")
        assert [type(e) for e in events] == [RequestComplete, RequestHead]
        assert events[0].request.body == b"12345678"
        assert parser.body_limit == 4  # back to the default for the next request
        assert parser.feed(b"")[0].error.status == 413


class TestChunked:
    """RFC 9112 §7.1: chunked transfer coding of request bodies."""

    def test_chunked_body(self):
        req = parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
        assert req.body == b"hello world"

    def test_upper_case_hex_and_bws(self):
        req = parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"A \r\n0123456789\r\n0\r\n\r\n")
        assert req.body == b"0123456789"

    def test_trailers_are_discarded(self):
        req = parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"1\r\nx\r\n0\r\nX-Checksum: abc\r\n\r\n")
        assert req.body == b"x"
        assert "x-checksum" not in req.headers

    def test_byte_by_byte(self):
        data = (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n")
        parser = RequestParser()
        events = []
        for i in range(len(data)):
            events += parser.feed(data[i:i + 1])
        assert [type(e) for e in events] == [RequestHead, RequestComplete] * 2
        assert events[1].request.body == b"abcde"
        assert events[3].request.path == "/next"

    @pytest.mark.parametrize("chunk", [b"x\r\n", b"-1\r\n", b"\r\n", b"0x5\r\n",
                                       b"11111111111111111\r\n"])
    def test_invalid_size_is_400(self, chunk):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk).status == 400

    def test_data_longer_than_size_is_400(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"2\r\nabc\r\n0\r\n\r\n").status == 400

    def test_chunk_line_limit(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"1;" + b"e" * 2000, max_chunk_line=1024).status == 400

    def test_total_over_limit_is_413(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"6\r\n123456\r\n6\r\n", max_body=10).status == 413

    def test_huge_chunk_size_is_413_without_reading(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"ffffffffffffffff\r\n").status == 413

    def test_too_many_trailers_is_431(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"0\r\n" + b"X-T: 1\r\n" * 5 + b"\r\n", max_headers=4).status == 431

    def test_bad_trailer_is_400(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"0\r\nbad trailer\r\n\r\n").status == 400


class TestTransferEncoding:
    """RFC 9112 §6.1 / §6.3: what Transfer-Encoding values a request may carry."""

    def test_with_content_length_is_400(self):
        # The request-smuggling vector: refuse, never guess.
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status == 400

    def test_unknown_coding_is_501(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n").status == 501
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status == 501

    def test_chunked_not_last_is_400(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").status == 400

    def test_empty_is_400(self):
        assert error_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n").status == 400

    def test_in_http10_is_400(self):
        assert error_of(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status == 400

    def test_case_insensitive(self):
        req = parse_one(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")
        assert req.body == b""


class TestStreaming:
    """stream_body = True (set after RequestHead): the body arrives as BodyData events."""

    def test_content_length_streamed(self):
        parser = RequestParser(max_body=4)
        events = parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123")
        assert [type(e) for e in events] == [RequestHead]
        parser.stream_body = True
        parser.body_limit = 100
        events = parser.feed(b"")
        assert [(type(e), getattr(e, "data", None)) for e in events] == [(BodyData, b"0123")]
        events = parser.feed(b"456789")
        assert [type(e) for e in events] == [BodyData, RequestComplete]
        assert events[0].data == b"456789"
        assert events[1].request.body == b""  # streamed, not buffered

    def test_chunked_streamed(self):
        parser = RequestParser()
        parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        parser.stream_body = True
        events = parser.feed(b"3\r\nabc\r\n")
        assert [e.data for e in events] == [b"abc"]
        events = parser.feed(b"2\r\nde\r\n0\r\n\r\n")
        assert [type(e) for e in events] == [BodyData, RequestComplete]

    def test_streaming_resets_for_next_request(self):
        parser = RequestParser()
        parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n")
        parser.stream_body = True
        events = parser.feed(b"xPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\ny")
        assert [type(e) for e in events] == [BodyData, RequestComplete, RequestHead]
        assert parser.stream_body is False
        assert parser.feed(b"")[0].request.body == b"y"


class TestKeepAliveAndPipelining:
    """RFC 9112 §9.3 persistence; pipelined requests are parsed in order."""

    @pytest.mark.parametrize("head,expected", [
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", True),
        (b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", False),
        (b"GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n", False),
        (b"GET / HTTP/1.0\r\n\r\n", False),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", True),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", False),
    ])
    def test_keep_alive(self, head, expected):
        assert parse_one(head).keep_alive is expected

    def test_pipelined_requests(self):
        parser = RequestParser()
        events = feed_all(parser, b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                                  b"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok"
                                  b"GET /3 HTTP/1.1\r\nHost: a\r\n\r\nGET /4 HT")
        done = [e.request for e in events if isinstance(e, RequestComplete)]
        assert [r.path for r in done] == ["/1", "/2", "/3"]
        assert done[1].body == b"ok"
        assert parser.buffered == len(b"GET /4 HT")
        assert not parser.between_requests
        events = parser.feed(b"TP/1.1\r\nHost: a\r\n\r\n")
        assert events[-1].request.path == "/4"
        assert parser.between_requests

    def test_max_requests_bounds_one_feed(self):
        parser = RequestParser()
        data = b"".join(b"GET /%d HTTP/1.1\r\nHost: a\r\n\r\n" % i for i in range(5))
        events = parser.feed(data, max_requests=2)
        assert [e.request.path for e in events if isinstance(e, RequestComplete)] == ["/0", "/1"]
        assert parser.feed(b"", max_requests=0) == []
        events = parser.feed(b"")
        assert [e.request.path for e in events if isinstance(e, RequestComplete)] == ["/2", "/3", "/4"]
        assert parser.buffered == 0

    def test_split_anywhere(self):
        data = b"GET /x?y=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n"
        for cut in range(1, len(data)):
            parser = RequestParser()
            events = parser.feed(data[:cut]) + parser.feed(data[cut:])
            assert [type(e) for e in events] == [RequestHead, RequestComplete], cut


class TestUpgrade:
    """RFC 9110 §7.8: after an upgrade request the parser stops and hands over the rest."""

    HANDSHAKE = (b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")

    def test_stops_and_keeps_leftover(self):
        parser = RequestParser()
        events = parser.feed(self.HANDSHAKE + b"\x81\x85frame")
        assert [type(e) for e in events] == [RequestHead, RequestComplete]
        assert parser.state == "upgraded"
        assert parser.feed(b"more") == []
        assert parser.take_leftover() == b"\x81\x85framemore"
        assert parser.buffered == 0

    def test_resume_continues_http(self):
        parser = RequestParser()
        parser.feed(self.HANDSHAKE + b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
        parser.resume()
        events = parser.feed(b"")
        assert events[-1].request.path == "/next"

    def test_upgrade_header_without_connection_token_is_plain_http(self):
        parser = RequestParser()
        parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")
        assert parser.state == "head"


class TestAfterError:
    """A ParseError is final: the connection must be closed after answering it."""

    def test_dead_after_error(self):
        parser = RequestParser()
        events = parser.feed(b"BAD\r\n\r\n")
        assert isinstance(events[0], ParseError)
        assert parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n") == []
        assert parser.state == "failed"

    def test_error_carries_status_and_reason(self):
        err = error_of(b"GET / HTTP/2.0\r\n\r\n")
        assert isinstance(err, HttpError)
        assert (err.status, err.reason) == (505, "HTTP version not supported")
        assert "505" in str(err)


class TestRequestObject:
    """Request built directly (the server and tests do this)."""

    def test_defaults(self):
        req = Request("GET", "/a?b=c")
        assert req.path == "/a" and req.query_arg("b") == "c" and req.version == "HTTP/1.1"
        assert req.keep_alive and req.remote is None and req.body == b""
        assert req.content_length is None
        assert "GET /a?b=c" in repr(req)


class TestVocabulary:
    """The parser's states are an enum, its events dataclasses, its field syntax shared."""

    def test_states_are_an_enum_that_reads_as_strings(self):
        from pywebio_lite.protocol.http import BODY_STATES, ParserState
        parser = RequestParser()
        assert parser.state is ParserState.HEAD and parser.state == "head"
        parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")
        assert parser.state is ParserState.BODY and parser.state in BODY_STATES
        assert ParserState.HEAD not in BODY_STATES and ParserState.UPGRADED not in BODY_STATES

    def test_events_are_dataclasses(self):
        import dataclasses
        events = RequestParser().feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert [type(e).__name__ for e in events] == ["RequestHead", "RequestComplete"]
        assert all(dataclasses.is_dataclass(e) for e in events)
        assert events[0] == RequestHead(events[0].request)

    @pytest.mark.parametrize("name, ok", [("X-A", True), ("a!#$%&'*+-.^_`|~9", True), ("", False),
                                          ("a b", False), ("a:b", False), ("é", False), (None, False)])
    def test_is_token(self, name, ok):
        from pywebio_lite.protocol.http.syntax import is_token
        assert is_token(name) is ok

    def test_list_elements(self):
        from pywebio_lite.protocol.http.syntax import has_bad_value, list_elements
        assert list_elements(["Upgrade, ,KEEP-alive ", "\tclose"]) == ["upgrade", "keep-alive", "close"]
        assert has_bad_value("a\r\nb") and has_bad_value("\x7f") and not has_bad_value("a\tb é")

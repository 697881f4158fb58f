"""An incremental HTTP/1.1 request parser with limits, without I/O (RFC 9112).

Bytes go in through `RequestParser.feed`, events come out (`RequestHead`, `BodyData`,
`RequestComplete`, `ParseError`: dataclasses, like the WebSocket events). The parser's states are
the `ParserState` enum, which the server imports (`BODY_STATES`, `UPGRADED`...).
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Union

from .model import Headers, HttpError, Request
from .syntax import BAD_VALUE_RE, TOKEN_RE

__all__ = [
    "RequestParser", "ParserState", "BODY_STATES", "Event",
    "RequestHead", "BodyData", "RequestComplete", "ParseError",
    "DEFAULT_METHODS", "MAX_METHOD_LENGTH",
]

# RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT
_VERSION_RE = re.compile(rb"HTTP/([0-9])\.([0-9])")
# RFC 3986 characters allowed in a request-target: visible ASCII only (no SP, controls, DEL or
# bytes >= 0x80). A fragment ("#") never travels in a request-target (RFC 9112 §3.2).
_BAD_TARGET_RE = re.compile(rb"[^\x21-\x7e]|#")
_BAD_LINE_RE = re.compile(rb"[^\x20-\x7e\r]")  # not possible in a (partial) request line
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
_OWS = b" \t"

# RFC 9110 §9.1: an origin server answers 501 to a method it does not implement. CONNECT and TRACE
# are left out on purpose: we are not a proxy, and TRACE only helps cross-site tracing attacks.
DEFAULT_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
MAX_METHOD_LENGTH = 32


@dataclass(slots=True)
class RequestHead:
    """The request line and header section are complete. The body (if any) follows."""

    request: Request


@dataclass(slots=True)
class BodyData:
    """A piece of the body, only in streaming mode (`parser.stream_body = True`)."""

    data: bytes

    def __repr__(self):
        return f"BodyData({len(self.data)} bytes)"


@dataclass(slots=True)
class RequestComplete:
    """The whole request has arrived; `request.body` holds the body unless it was streamed."""

    request: Request


@dataclass(slots=True)
class ParseError:
    """The request is malformed or over a limit; answer `error.status` and close the connection."""

    error: HttpError

    def __repr__(self):
        return f"ParseError({self.error.status}, {self.error.reason!r})"


#: What ``RequestParser.feed`` returns a list of.
Event = Union[RequestHead, BodyData, RequestComplete, ParseError]


class ParserState(str, enum.Enum):
    """Where the parser is (a ``str`` enum: ``state == "head"`` reads as before)."""

    HEAD = "head"              # waiting for / reading a request line and header section
    BODY = "body"              # reading a Content-Length body
    CHUNK_SIZE = "chunk-size"  # reading a chunk-size line
    CHUNK_DATA = "chunk-data"  # reading chunk data
    CHUNK_END = "chunk-end"    # reading the CRLF after chunk data
    TRAILERS = "trailers"      # reading the trailer section after the last chunk
    UPGRADED = "upgraded"      # stopped after a request asking to switch protocols
    FAILED = "failed"          # a ParseError was emitted; nothing more is parsed


HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UPGRADED, FAILED = ParserState
#: The states in which a request body is being read.
BODY_STATES = frozenset({BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS})


class RequestParser:
    """Incremental HTTP/1.1 request parser (RFC 9112) for a server connection.

    `feed(data)` returns a list of events. Pipelined requests are parsed one after another and
    leftover bytes are kept for the next request. Two places stop parsing until the next `feed`
    call (pass `b""` to continue without new data):

    * right after the `RequestHead` of a request that has a body, so the caller can set
      `stream_body = True` (the body then arrives as `BodyData` events) or raise `body_limit`
      for that one request before any of the body is consumed;
    * after a request that asks to switch protocols (Connection: upgrade with an Upgrade header):
      state becomes `UPGRADED` and the bytes that follow are left in `take_leftover()`; call
      `resume()` to keep parsing HTTP instead. (Bytes fed meanwhile are only buffered: stop
      reading from the socket until you decide.)

    After a `ParseError` the parser is dead: answer `error.status` and close the connection.
    """

    def __init__(self, *, max_request_line: int = 8192, max_header_line: int = 8192,
                 max_headers: int = 100, max_header_bytes: int = 65536,
                 max_body: int = 1 << 20, max_chunk_line: int = 1024,
                 methods: frozenset[str] | set[str] | None = DEFAULT_METHODS):
        for name, value in (("max_request_line", max_request_line),
                            ("max_header_line", max_header_line), ("max_headers", max_headers),
                            ("max_header_bytes", max_header_bytes), ("max_body", max_body),
                            ("max_chunk_line", max_chunk_line)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative int")
        self.max_request_line = max_request_line
        self.max_header_line = max_header_line
        self.max_headers = max_headers
        self.max_header_bytes = max_header_bytes
        self.max_body = max_body
        self.max_chunk_line = max_chunk_line
        self.methods = None if methods is None else frozenset(methods)
        self.state = HEAD
        # Per-request knobs, reset for every new request:
        self.stream_body = False        # emit BodyData instead of buffering the body
        self.body_limit = max_body      # the body limit for the current request
        self._buf = bytearray()
        self._pos = 0                   # start of unconsumed data in _buf
        self._scan = 0                  # where to resume looking for "\n" in the current line
        self._request: Request | None = None
        self._lines: list[bytes] = []   # request line + header lines of the head being read
        self._head_bytes = 0
        self._remaining = 0             # body bytes (CL) or chunk bytes still expected
        self._body = bytearray()
        self._received = 0              # body bytes received so far for the current request
        self._body_checked = True       # False between a RequestHead with a body and its check
        self._trailers = 0
        self._room: int | None = None   # requests this feed() call may still start

    # -- public API ------------------------------------------------------------------------

    @property
    def buffered(self) -> int:
        """How many received bytes are not consumed yet."""
        return len(self._buf) - self._pos

    @property
    def current_request(self) -> Request | None:
        """The request whose body is being read (None between requests)."""
        return self._request

    @property
    def between_requests(self) -> bool:
        """True when no byte of the next request has arrived (idle keep-alive connection)."""
        return self.state is HEAD and not self._lines and self.buffered == 0

    def feed(self, data: bytes, *, max_requests: int | None = None) -> list[Event]:
        """Take more bytes and return the events they complete (see the class docstring).

        `max_requests` bounds how many new requests this call may start parsing; the rest of
        the bytes stay buffered until a later call (a server uses it to bound the pipeline).
        """
        if self.state is FAILED:
            return []
        if data:
            self._buf += data
        if self.state is UPGRADED:
            return []
        events: list[Event] = []
        self._room = max_requests
        try:
            self._parse(events)
        except HttpError as exc:
            self.state = FAILED
            self._request = None
            events.append(ParseError(exc))
        self._compact()
        return events

    def take_leftover(self) -> bytes:
        """Return and forget the bytes received after the current point (e.g. after an upgrade)."""
        data = bytes(self._buf[self._pos:])
        self._buf = bytearray()
        self._pos = self._scan = 0
        return data

    def resume(self) -> None:
        """Continue parsing HTTP after an upgrade request the server decided not to honour."""
        if self.state is UPGRADED:
            self.state = HEAD

    # -- internals ---------------------------------------------------------------------------

    def _compact(self) -> None:
        if self._pos:
            del self._buf[:self._pos]
            self._scan -= self._pos
            if self._scan < 0:
                self._scan = 0
            self._pos = 0

    def _read_line(self, limit: int, status: int, what: str) -> bytes | None:
        """Next line without its terminator, or None if incomplete. Over `limit` -> HttpError.

        RFC 9112 §2.2: CRLF ends a line, and a recipient MAY accept a bare LF as well. A bare CR
        elsewhere is invalid; the field checks below reject it.
        """
        buf = self._buf
        nl = buf.find(b"\n", max(self._scan, self._pos))
        if nl < 0:
            if len(buf) - self._pos > limit + 1:  # + 1: room for the CR of a CRLF
                raise HttpError(status, f"{what} too long")
            self._scan = len(buf)
            return None
        end = nl
        if end > self._pos and buf[end - 1] == 0x0D:
            end -= 1
        if end - self._pos > limit:
            raise HttpError(status, f"{what} too long")
        line = bytes(buf[self._pos:end])
        self._pos = self._scan = nl + 1
        return line

    def _parse(self, events: list) -> None:
        while True:
            state = self.state
            if state is HEAD:
                if self._room is not None and self._room <= 0:
                    return  # the caller does not want more requests now
                if not self._parse_head(events):
                    return
                if self.state is not HEAD:
                    # A body follows (stop so the caller can choose how to take it), or the
                    # request asked to switch protocols.
                    return
            elif not self._body_checked:
                self._check_body_size()
            elif state is BODY:
                if not self._parse_fixed_body(events):
                    return
            elif state is CHUNK_SIZE:
                if not self._parse_chunk_size():
                    return
            elif state is CHUNK_DATA:
                if not self._parse_chunk_data(events):
                    return
            elif state is CHUNK_END:
                if not self._parse_chunk_end():
                    return
            elif state is TRAILERS:
                if not self._parse_trailers(events):
                    return
            else:  # UPGRADED / FAILED
                return

    # RFC 9112 §2.2, §3, §5: request line and header section
    def _parse_head(self, events: list) -> bool:
        while True:
            if not self._lines:
                line = self._read_line(self.max_request_line, 414, "request line")
                if line is None:
                    # Fail fast on bytes that can never start a request (a TLS ClientHello,
                    # binary junk) instead of waiting for a newline that may never come.
                    if _BAD_LINE_RE.search(self._buf, self._pos):
                        raise HttpError(400, "malformed request line")
                    return False
                if not line:
                    # RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the
                    # request-line. Counted against the request-line limit so it stays bounded.
                    self._head_bytes += 1
                    if self._head_bytes > self.max_request_line:
                        raise HttpError(400, "too many empty lines before the request line")
                    continue
                # The check made on a partial line above, made at once on a whole one too: the
                # answer to a bad line must not depend on how it was split into reads.
                if _BAD_LINE_RE.search(line):
                    raise HttpError(400, "malformed request line")
                self._lines.append(line)
                self._head_bytes = len(line)
                continue
            line = self._read_line(self.max_header_line, 431, "header line")
            if line is None:
                return False
            if not line:
                break
            if len(self._lines) > self.max_headers:
                raise HttpError(431, "too many header fields")
            self._head_bytes += len(line) + 2
            if self._head_bytes > self.max_header_bytes:
                raise HttpError(431, "header section too large")
            self._lines.append(line)
        lines, self._lines, self._head_bytes = self._lines, [], 0
        request = self._build_request(lines)
        self._start_body(request)
        events.append(RequestHead(request))
        if self.state is HEAD:
            # No body: the request is complete right away.
            self._finish(events)
        return True

    def _build_request(self, lines: list[bytes]) -> Request:
        parts = lines[0].split(b" ")
        if len(parts) != 3:
            raise HttpError(400, "malformed request line")
        method_b, target_b, version_b = parts
        if not TOKEN_RE.fullmatch(method_b):
            raise HttpError(400, "malformed method")
        match = _VERSION_RE.fullmatch(version_b)
        if not match:
            raise HttpError(400, "malformed HTTP version")
        if match.group(1) != b"1" or match.group(2) not in b"01":
            raise HttpError(505, "HTTP version not supported")  # RFC 9110 §15.6.6
        version = version_b.decode("ascii")
        method = method_b.decode("ascii")
        if len(method) > MAX_METHOD_LENGTH or (self.methods is not None
                                               and method not in self.methods):
            raise HttpError(501, "method not implemented")  # RFC 9110 §9.1
        if not target_b or _BAD_TARGET_RE.search(target_b):
            raise HttpError(400, "malformed request target")
        target = target_b.decode("ascii")
        # RFC 9112 §3.2: origin-form, absolute-form, or asterisk-form for OPTIONS.
        # (authority-form is for CONNECT, which we do not implement.)
        if target == "*":
            if method != "OPTIONS":
                raise HttpError(400, "asterisk-form is only for OPTIONS")
        elif not target.startswith("/"):
            low = target[:8].lower()
            if not (low.startswith("http://") or low.startswith("https://")):
                raise HttpError(400, "malformed request target")
        headers = Headers()
        for line in lines[1:]:
            # RFC 9112 §5.2: obs-fold (a line starting with whitespace) -> reject with 400.
            if line[:1] in (b" ", b"\t"):
                raise HttpError(400, "obsolete line folding")
            name, colon, value = line.partition(b":")
            if not colon:
                raise HttpError(400, "header line without a colon")
            # RFC 9112 §5.1: no whitespace between field name and colon; name is a token.
            if not TOKEN_RE.fullmatch(name):
                raise HttpError(400, "invalid header name")
            value = value.strip(_OWS)
            if BAD_VALUE_RE.search(value):
                raise HttpError(400, "invalid header value")
            headers.add(name.decode("ascii"), value.decode("latin-1"))
        # RFC 9112 §3.2: HTTP/1.1 needs exactly one valid Host; more than one is a 400.
        hosts = headers.get_all("host")
        if len(hosts) > 1:
            raise HttpError(400, "more than one Host header")
        if version == "HTTP/1.1" and not hosts:
            raise HttpError(400, "missing Host header")
        if hosts and ("/" in hosts[0] or " " in hosts[0] or "@" in hosts[0]):
            raise HttpError(400, "invalid Host header")
        return Request(method, target, version, headers)

    def _start_body(self, request: Request) -> None:
        """Decide the body framing (RFC 9112 §6.3) and move to the matching state."""
        headers = request.headers
        self._request = request
        self.stream_body = False
        self.body_limit = self.max_body
        self._body = bytearray()
        self._received = 0
        self._trailers = 0
        te = headers.get_all("transfer-encoding")
        cl = headers.get_all("content-length")
        if te:
            # RFC 9112 §6.1: both present -> "ought to be handled as an error"; we refuse it
            # (it is the classic request-smuggling vector).
            if cl:
                raise HttpError(400, "both Transfer-Encoding and Content-Length")
            if request.version == "HTTP/1.0":
                # RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
                raise HttpError(400, "Transfer-Encoding in an HTTP/1.0 request")
            codings = headers.get_tokens("transfer-encoding")
            if not codings or ("chunked" in codings and codings[-1] != "chunked"):
                # RFC 9112 §6.3: in a request, chunked must be the final coding; else 400.
                raise HttpError(400, "invalid Transfer-Encoding")
            if codings != ["chunked"]:
                # RFC 9112 §6.1: a transfer coding we do not understand -> 501.
                raise HttpError(501, "unsupported transfer coding")
            self.state = CHUNK_SIZE
            self._body_checked = False
        elif cl:
            # RFC 9110 §8.6: Content-Length = 1*DIGIT. Duplicates (even equal ones) are refused.
            if len(cl) > 1 or "," in cl[0]:
                raise HttpError(400, "duplicate Content-Length")
            value = cl[0]
            if not value.isascii() or not value.isdigit():
                raise HttpError(400, "invalid Content-Length")
            if len(value) > 18:
                raise HttpError(413, "request body too large")
            length = int(value)
            if length:
                self._remaining = length
                self.state = BODY
                self._body_checked = False
        # else: no body (RFC 9112 §6.3 rule 7 for requests)

    def _check_body_size(self) -> None:
        """Runs once, before the first body byte is consumed (after the caller saw the head)."""
        self._body_checked = True
        if self.state is BODY and self._remaining > self.body_limit:
            raise HttpError(413, "request body too large")  # RFC 9110 §15.5.14

    def _take_body(self, data: bytes, events: list) -> None:
        if self.stream_body:
            if self._body:
                # The caller switched to streaming after some body was buffered: flush it first.
                events.append(BodyData(bytes(self._body)))
                self._body = bytearray()
            events.append(BodyData(data))
        else:
            self._body += data

    def _parse_fixed_body(self, events: list) -> bool:
        avail = len(self._buf) - self._pos
        if not avail:
            return False
        n = min(avail, self._remaining)
        self._take_body(bytes(self._buf[self._pos:self._pos + n]), events)
        self._pos += n
        self._scan = self._pos
        self._remaining -= n
        if self._remaining:
            return False
        self._finish(events)
        return True

    # RFC 9112 §7.1: chunked-body = *chunk last-chunk trailer-section CRLF
    def _parse_chunk_size(self) -> bool:
        line = self._read_line(self.max_chunk_line, 400, "chunk size line")
        if line is None:
            return False
        size_b = line.split(b";", 1)[0].rstrip(_OWS)  # chunk-ext ignored (RFC 9112 §7.1.1)
        if not size_b or len(size_b) > 16 or not all(c in _HEXDIGITS for c in size_b):
            raise HttpError(400, "invalid chunk size")
        size = int(size_b, 16)
        if self._received + size > self.body_limit:
            raise HttpError(413, "request body too large")
        if size == 0:
            self.state = TRAILERS
        else:
            self._remaining = size
            self.state = CHUNK_DATA
        return True

    def _parse_chunk_data(self, events: list) -> bool:
        avail = len(self._buf) - self._pos
        if not avail:
            return False
        n = min(avail, self._remaining)
        self._take_body(bytes(self._buf[self._pos:self._pos + n]), events)
        self._pos += n
        self._scan = self._pos
        self._remaining -= n
        self._received += n
        if self._remaining:
            return False
        self.state = CHUNK_END
        return True

    def _parse_chunk_end(self) -> bool:
        # chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF: exactly CRLF (or LF) here.
        line = self._read_line(0, 400, "chunk data")
        if line is None:
            return False
        if line:
            raise HttpError(400, "chunk data longer than its size")
        self.state = CHUNK_SIZE
        return True

    def _parse_trailers(self, events: list) -> bool:
        # RFC 9112 §7.1.2: trailer fields may be discarded; we check and drop them.
        while True:
            line = self._read_line(self.max_header_line, 431, "trailer line")
            if line is None:
                return False
            if not line:
                self._finish(events)
                return True
            self._trailers += 1
            if self._trailers > self.max_headers:
                raise HttpError(431, "too many trailer fields")
            name, colon, value = line.partition(b":")
            if not colon or not TOKEN_RE.fullmatch(name) or BAD_VALUE_RE.search(value):
                raise HttpError(400, "invalid trailer field")

    def _finish(self, events: list) -> None:
        request = self._request
        self._request = None
        if self._room is not None:
            self._room -= 1
        if not self.stream_body:
            request.body = bytes(self._body)
        elif self._body:
            events.append(BodyData(bytes(self._body)))
        self._body = bytearray()
        self._body_checked = True
        events.append(RequestComplete(request))
        # RFC 9110 §7.8: the server may switch protocols after a request that lists "upgrade"
        # in Connection; whatever follows is not HTTP any more until the server says so.
        if "upgrade" in request.headers and "upgrade" in request.headers.get_tokens("connection"):
            self.state = UPGRADED
        else:
            self.state = HEAD
        self.stream_body = False
        self.body_limit = self.max_body

"""HTTP/1.1 responses as bytes, without I/O (RFC 9112 §4-§6): `build_response_head` and
`build_response`. Header values that would smuggle extra lines are refused."""
from __future__ import annotations

from .model import Response, reason_phrase
from .syntax import BAD_VALUE_RE, is_token

__all__ = ["build_response_head", "build_response"]


def _check_field(name: str, value: str) -> None:
    # Refuse to build a response that would smuggle extra lines (header injection) or that
    # cannot be encoded (field values are ISO-8859-1 on the wire, RFC 9110 §5.5).
    if not is_token(name):
        raise ValueError(f"headers: invalid header name {name!r}")
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"headers: value for {name!r} is not ISO-8859-1") from None
    if BAD_VALUE_RE.search(raw):
        raise ValueError(f"headers: invalid value for header {name!r}")


def build_response_head(status: int, headers=(), *, content_length: int | None = None,
                        keep_alive: bool = True, date: str | None = None,
                        request_version: str = "HTTP/1.1") -> bytes:
    """Status line and header section (RFC 9112 §4, §5), ending with the empty line.

    `content_length` adds Content-Length; `keep_alive=False` adds "Connection: close", and for an
    HTTP/1.0 client a kept-alive connection is announced with "Connection: keep-alive"
    (RFC 9112 §9.3). `date` is an IMF-fixdate string the caller formats (no clock here).
    Header values with CR, LF or other controls raise ValueError.
    """
    if not isinstance(status, int) or not 100 <= status <= 999:
        raise ValueError("status must be an int between 100 and 999")
    out = [f"HTTP/1.1 {status} {reason_phrase(status)}\r\n"]
    has_connection = False
    for name, value in headers:
        value = str(value)
        _check_field(name, value)
        if name.lower() == "connection":
            has_connection = True
        out.append(f"{name}: {value}\r\n")
    if date is not None:
        out.append(f"Date: {date}\r\n")
    if content_length is not None:
        out.append(f"Content-Length: {int(content_length)}\r\n")
    if not has_connection and status >= 200:
        if not keep_alive:
            out.append("Connection: close\r\n")
        elif request_version == "HTTP/1.0":
            out.append("Connection: keep-alive\r\n")
    out.append("\r\n")
    return "".join(out).encode("latin-1")


def build_response(response: Response, *, keep_alive: bool = True, head_only: bool = False,
                   date: str | None = None, request_version: str = "HTTP/1.1",
                   body_length: int | None = None) -> bytes:
    """The full response as bytes. `head_only` (a HEAD request) keeps Content-Length, drops body.
    `body_length`: the body is sent apart (streamed by the caller); only the head is built, with
    this Content-Length.

    RFC 9110 §8.6 / RFC 9112 §6.3: 1xx, 204 and 304 responses carry neither body nor
    Content-Length.
    """
    status = response.status
    headers = [(n, v) for n, v in response.headers
               if n.lower() not in ("content-length", "transfer-encoding")]
    if status < 200 or status in (204, 304):
        return build_response_head(status, headers, keep_alive=keep_alive, date=date,
                                   request_version=request_version)
    head = build_response_head(status, headers,
                               content_length=len(response.body) if body_length is None else body_length,
                               keep_alive=keep_alive, date=date, request_version=request_version)
    if head_only or body_length is not None or not response.body:
        return head
    return head + response.body

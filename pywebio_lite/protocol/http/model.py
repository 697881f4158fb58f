"""HTTP/1.1 messages without I/O: ``Headers``, ``Request``, ``Response``, ``HttpError`` and
``reason_phrase`` (RFC 9110 semantics). The parser (``parser.py``) makes Requests, the writer
(``writer.py``) turns Responses into bytes.
"""
from __future__ import annotations

import json as _json
from http import HTTPStatus
from urllib.parse import parse_qs, unquote, urlsplit

from .syntax import list_elements

__all__ = ["Headers", "Request", "Response", "HttpError", "reason_phrase"]


def reason_phrase(status: int) -> str:
    """The standard reason phrase for a status code ("" for unknown codes, RFC 9112 §4)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _first_value(items, name: str, default):
    """The value of the first ``(name, value)`` pair whose name matches ``name`` in any case."""
    key = name.lower()
    for n, v in items:
        if n.lower() == key:
            return v
    return default


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------

class Headers:
    """A case-insensitive multi-dict of header fields that keeps the order they arrived in.

    Names keep the spelling they were sent with; look-ups ignore case (RFC 9110 §5.1).
    """

    __slots__ = ("_items",)

    def __init__(self, items=()):
        self._items: list[tuple[str, str]] = []
        if isinstance(items, (dict, Headers)):
            items = items.items()
        for name, value in items:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        if not isinstance(value, str):
            raise TypeError("value must be a str")
        self._items.append((name, value))

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of `name`, or `default` when absent."""
        return _first_value(self._items, name, default)

    def get_all(self, name: str) -> list[str]:
        """Every value of `name` in arrival order (one entry per field line)."""
        key = name.lower()
        return [v for n, v in self._items if n.lower() == key]

    def get_tokens(self, name: str) -> list[str]:
        """The comma-separated list elements of every `name` line, lower-cased (RFC 9110 §5.6.1)."""
        return list_elements(self.get_all(name))

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.lower()
        return any(n.lower() == key for n, _ in self._items)

    def __iter__(self):
        return iter([n for n, _ in self._items])

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return [(n.lower(), v) for n, v in self._items] == [(n.lower(), v) for n, v in other._items]

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


# ---------------------------------------------------------------------------------------------
# Request, Response, errors
# ---------------------------------------------------------------------------------------------

class Request:
    """One parsed HTTP request.

    `target` is the raw request-target; `raw_path` its path part as sent (still percent-encoded);
    `path` the percent-decoded path; `query_string` the raw part after "?"; `query` the parsed
    query (blank values kept). `remote` is filled in by the server (peer address).
    """

    __slots__ = ("method", "target", "raw_path", "path", "query_string", "version", "headers",
                 "body", "remote", "_query")

    def __init__(self, method: str, target: str, version: str = "HTTP/1.1",
                 headers: Headers | None = None, body: bytes = b"", remote=None):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers if headers is not None else Headers()
        self.body = body
        self.remote = remote
        self._query = None
        if target == "*":  # RFC 9112 §3.2.4 asterisk-form (OPTIONS only)
            raw_path, query = "*", ""
        else:
            if not target.startswith("/"):
                # RFC 9112 §3.2.2 absolute-form: a server MUST accept it; the path is what counts.
                parts = urlsplit(target)
                raw_path, query = parts.path or "/", parts.query
            else:
                raw_path, _, query = target.partition("?")
        self.raw_path = raw_path
        self.path = unquote(raw_path, errors="replace")
        self.query_string = query

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            self._query = parse_qs(self.query_string, keep_blank_values=True)
        return self._query

    def query_arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter `name`, or `default`."""
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def keep_alive(self) -> bool:
        """Whether the connection may stay open after this request (RFC 9112 §9.3)."""
        tokens = self.headers.get_tokens("connection")
        if "close" in tokens:
            return False
        if self.version == "HTTP/1.1":
            return True
        return "keep-alive" in tokens  # HTTP/1.0 keeps the connection only when asked

    @property
    def content_length(self) -> int | None:
        value = self.headers.get("content-length")
        return int(value) if value is not None and value.isdigit() else None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.target} {self.version}>"


class HttpError(Exception):
    """A request the server cannot serve; `status` is the status code to answer with."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


class Response:
    """An HTTP response to build: status code, header list and the whole body as bytes.

    Content-Length and Connection are added by `build_response`; do not put them in `headers`.
    """

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int = 200, headers=None, body: bytes = b""):
        if not isinstance(status, int) or not 100 <= status <= 999:
            raise ValueError("status must be an int between 100 and 999")
        if isinstance(body, (bytearray, memoryview)):
            body = bytes(body)
        if not isinstance(body, bytes):
            raise TypeError("body must be bytes")
        self.status = status
        self.headers: list[tuple[str, str]] = list(headers.items() if isinstance(headers, dict)
                                                   else headers or ())
        self.body = body

    @classmethod
    def text(cls, status: int, text: str, *, headers=None) -> "Response":
        return cls(status, [("Content-Type", "text/plain; charset=utf-8"), *_hl(headers)],
                   text.encode("utf-8"))

    @classmethod
    def html(cls, status: int, html: str, *, headers=None) -> "Response":
        return cls(status, [("Content-Type", "text/html; charset=utf-8"), *_hl(headers)],
                   html.encode("utf-8"))

    @classmethod
    def json(cls, status: int, obj, *, headers=None) -> "Response":
        body = _json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, [("Content-Type", "application/json"), *_hl(headers)], body)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> "Response":
        return cls(status, [("Location", location)])

    def get_header(self, name: str, default: str | None = None) -> str | None:
        """The first value of header `name` (any case), or `default` when absent."""
        return _first_value(self.headers, name, default)

    def __repr__(self) -> str:
        return f"<Response {self.status} {len(self.body)} bytes>"


def _hl(headers) -> list:
    if headers is None:
        return []
    return list(headers.items() if isinstance(headers, dict) else headers)

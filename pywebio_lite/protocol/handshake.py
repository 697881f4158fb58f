"""The server side of the RFC 6455 §4 opening handshake: validating the client's upgrade request
(``check_request``), computing ``Sec-WebSocket-Accept`` (``accept_key``) and building the
``101 Switching Protocols`` response (``build_accept_response``). Sans-I/O.

The request is duck-typed (``pywebio_lite.protocol.http.Request`` fits): ``.method``,
``.version`` (like ``"HTTP/1.1"``) and ``.headers`` with case-insensitive ``.get(name)`` and
``.get_all(name)``. Tokens, field values and list headers are read with the RFC 9110 helpers of
``pywebio_lite.protocol.http.syntax``.

Status codes chosen for a refused handshake:

* 426 Upgrade Required when the request carries no ``Upgrade`` header at all (a plain GET sent to
  a WebSocket endpoint; RFC 9110 §15.5.22 asks for an ``Upgrade`` header in the response), and
  when ``Sec-WebSocket-Version`` is missing or not 13 (RFC 6455 §4.2.2 / §4.4, with
  ``Sec-WebSocket-Version: 13`` in the response).
* 400 Bad Request for everything else (RFC 6455 §4.2.1): wrong method or HTTP version, an
  ``Upgrade`` header naming other protocols only, no ``upgrade`` token in ``Connection``, a
  missing ``Host``, a bad or repeated ``Sec-WebSocket-Key``, a repeated version header.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from .http.syntax import has_bad_value, is_token, list_elements

__all__ = [
    "GUID",
    "HandshakeError",
    "accept_key",
    "build_accept_response",
    "check_request",
    "is_upgrade_request",
]

# RFC 6455 §1.3: the globally unique identifier appended to the key.
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

_VERSION = re.compile(r"HTTP/(\d+)\.(\d+)\Z")


class HandshakeError(Exception):
    """The upgrade request is refused: answer with ``status`` (400 or 426) and ``headers``."""

    def __init__(self, status: int, reason: str, headers=()) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = list(headers)  # [(name, value)] to add to the error response

    def __repr__(self) -> str:
        return f"HandshakeError({self.status}, {self.reason!r})"


def accept_key(key: str) -> str:
    """RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + GUID))."""
    if not isinstance(key, str):
        raise TypeError("key must be a str")
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def _header_values(headers, name: str) -> list:
    """All values of a header (one per header line); works with a plain mapping too."""
    get_all = getattr(headers, "get_all", None)
    if get_all is not None:
        return list(get_all(name) or ())
    value = headers.get(name)
    return [] if value is None else [value]


def _tokens(headers, name: str) -> set:
    """The lower-cased comma-separated elements of every line of a list header (RFC 9110 §5.6.1)."""
    return set(list_elements(_header_values(headers, name)))


def is_upgrade_request(request) -> bool:
    """Does the request ask to be upgraded to WebSocket (``Upgrade: websocket``)?"""
    return "websocket" in _tokens(request.headers, "Upgrade")


def check_request(request) -> str:
    """Validate a client's opening handshake (RFC 6455 §4.2.1) and return its
    ``Sec-WebSocket-Key``; raise ``HandshakeError`` if it is not acceptable."""
    headers = request.headers
    # RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
    if request.method != "GET":
        raise HandshakeError(400, "the WebSocket handshake must be a GET request")
    version = getattr(request, "version", None)
    if version is not None:
        m = _VERSION.match(version)
        if not m or (int(m.group(1)), int(m.group(2))) < (1, 1):
            raise HandshakeError(400, "the WebSocket handshake needs HTTP/1.1 or later")
    # Item 2: a Host header.
    if not _header_values(headers, "Host"):
        raise HandshakeError(400, "missing Host header")
    # Item 3: "An |Upgrade| header field containing the value "websocket"" (case-insensitive).
    upgrade = _tokens(headers, "Upgrade")
    if not upgrade:
        raise HandshakeError(
            426, "Upgrade Required", [("Upgrade", "websocket"), ("Connection", "Upgrade")]
        )
    if "websocket" not in upgrade:
        raise HandshakeError(400, "the Upgrade header does not name websocket")
    # Item 4: "A |Connection| header field that includes the token "Upgrade"".
    if "upgrade" not in _tokens(headers, "Connection"):
        raise HandshakeError(400, "the Connection header does not include upgrade")
    # Item 6: "A |Sec-WebSocket-Version| header field, with a value of 13"; otherwise §4.4:
    # answer 426 with the versions we speak. Checked before the key: clients of older drafts
    # send no version (and other key headers).
    versions = _header_values(headers, "Sec-WebSocket-Version")
    if len(versions) > 1:
        raise HandshakeError(400, "repeated Sec-WebSocket-Version header")
    if not versions or versions[0].strip(" \t") != "13":
        raise HandshakeError(
            426, "unsupported WebSocket version", [("Sec-WebSocket-Version", "13")]
        )
    # Item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when
    # decoded, is 16 bytes in length".
    keys = _header_values(headers, "Sec-WebSocket-Key")
    if not keys:
        raise HandshakeError(400, "missing Sec-WebSocket-Key header")
    if len(keys) > 1:
        raise HandshakeError(400, "repeated Sec-WebSocket-Key header")
    key = keys[0].strip(" \t")
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise HandshakeError(400, "Sec-WebSocket-Key is not base64") from None
    if len(raw) != 16:
        raise HandshakeError(400, "Sec-WebSocket-Key is not 16 bytes")
    return key


def build_accept_response(key: str, *, extensions: str | None = None, extra_headers=()) -> bytes:
    """The complete ``101 Switching Protocols`` response (RFC 6455 §4.2.2 item 5), ending with
    the blank line. ``extensions`` is the negotiated Sec-WebSocket-Extensions value (RFC 6455
    §9.1); ``extra_headers`` are more ``(name, value)`` pairs."""
    lines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Accept: {accept_key(key)}",
    ]
    if extensions is not None:
        if not isinstance(extensions, str) or has_bad_value(extensions):
            raise ValueError("extensions must be a str without control characters")
        lines.append(f"Sec-WebSocket-Extensions: {extensions}")
    for item in extra_headers:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise ValueError("extra_headers must hold (name, value) pairs") from None
        name, value = str(name), str(value)
        # Refuse header injection: a name is a token, a value has no CR/LF (RFC 9110 §5.1, §5.5).
        if not is_token(name) or has_bad_value(value):
            raise ValueError(f"extra_headers has an invalid header: {name!r}")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

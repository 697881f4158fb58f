"""HTTP/1.1 without I/O, in four modules (this package re-exports their public names):

* ``model.py``: ``Headers``, ``Request``, ``Response``, ``HttpError``, ``reason_phrase``;
* ``parser.py``: the incremental ``RequestParser`` with limits, its ``ParserState`` enum and its
  events (``RequestHead``, ``BodyData``, ``RequestComplete``, ``ParseError``);
* ``writer.py``: ``build_response_head``, ``build_response``;
* ``deadline.py``: ``BodyDeadline`` (slow-body defence, times passed in);
* ``syntax.py``: RFC 9110 tokens, field values and list elements (shared with ``handshake.py``).

Nothing here touches sockets, clocks or threads; the server in ``pywebio_lite.server`` drives it.
Reading order of the rules follows RFC 9112 (message syntax) and RFC 9110 (semantics).
"""
from .deadline import BodyDeadline
from .model import Headers, HttpError, Request, Response, reason_phrase
from .parser import (BODY_STATES, DEFAULT_METHODS, MAX_METHOD_LENGTH, BodyData, ParseError,
                     ParserState, RequestComplete, RequestHead, RequestParser)
from .writer import build_response, build_response_head

__all__ = [
    "Headers", "Request", "Response", "HttpError", "RequestParser",
    "RequestHead", "BodyData", "RequestComplete", "ParseError",
    "build_response_head", "build_response", "reason_phrase", "BodyDeadline",
    "ParserState", "BODY_STATES", "DEFAULT_METHODS", "MAX_METHOD_LENGTH",
]

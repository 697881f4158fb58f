"""The HTTP long-polling transport's requests and responses (docs/protocol.md §9), pure.

A page under a host without WebSocket (Flask, Django, any WSGI server) talks to its session with
POST requests to its own URL. The query says what a request is:

* ``?app=NAME&session=NEW``: open a session; the answer holds the ``hello`` frame and the first frames.
* ``?app=NAME&session=TOKEN&ack=A&seen=R``: a poll. The page applied every frame up to A (the
  server may forget them) and received every frame up to R (default A); the answer holds the frames
  after R (again, if a lost answer had them), waiting a bounded time for the first one
  (``&wait=0``: not at all).
* ``?app=NAME&session=TOKEN`` with a body: one page message, as a WebSocket would carry it: a
  JSON event frame (any other Content-Type) or an upload chunk (``application/octet-stream``).
* ``?app=NAME&session=TOKEN&close=1``: the page is leaving (``navigator.sendBeacon``).

An answer to an open or a poll is ``application/x-ndjson``: one frame per line, exactly the text a
WebSocket message would carry (frames are JSON encoded with ASCII escapes, so they hold no raw
newline), and a last line ``{"close":{"code":C,"reason":R}}`` when the session closed the transport.

This module only parses and builds: `parse_poll_request` checks a request (raising `PollError`
with the status and reason to answer), `poll_body` builds an answer's body.
"""

from __future__ import annotations

import json
import re

__all__ = ["PollError", "PollRequest", "parse_poll_request", "poll_body", "NDJSON", "MAX_ACK_DIGITS"]

#: The Content-Type of an answer with frames.
NDJSON = "application/x-ndjson"
#: Longest acknowledgement accepted, in digits (a frame counter never gets near 10**18).
MAX_ACK_DIGITS = 18
#: A session token as `platform.adaptor.SessionConnection` makes them (URL-safe base64).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class PollError(ValueError):
    """A poll request that must be refused: `status` (a 4xx) and a `reason` for the person."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


class PollRequest:
    """A checked poll request: `kind` is ``open``, ``poll``, ``send`` or ``close``; `session` the
    token (``NEW`` for open). A poll's `ack` is the last frame the page applied (the server may
    forget it and those before), `seen` the last one it received (the answer starts after it).
    `wait` is False for ``wait=0`` (answer at once: a page that resumes learns now whether the
    session is there). `message` is the page's message for ``send`` (str: a text frame, bytes: an
    upload chunk)."""

    __slots__ = ("kind", "session", "ack", "seen", "message", "wait")

    def __init__(self, kind: str, session: str, ack: int | None = None, seen: int | None = None,
                 message: str | bytes | None = None, wait: bool = True):
        self.kind, self.session, self.ack, self.seen, self.message = kind, session, ack, seen, message
        self.wait = wait

    def __repr__(self) -> str:
        return f"PollRequest({self.kind!r}, {self.session!r}, ack={self.ack!r}, seen={self.seen!r})"

    def _key(self) -> tuple:
        return self.kind, self.session, self.ack, self.seen, self.message, self.wait

    def __eq__(self, other) -> bool:
        return isinstance(other, PollRequest) and self._key() == other._key()


def _one(query: dict, name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise PollError(400, f"more than one {name} parameter")
    return values[0]


def _count(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > MAX_ACK_DIGITS:
        raise PollError(400, f"{name} must be a non-negative integer")
    return int(value)


def parse_poll_request(method: str, query: dict[str, list[str]], content_type: str | None, body: bytes, *,
                       max_body: int, max_text: int) -> PollRequest:
    """Check a poll request (`query` as `urllib.parse.parse_qs` gives it); raise PollError if it is bad.

    `max_body` bounds a body (an upload chunk), `max_text` a text frame (both in bytes).
    """
    if method != "POST":
        raise PollError(405, "a poll request must be a POST")
    session = _one(query, "session")
    if session is None:
        raise PollError(400, "missing session parameter")
    ack, close = _one(query, "ack"), _one(query, "close")
    if session == "NEW":
        if ack is not None or close is not None:
            raise PollError(400, "a new session has nothing to acknowledge or close")
        if body:
            raise PollError(400, "opening a session takes no body")
        return PollRequest("open", session)
    if not _TOKEN.fullmatch(session):
        raise PollError(400, "malformed session id")
    if close is not None:
        return PollRequest("close", session)
    if ack is not None:
        ack_n = _count(ack, "ack")
        seen = _one(query, "seen")
        seen_n = ack_n if seen is None else _count(seen, "seen")
        if seen_n < ack_n:
            raise PollError(400, "seen must not be less than ack")
        if body:
            raise PollError(400, "a poll takes no body")
        wait = _one(query, "wait")
        if wait not in (None, "0"):
            raise PollError(400, "wait must be 0 (or left out)")
        return PollRequest("poll", session, ack=ack_n, seen=seen_n, wait=wait is None)
    if not body:
        raise PollError(400, "a message needs a body (or ack=N to poll)")
    if len(body) > max_body:
        raise PollError(413, "message too large")
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/octet-stream":
        return PollRequest("send", session, message=bytes(body))
    if len(body) > max_text:
        raise PollError(413, "text message too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PollError(400, "a text message must be UTF-8") from None
    return PollRequest("send", session, message=text)


def poll_body(frames: list[str], close: tuple[int, str] | None = None) -> bytes:
    """An answer's body: the frames one per line, then the close line if the transport closed.

    Raises ValueError for a frame with a raw newline (it would split into two lines).
    """
    lines = list(frames)
    for frame in lines:
        if "\n" in frame or "\r" in frame:
            raise ValueError("a frame must not hold a raw newline")
    if close is not None:
        lines.append(json.dumps({"close": {"code": int(close[0]), "reason": str(close[1])}},
                                separators=(",", ":")))
    return ("\n".join(lines)).encode("utf-8")

"""The pywebio_lite app protocol: how a session and its browser page talk (see docs/protocol.md).

Pure code: JSON text in, checked events out; commands in, numbered frames out.

Server → browser, one text frame per batch::

    {"seq": 7, "ack": 3, "load": ["forms"], "commands": [{"command": "output", ...}, ...]}

Commands produced in the same instant leave together in one frame. Every frame carries a sequence
number (1, 2, 3...) so that a browser that reconnects can say which frame it saw last and the
server can replay the rest from its history (`Outbox.frames_after`).

Browser → server, one text frame per batch of events::

    {"seq": 3, "ack": 7, "events": [{"event": "callback", "task_id": "cb-...", "data": 1}]}

``ack`` is the last server frame the page has applied (the server may forget older history);
``seq`` numbers the browser's frames so a replayed frame is applied only once (`Inbox`).
``load`` names the lazily loaded frontend modules the page must have before it applies the frame
(`LOADS`; `command_loads`/`output_loads` find them when a command is queued).
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

__all__ = [
    "LOADS", "command_loads", "output_loads",
    "EVENT_NAMES", "ClientEvent", "FrameError", "encode_command", "Outbox", "Inbox",
    "parse_client_frame", "UploadChunk", "parse_upload_chunk", "MAX_JSON_DEPTH",
    "MAX_FRAME_EVENTS", "MAX_JSON_CONTAINERS", "json_shape_error", "nesting_exceeds",
]

#: The events a browser may send. Anything else is dropped by `parse_client_frame`.
EVENT_NAMES = frozenset({"from_submit", "from_cancel", "input_event", "callback", "js_yield"})

#: Longest task or callback id accepted from a browser.
MAX_TASK_ID = 128

#: Deepest nesting of arrays and objects accepted in a browser frame or an upload chunk header.
#: Deeper JSON is dropped before it is decoded (no RecursionError, whatever the depth).
MAX_JSON_DEPTH = 32

#: Most events one browser frame may carry; a frame with more is dropped whole.
MAX_FRAME_EVENTS = 1000

#: Most arrays and objects one browser frame may hold (each costs the decoder an allocation; a
#: real frame of 1,000 events holds a few thousand).
MAX_JSON_CONTAINERS = 20_000

# A JSON string, skipped whole: brackets inside it do not count.
_JSON_STR = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_STR_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_BRACKET_BYTES = re.compile(rb"[\[\]{}]")


def json_shape_error(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH,
                     max_containers: int = MAX_JSON_CONTAINERS) -> str | None:
    """Why JSON text must not be decoded (arrays/objects nested deeper than `max_depth`, or more
    than `max_containers` of them), or None. No recursion, and bounded work: C-speed passes over
    the text, plus one Python step per bracket, at most 2 * `max_containers` of them, and only
    for text with more than `max_depth` brackets."""
    if isinstance(text, str):
        opening, strings, brackets, closing, empty = "[{", _JSON_STR, _BRACKET, "]}", ""
    else:
        opening, strings, brackets, closing, empty = b"[{", _JSON_STR_BYTES, _BRACKET_BYTES, b"]}", b""
    if text.count(opening[:1]) + text.count(opening[1:]) <= max_depth:
        return None
    bare = strings.sub(empty, text)  # strings removed: only the structure is left
    containers = bare.count(opening[:1]) + bare.count(opening[1:])
    depth = 0
    steps = 2 * max_containers
    for match in brackets.finditer(bare):
        steps -= 1
        if steps < 0:
            break
        if match.group() in closing:
            depth -= 1
        else:
            depth += 1
            if depth > max_depth:
                return f"JSON nested deeper than {max_depth} levels"
    if containers > max_containers:
        return f"more than {max_containers} arrays and objects"
    return None


def nesting_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if the JSON text nests arrays/objects deeper than `limit`."""
    return json_shape_error(text, max_depth=limit, max_containers=1 << 62) is not None


_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, check_circular=False)
_encode = _encoder.encode


# -- lazily loaded frontend modules (docs/protocol.md §2, "load") ------------------------------

#: The names a frame's "load" list may hold: the frontend modules loaded on first use.
LOADS = frozenset({"popup", "forms", "combo", "datatable", "dollar", "i18n"})
_COMMAND_LOADS = {"popup": "popup", "input_group": "forms", "update_input": "forms",
                  "destroy_form": "forms"}  # and pin_* (forms), datatable_* (datatable)
#: Output types that hold no other outputs and need no lazy module (the put_xxx() fast path).
_PLAIN_PREFIXES = tuple(f'{{"type":"{t}"' for t in ("text", "markdown", "code", "image", "link",
                                                        "progressbar", "buttons"))
# A script that uses `$` or `jQuery` needs our small `$` (static/js/dollar.js).
_USES_DOLLAR = re.compile(r"\$|\bjQuery\b")
_SCRIPT_TAG = re.compile(r"<script", re.I)


def _spec_loads(text: str, loads: set) -> set:
    """Add what the outputs inside the JSON text `text` need (pins, data grids, html scripts)."""
    if '"type":"pin"' in text:
        loads.add("forms")
    if '"native":false' in text:
        loads.add("combo")  # a searchable select (static/js/forms/combo.js)
    if '"type":"datatable"' in text:
        loads.add("datatable")
    if '"type":"html"' in text and _SCRIPT_TAG.search(text) and _USES_DOLLAR.search(text):
        loads.add("dollar")
    return loads


def command_loads(command: str, encoded: str) -> set:
    """The lazy modules (`LOADS`) the page needs for the encoded command `encoded`."""
    loads = set()
    name = _COMMAND_LOADS.get(command)
    if name is not None:
        loads.add(name)
    elif command.startswith("pin_"):
        loads.add("forms")
    elif command.startswith("datatable_"):
        loads.add("datatable")
    elif command == "run_script":
        if _USES_DOLLAR.search(encoded):
            loads.add("dollar")
    elif command == "set_env" and '"language"' in encoded:
        loads.add("i18n")
    return _spec_loads(encoded, loads)


def output_loads(spec_json: str) -> set | None:
    """`command_loads` for an ``output`` command whose spec is the JSON text `spec_json` (None:
    nothing). A plain output (text, markdown...) is known by its type alone."""
    if spec_json.startswith(_PLAIN_PREFIXES):
        return None
    return _spec_loads(spec_json, set()) or None


def encode_command(command: str, spec: Any = None, task_id: str | None = None) -> str:
    """One command as JSON text, ready to be put in a frame. Raises TypeError for data JSON cannot hold."""
    return encode_command_with_spec_json(command, _encode(spec), task_id)


def encode_command_with_spec_json(command: str, spec_json: str, task_id: str | None = None) -> str:
    """Like `encode_command`, for a spec that is already JSON text (outputs encode theirs early)."""
    head = '{"command":' + _encode(command)
    if task_id is not None:
        head += ',"task_id":' + _encode(task_id)
    return head + ',"spec":' + spec_json + "}"


class Outbox:
    """Encoded commands waiting to leave, cut into numbered frames, with a bounded replay history.

    Not thread-safe: the session that owns it holds a lock around every call.

    Args:
        max_frame_commands: most commands in one frame, so a browser can render a long burst
            progressively instead of parsing one huge frame.
        max_frame_chars: a frame is closed once it holds this many characters of commands.
        history_chars: how much sent text is kept for replay after a reconnect (0 = none).
    """

    __slots__ = ("_pending", "_pending_chars", "_seq", "_history", "_history_chars", "_loads",
                 "max_frame_commands", "max_frame_chars", "history_chars", "acked")

    def __init__(self, *, max_frame_commands: int = 2000, max_frame_chars: int = 1 << 20,
                 history_chars: int = 0):
        self._pending: deque[str] = deque()
        self._pending_chars = 0
        self._seq = 0
        self._history: deque[tuple[int, str]] = deque()
        self._history_chars = 0
        self._loads: set | None = None  # lazy modules the waiting commands need
        self.max_frame_commands = max_frame_commands
        self.max_frame_chars = max_frame_chars
        self.history_chars = history_chars
        self.acked = 0

    def add(self, encoded: str, loads=None) -> bool:
        """Queue one encoded command, which needs the lazy modules `loads` (see `command_loads`).
        Returns True if the outbox was empty before (time to flush)."""
        if loads:
            if self._loads is None:
                self._loads = set(loads)
            else:
                self._loads.update(loads)
        was_empty = not self._pending
        self._pending.append(encoded)
        self._pending_chars += len(encoded)
        return was_empty

    def __len__(self) -> int:
        """Commands waiting to leave."""
        return len(self._pending)

    @property
    def pending_chars(self) -> int:
        return self._pending_chars

    @property
    def last_seq(self) -> int:
        """Sequence number of the last frame taken."""
        return self._seq

    def take_frame(self, ack: int = 0) -> str | None:
        """The next frame of waiting commands, or None if nothing waits.

        `ack` (the last browser frame applied, `Inbox.last_seq`) rides along when non-zero, so the
        page can forget the event frames it kept for a replay.
        """
        pending = self._pending
        if not pending:
            return None
        if len(pending) <= self.max_frame_commands and self._pending_chars <= self.max_frame_chars:
            batch = list(pending)
            pending.clear()
            self._pending_chars = 0
        else:
            batch, chars = [], 0
            while pending and len(batch) < self.max_frame_commands:
                size = len(pending[0])
                if batch and chars + size > self.max_frame_chars:
                    break
                batch.append(pending.popleft())
                chars += size
            self._pending_chars -= chars
        self._seq += 1
        head = '{"seq":' + str(self._seq) + (',"ack":' + str(ack) if ack else "")
        if self._loads is not None:
            # Named in the first frame taken after the commands that need them were queued: a
            # module is then loaded before (or with) the frame that uses it, never after.
            head += ',"load":' + _encode(sorted(self._loads))
            self._loads = None
        frame = head + ',"commands":[' + ",".join(batch) + "]}"
        if self.history_chars:
            self._remember(self._seq, frame)
        return frame

    def _remember(self, seq: int, frame: str) -> None:
        self._history.append((seq, frame))
        self._history_chars += len(frame)
        while self._history_chars > self.history_chars and len(self._history) > 1:
            _, old = self._history.popleft()
            self._history_chars -= len(old)

    def ack(self, seq: int) -> None:
        """The browser applied every frame up to `seq`: drop them from the history."""
        if seq <= self.acked:
            return
        self.acked = min(seq, self._seq)
        history = self._history
        while history and history[0][0] <= self.acked:
            _, old = history.popleft()
            self._history_chars -= len(old)

    def frames_after(self, seq: int) -> list[str] | None:
        """Frames the browser has not seen, for a replay; None if part of them was forgotten."""
        if seq >= self._seq:
            return []
        if not self._history or self._history[0][0] > seq + 1:
            return None
        return [frame for s, frame in self._history if s > seq]


class Inbox:
    """Sequence bookkeeping for browser frames: each frame is applied at most once."""

    __slots__ = ("last_seq",)

    def __init__(self) -> None:
        self.last_seq = 0

    def accept(self, seq: int | None) -> bool:
        """True if a frame numbered `seq` is new (None: an unnumbered frame, always new)."""
        if seq is None:
            return True
        if seq <= self.last_seq:
            return False
        self.last_seq = seq
        return True


class FrameError(ValueError):
    """A browser frame that is not valid app protocol. The message says why (for the log line)."""


class ClientEvent:
    """One event from the browser: `event` name, the `task_id` it is for, its `data`, and for
    form events the `form` id it answers."""

    __slots__ = ("event", "task_id", "data", "form")

    def __init__(self, event: str, task_id: str, data: Any = None, form: str | None = None):
        self.event = event
        self.task_id = task_id
        self.data = data
        self.form = form

    def __repr__(self) -> str:
        return f"ClientEvent({self.event!r}, {self.task_id!r}, {self.data!r}, form={self.form!r})"

    def __eq__(self, other) -> bool:
        return (isinstance(other, ClientEvent) and self.event == other.event
                and self.task_id == other.task_id and self.data == other.data and self.form == other.form)

    def as_dict(self) -> dict:
        """The event dict handed to input code: {'event', 'task_id', 'data', 'form'}."""
        return {"event": self.event, "task_id": self.task_id, "data": self.data, "form": self.form}


def _check_event(item: Any, index: int) -> ClientEvent:
    if not isinstance(item, dict):
        raise FrameError(f"event #{index} is not an object")
    name = item.get("event")
    if not isinstance(name, str) or name not in EVENT_NAMES:  # a list or dict is unhashable
        raise FrameError(f"event #{index} has an unknown name {str(name)[:40]!r}")
    task_id = item.get("task_id")
    if not isinstance(task_id, str) or not task_id or len(task_id) > MAX_TASK_ID:
        raise FrameError(f"event #{index} ({name}) has no valid task_id")
    form = item.get("form")
    if form is not None and (not isinstance(form, str) or len(form) > MAX_TASK_ID):
        raise FrameError(f"event #{index} ({name}) has an invalid form id")
    return ClientEvent(name, task_id, item.get("data"), form)


def parse_client_frame(text: str | bytes) -> tuple[int | None, int | None, list[ClientEvent]]:
    """Check a browser frame; return (seq, ack, events).

    A frame may also be a single bare event object (the shape PyWebIO's client sends), which has
    no seq and no ack. Raises FrameError for anything malformed; events with a bad shape make the
    whole frame invalid, so a half-applied frame never happens. So do JSON nested deeper than
    `MAX_JSON_DEPTH`, more than `MAX_JSON_CONTAINERS` arrays/objects (checked before decoding)
    and more than `MAX_FRAME_EVENTS` events.
    """
    error = json_shape_error(text)
    if error is not None:
        raise FrameError(error)
    try:
        msg = json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise FrameError(f"not JSON ({e.__class__.__name__})") from None
    if not isinstance(msg, dict):
        raise FrameError("a frame must be a JSON object")
    if "event" in msg:
        return None, None, [_check_event(msg, 0)]
    seq, ack = msg.get("seq"), msg.get("ack")
    for key, value in (("seq", seq), ("ack", ack)):
        if value is not None and (type(value) is not int or value < 0):
            raise FrameError(f"{key} must be a non-negative integer")
    events = msg.get("events", [])
    if not isinstance(events, list):
        raise FrameError("events must be a list")
    if len(events) > MAX_FRAME_EVENTS:
        raise FrameError(f"{len(events)} events in one frame, more than {MAX_FRAME_EVENTS}")
    return seq, ack, [_check_event(item, i) for i, item in enumerate(events)]


class UploadChunk:
    """One binary upload message: which upload `target`, input `name` and `file` it belongs to, the
    file's declared total `size`, this chunk's `offset`, and its `data`."""

    __slots__ = ("target", "name", "file", "size", "offset", "data")

    def __init__(self, target: str, name: str, file: int, size: int, offset: int, data: memoryview):
        self.target, self.name, self.file, self.size, self.offset, self.data = target, name, file, size, offset, data


#: Longest upload chunk header accepted, in bytes.
MAX_CHUNK_HEADER = 1024


def parse_upload_chunk(message: bytes) -> UploadChunk:
    """Check a binary upload message: ``[4-byte big-endian header length][JSON header][content]``.

    Raises FrameError when it is malformed (see docs/input-protocol.md §3).
    """
    if len(message) < 4:
        raise FrameError("upload chunk shorter than its length prefix")
    head_len = int.from_bytes(message[:4], "big")
    if head_len > MAX_CHUNK_HEADER or 4 + head_len > len(message):
        raise FrameError("upload chunk header length is out of range")
    head_bytes = bytes(message[4:4 + head_len])
    error = json_shape_error(head_bytes)
    if error is not None:
        raise FrameError("upload chunk header: " + error)
    try:
        head = json.loads(head_bytes)
    except (ValueError, UnicodeDecodeError):
        raise FrameError("upload chunk header is not JSON") from None
    if not isinstance(head, dict):
        raise FrameError("upload chunk header must be an object")
    target, file, size, offset = head.get("target"), head.get("file"), head.get("size"), head.get("offset")
    if not isinstance(target, str) or not target or len(target) > MAX_TASK_ID:
        raise FrameError("upload chunk has no valid target")
    name = head.get("name", "")
    if not isinstance(name, str) or len(name) > MAX_TASK_ID:
        raise FrameError("upload chunk has an invalid input name")
    for key, value in (("file", file), ("size", size), ("offset", offset)):
        if type(value) is not int or value < 0:
            raise FrameError(f"upload chunk {key} must be a non-negative integer")
    data = memoryview(message)[4 + head_len:]
    if offset + len(data) > size:
        raise FrameError("upload chunk goes past the declared file size")
    return UploadChunk(target, name, file, size, offset, data)

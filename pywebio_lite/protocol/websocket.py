"""The RFC 6455 WebSocket connection state machine, sans-I/O.

Frame headers are built and read in ``frames.py`` (which also names the opcodes and close codes),
payloads are unmasked in ``masking.py``, compression is ``deflate.py``; this module holds the
connection: message assembly, control frames, limits, the closing handshake.

``WebSocketProtocol`` takes bytes (``receive_data``, ``receive_eof``) and returns events
(``Message``, ``Ping``, ``Pong``, ``CloseReceived``); what it wants to send accumulates until
``buffers_to_send`` (the pieces: headers and uncopied payloads) or ``data_to_send`` (joined).
Protocol violations by the peer never raise: the connection is *failed* (RFC 6455 §7.1.7), a
close frame with the right code is queued, further input is discarded and ``failure`` says why.
No sockets, threads or clocks here (keepalive timers live in the server).

Theory of operation (receive side):

* Frames are parsed with integer indexes straight out of the caller's ``bytes``, so a batch of
  small frames costs no buffer copies. Only an incomplete small frame is kept in ``_buf`` (a
  ``bytearray``: appending is amortised O(1) and deleting the consumed prefix is O(1)).
* An incomplete frame of 64 KiB or more is not buffered: its payload is unmasked piece by piece
  as it arrives and joined once when complete, so a 1 MiB message in 64 KiB chunks costs O(n),
  with one fresh 1 MiB allocation (the message itself). An incomplete text frame of any size is
  streamed through the message's UTF-8 decoder, so invalid UTF-8 fails the connection as soon as
  it arrives, even in the middle of a frame (RFC 6455 §8.1, "fail fast").
* A frame header is validated (opcode, RSV bits, masking, control-frame rules, size limit) as soon
  as its length field is complete, *before* waiting for the payload: a header announcing 2**62
  bytes fails at once with 1009 instead of buffering.
* Control frames may arrive between the fragments of a message (RFC 6455 §5.4); the state of the
  message being assembled (``_msg_*``) is touched only by data frames.
* Events come out in input order. When one input holds complete messages *and then* the end of
  the conversation (the peer's close frame, or a protocol error), the messages are returned and
  our close frame is held back until the caller's next call (normally ``data_to_send``), so the
  replies the application sends while handling them go out before the close frame.

Send side: each frame is queued as two pieces, header and payload; the payload object is handed
out as it was given, so sending a large message never copies it.
"""

from __future__ import annotations

import enum
import os
from codecs import utf_8_decode as _utf8_decode
from dataclasses import dataclass
from typing import Union

from .deflate import Deflate, DeflateError, InflateLimitError
from .frames import (
    ABNORMAL, FIN, FIN_BINARY, FIN_CLOSE, FIN_PING, FIN_PONG, FIN_TEXT, INVALID_DATA, LEN_16,
    MASK_BIT, MESSAGE_TOO_BIG, NO_STATUS, NORMAL, OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG,
    OP_TEXT, OPCODE_BITS, PROTOCOL_ERROR, RSV1, RSV_BITS, SHORT_HEADERS, CloseCode, FrameError,
    Opcode, build_header, is_valid_close_code, parse_header,
)
from .masking import apply_mask
from .masking import unmask as _unmask
from .masking import unmask_into as _unmask_into

__all__ = [
    "CloseCode",
    "CloseReceived",
    "Event",
    "Message",
    "Opcode",
    "Ping",
    "Pong",
    "State",
    "WebSocketProtocol",
    "apply_mask",
    "is_valid_close_code",
]


# -- events -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Message:
    """A complete data message: ``str`` for a text message, ``bytes`` for a binary one."""

    data: str | bytes


@dataclass(slots=True)
class Ping:
    """A ping from the peer (already answered with a pong when ``auto_pong`` is on)."""

    data: bytes


@dataclass(slots=True)
class Pong:
    """A pong from the peer."""

    data: bytes


@dataclass(slots=True)
class CloseReceived:
    """The peer's close frame (code 1005 if it carried none), or the end of the TCP stream
    without one (code 1006, from ``receive_eof``)."""

    code: int
    reason: str


#: What ``receive_data`` and ``receive_eof`` return a list of.
Event = Union[Message, Ping, Pong, CloseReceived]


class State(enum.Enum):
    """OPEN, then CLOSING once our close frame is queued, then CLOSED when both close frames have
    been exchanged, the connection was failed, or the TCP stream ended."""

    OPEN = 1
    CLOSING = 2
    CLOSED = 3


_STREAM_MIN = 65536  # frames this big are unmasked as they arrive (see _start_streaming)

# A compressed message may be slightly bigger than its inflated size (stored blocks cost 5 bytes
# per 64 KiB, RFC 1951 §3.2.4); the wire limit for compressed messages leaves this much room.
def _compressed_limit(max_size: int) -> int:
    return max_size + (max_size >> 3) + 1024


class WebSocketProtocol:
    """One WebSocket connection after the opening handshake (RFC 6455 §5-§7).

    Server side by default: incoming frames must be masked and outgoing ones are not. With
    ``client=True`` it is the other way round and outgoing frames are masked with keys from
    ``mask_source`` (default ``os.urandom(4)``; pass a fixed source for deterministic tests).

    ``max_message_size`` limits a whole message (after inflation when compressed); ``None``
    disables the limit. ``max_text_size`` (default: the same) is a lower limit for text messages,
    so text (decoded and parsed whole by the app) can be bounded far below binary uploads. ``deflate`` is the ``Deflate`` returned by ``deflate.negotiate``.
    After our close frame has been queued, ``send_message``/``send_ping``/``send_pong`` are
    ignored (RFC 6455 §5.5.1: nothing may follow a close frame).
    """

    def __init__(
        self,
        *,
        max_message_size: int | None = 1 << 20,
        max_text_size: int | None = None,
        deflate: Deflate | None = None,
        auto_pong: bool = True,
        client: bool = False,
        mask_source=None,
    ) -> None:
        if max_message_size is not None and (
            not isinstance(max_message_size, int) or max_message_size < 0
        ):
            raise ValueError("max_message_size must be None or an int >= 0")
        if max_text_size is not None and (not isinstance(max_text_size, int) or max_text_size < 0):
            raise ValueError("max_text_size must be None or an int >= 0")
        if deflate is not None and not isinstance(deflate, Deflate):
            raise TypeError("deflate must be a Deflate or None")
        if mask_source is not None and not callable(mask_source):
            raise TypeError("mask_source must be a callable returning 4 bytes")
        self.state = State.OPEN
        self.close_code: int | None = None  # from the peer's close frame (ABNORMAL: none came)
        self.close_reason = ""
        self.sent_close_code: int | None = None  # the code in the close frame we sent, if any
        self.sent_close_reason = ""
        self.failure: str | None = None  # why we failed the connection, for the log line
        self._max_size = max_message_size
        self._max_wire = None if max_message_size is None else _compressed_limit(max_message_size)
        if max_text_size is None or (max_message_size is not None
                                     and max_text_size > max_message_size):
            max_text_size = max_message_size
        self._max_text = max_text_size
        self._max_text_wire = None if max_text_size is None else _compressed_limit(max_text_size)
        self._deflate = deflate
        self._auto_pong = bool(auto_pong)
        self._client = bool(client)
        self._mask_source = mask_source or (lambda: os.urandom(4))
        self._buf = bytearray()  # unparsed input (an incomplete frame)
        self._out: list = []  # frames waiting for data_to_send()
        self._discard = False  # True once no more input is wanted (close received, failed, EOF)
        self._close_sent = False  # our close frame has been queued (or must never be sent)
        self._close_pending = False  # our close frame is queued but not drained yet
        # The message being assembled from fragments (RFC 6455 §5.4).
        self._msg_opcode = 0  # 0: no message open; else Opcode.TEXT or Opcode.BINARY
        self._msg_compressed = False
        self._msg_size = 0  # payload bytes so far (inflated when compressed)
        self._msg_wire = 0  # bytes so far as received (compressed)
        self._msg_parts: list = []
        # A large frame whose payload is arriving piece by piece (RFC 6455 §5.2 payload data).
        self._frame_left = 0  # payload bytes still to come; 0: not streaming
        self._frame_done = 0
        self._frame_b0 = 0
        self._frame_mask = None
        self._frame_parts: list = []
        self._frame_text = False  # the streamed frame is text: decoded as it arrives
        self._utf8_tail = b""  # the start of a UTF-8 character cut by the end of a text piece
        # Our close frame, held back until the replies to the messages returned with the peer's
        # close (or before a protocol error) are queued: (code, reason, payload or None).
        self._held: tuple | None = None

    # -- input ----------------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> list[Event]:
        """Feed bytes from the peer; return the events completed by them, in order.

        If the input ends the conversation (the peer's close frame, or a protocol error that fails
        the connection) *after* other events, those events are returned and our close frame is
        held back until the next call other than ``send_message``/``send_ping``/``send_pong``
        (normally ``data_to_send``): replies sent while handling the returned events go out ahead
        of it. Meanwhile ``close_held`` is True and ``state`` still OPEN.
        """
        if self._held is not None:
            self._release_close()
        if self._discard or not data:
            return []
        if type(data) is not bytes and type(data) is not bytearray:
            data = bytes(data)  # e.g. a memoryview: slices must have .decode()
        events: list[Event] = []
        pos = 0
        if self._frame_left:
            # The rest of a streamed frame's payload (see _start_streaming); _buf is empty.
            pos = self._continue_streaming(data, events)
            if pos < 0:
                return events
        buf = self._buf
        if buf:
            buf += data
            data = buf
        end = len(data)
        max_size = self._max_size
        max_text = self._max_text
        masked_in = not self._client  # RFC 6455 §5.1: client-to-server frames are masked
        while True:
            try:
                header = parse_header(data, pos, end)
            except FrameError as exc:
                self._input_error(exc.code, exc.reason, events)
                break
            if header is None:
                break
            b0, b1, length, start = header
            # Validate the header before waiting for the payload.
            if (b0 == FIN_TEXT or b0 == FIN_BINARY) and not self._msg_opcode:
                # The common case: a whole uncompressed text or binary message in one frame.
                limit = max_text if b0 == FIN_TEXT else max_size
                if limit is not None and length > limit:
                    self._input_error(
                        MESSAGE_TOO_BIG, f"message of {length} bytes exceeds the limit of {limit}", events
                    )
                    break
            else:
                error = self._check_header(b0, length)
                if error is not None:
                    self._input_error(*error, events)
                    break
            if b1 & MASK_BIT:
                if not masked_in:
                    # RFC 6455 §5.1: a client must fail on a masked frame from the server.
                    self._input_error(PROTOCOL_ERROR, "masked frame from the server", events)
                    break
                mask = data[start : start + 4]
                start += 4
            elif masked_in:
                # RFC 6455 §5.1: the server must fail on an unmasked frame from a client.
                self._input_error(PROTOCOL_ERROR, "unmasked frame from the client", events)
                break
            else:
                mask = None
            stop = start + length
            if stop > end:
                # An incomplete frame: stream it if it is large or text, else wait for the rest.
                if start <= end and (length >= _STREAM_MIN or self._is_text_frame(b0)):
                    self._start_streaming(b0, length, mask, data, start, end, events)
                    pos = end
                break
            if mask is None or mask == b"\x00\x00\x00\x00":
                payload = data[start:stop]
            else:
                payload = _unmask(data, start, stop, mask)
            pos = stop
            if b0 == FIN_TEXT and not self._msg_opcode:
                try:
                    events.append(Message(payload.decode("utf-8")))
                except UnicodeDecodeError:
                    # RFC 6455 §8.1: invalid UTF-8 in a text message fails the connection.
                    self._input_error(INVALID_DATA, "invalid UTF-8 in a text message", events)
                    break
            elif b0 == FIN_BINARY and not self._msg_opcode:
                events.append(Message(payload if type(payload) is bytes else bytes(payload)))
            elif not self._handle_frame(b0, payload, events):
                break
        if self._discard:
            self._buf = bytearray()
        elif data is buf:
            del buf[:pos]  # O(1): CPython moves the start of a bytearray forward
        elif pos < end:
            buf += memoryview(data)[pos:]
        return events

    def _input_error(self, code: int, reason: str, events: list) -> bool:
        """The peer broke the protocol: fail the connection (RFC 6455 §7.1.7). While events parsed
        before the error are being returned, the close frame is held (see ``receive_data``).
        Returns False, meaning "stop parsing"."""
        if events and not self._close_sent:
            self.failure = reason
            self._discard = True
            self._drop_input()
            self._held = (code, reason, None)
        else:
            self.fail(code, reason)
        return False

    def _drop_input(self) -> None:
        self._buf = bytearray()
        self._msg_parts.clear()
        self._frame_left = 0
        self._frame_parts = []
        self._frame_text = False

    def _release_close(self) -> None:
        """Queue the close frame that ``receive_data`` held back, after what was sent meanwhile."""
        code, reason, payload = self._held
        self._held = None
        if payload is None:
            self.fail(code, reason)  # a protocol error
        else:
            self._queue_close(payload, code, "")  # the answer to the peer's close
            self.state = State.CLOSED

    @property
    def close_held(self) -> bool:
        """True between a ``receive_data`` that returned events and ended the conversation, and
        the next call that queues our close frame (see ``receive_data``)."""
        return self._held is not None

    # A frame whose payload has not fully arrived is not buffered when it is 64 KiB or more, or
    # when it carries text: the bytes that did arrive are unmasked right away, binary pieces are
    # kept and joined once when the last piece comes, text goes through the message's UTF-8
    # decoder piece by piece. A large message thus costs one copy of each byte instead of a
    # growing buffer, and invalid UTF-8 fails the connection as soon as it arrives (RFC 6455 §8.1
    # recommends failing fast), even in the middle of a frame.

    def _is_text_frame(self, b0: int) -> bool:
        """Is this (validated) data frame uncompressed text, the first frame or a continuation?"""
        if b0 & RSV1:
            return False
        opcode = b0 & OPCODE_BITS
        if opcode == OP_CONT:
            return self._msg_opcode == OP_TEXT and not self._msg_compressed
        return opcode == OP_TEXT

    def _start_streaming(self, b0: int, length: int, mask, data, start: int, end: int,
                         events: list) -> None:
        self._frame_b0 = b0
        self._frame_mask = None if mask is None or mask == b"\x00\x00\x00\x00" else bytes(mask)
        self._frame_left = length
        self._frame_done = 0
        self._frame_parts = []
        self._frame_text = self._is_text_frame(b0)
        if self._frame_text and b0 & OPCODE_BITS:
            self._open_message(b0)
        self._stream(data, start, end, events)

    def _stream(self, data, start: int, end: int, events: list) -> bool:
        """Take ``data[start:end]`` as the next bytes of the streamed frame's payload."""
        if start == end:
            return True
        mask = self._frame_mask
        parts = [] if self._frame_text else self._frame_parts
        if mask is None:
            parts.append(data[start:end])
        else:
            # RFC 6455 §5.3: payload byte j is XORed with mask[j % 4]; rotate the key so that
            # this piece, which starts at payload offset _frame_done, begins on the right byte.
            r = self._frame_done & 3
            _unmask_into(parts, data, start, end, mask[r:] + mask[:r] if r else mask)
        self._frame_done += end - start
        self._frame_left -= end - start
        if self._frame_text:
            for piece in parts:
                if not self._decode_text(piece, False):
                    return self._input_error(INVALID_DATA, "invalid UTF-8 in a text message", events)
        return True

    def _continue_streaming(self, data, events: list) -> int:
        """Feed input to the streamed frame; return how much of ``data`` it took, or -1 when
        nothing more is to be parsed from ``data``."""
        n = len(data)
        take = self._frame_left if self._frame_left < n else n
        if not self._stream(data, 0, take, events):
            return -1
        if self._frame_left:
            return -1
        b0 = self._frame_b0
        if self._frame_text:
            self._frame_text = False
            self._msg_size += self._frame_done
            if b0 & FIN and not self._end_text(events):
                return -1
        else:
            parts = self._frame_parts
            self._frame_parts = []
            payload = parts[0] if len(parts) == 1 else b"".join(parts)
            if not self._dispatch(b0, payload, events):
                return -1
        return take if take < n and not self._discard else -1

    def _dispatch(self, b0: int, payload, events: list) -> bool:
        """Handle a complete streamed binary or compressed frame; False: stop parsing."""
        if b0 == FIN_BINARY and not self._msg_opcode:
            events.append(Message(payload if type(payload) is bytes else bytes(payload)))
            return True
        return self._handle_frame(b0, payload, events)

    def receive_eof(self) -> list[Event]:
        """The peer closed the TCP connection. Returns ``[CloseReceived(1006, "")]`` if that
        happened without a close frame (RFC 6455 §7.1.5), else ``[]``."""
        if self._held is not None:
            self._release_close()
        self._drop_input()
        self._discard = True
        self._close_pending = False  # nothing more can reach the peer
        if self.state is State.CLOSED:
            return []
        self.state = State.CLOSED
        self._close_sent = True
        self.close_code = ABNORMAL
        self.close_reason = ""
        return [CloseReceived(ABNORMAL, "")]

    def _check_header(self, b0: int, length: int):
        """Return ``(close code, reason)`` if this frame header is invalid, else None."""
        opcode = b0 & OPCODE_BITS
        rsv = b0 & RSV_BITS
        if opcode >= OP_CLOSE:
            if opcode > OP_PONG:
                return PROTOCOL_ERROR, f"unknown opcode {opcode:#x}"
            # RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes;
            # RFC 7692 §6: RSV1 is for data messages only.
            if rsv:
                return PROTOCOL_ERROR, "reserved bits set on a control frame"
            if not b0 & FIN:
                return PROTOCOL_ERROR, "fragmented control frame"
            if length > 125:
                return PROTOCOL_ERROR, "control frame payload longer than 125 bytes"
            return None
        if opcode > OP_BINARY:
            return PROTOCOL_ERROR, f"unknown opcode {opcode:#x}"
        if opcode == OP_CONT:
            # RFC 6455 §5.4: a continuation frame continues an open message.
            if not self._msg_opcode:
                return PROTOCOL_ERROR, "continuation frame without a message to continue"
            if rsv:
                # RFC 7692 §6.1: RSV1 is set on the first frame of a message only.
                return PROTOCOL_ERROR, "reserved bits set on a continuation frame"
            compressed = self._msg_compressed
            size, wire = self._msg_size, self._msg_wire
        else:
            if self._msg_opcode:
                return PROTOCOL_ERROR, "new data frame while a fragmented message is open"
            # RFC 6455 §5.2: RSV bits must be 0 unless an extension defines them; RFC 7692 §6
            # defines RSV1 as "this message is compressed".
            if rsv and (rsv != RSV1 or self._deflate is None):
                return PROTOCOL_ERROR, "reserved bits set without a negotiated extension"
            compressed = rsv != 0
            size = wire = 0  # a new message
        # RFC 6455 §10.4: limit the message size, checked from the declared frame length.
        text = (opcode or self._msg_opcode) == OP_TEXT
        max_size = self._max_text if text else self._max_size
        if max_size is not None:
            if compressed:
                if wire + length > (self._max_text_wire if text else self._max_wire):
                    return MESSAGE_TOO_BIG, "compressed message exceeds the size limit"
            elif size + length > max_size:
                return MESSAGE_TOO_BIG, f"message exceeds the limit of {max_size} bytes"
        return None

    def _open_message(self, b0: int) -> None:
        """The first frame of a data message (RFC 6455 §5.4) starts the message's state."""
        self._msg_opcode = b0 & OPCODE_BITS
        self._msg_compressed = bool(b0 & RSV1)
        self._msg_size = 0
        self._msg_wire = 0
        self._utf8_tail = b""

    def _decode_text(self, payload, final: bool) -> bool:
        """Decode the next piece of a text message into ``_msg_parts``; False if it is not valid
        UTF-8 (RFC 6455 §8.1). An invalid sequence is found as soon as the piece holding it
        arrives ("fail fast"); a character cut by the end of the piece waits in ``_utf8_tail``."""
        tail = self._utf8_tail
        if tail:
            payload = tail + payload
            self._utf8_tail = b""
        try:
            text, used = _utf8_decode(payload, "strict", final)
        except UnicodeDecodeError:
            return False
        if used != len(payload):
            tail = bytes(payload[used:])
            # Python's decoder holds ED A0..ED BF (UTF-16 surrogates) until the next byte arrives,
            # although no continuation can make them valid: reject them now.
            if len(tail) > 1 and tail[0] == 0xED and tail[1] > 0x9F:
                return False
            self._utf8_tail = tail
        if text:
            self._msg_parts.append(text)
        return True

    def _end_text(self, events: list) -> bool:
        """The last frame of a text message has been decoded: emit the message."""
        if not self._decode_text(b"", True):  # the message ends inside a character
            return self._input_error(INVALID_DATA, "invalid UTF-8 in a text message", events)
        parts = self._msg_parts
        if len(parts) == 1:
            text = parts[0]
        else:
            text = "".join(parts)
        parts.clear()
        self._msg_opcode = 0
        events.append(Message(text))
        return True

    def _handle_frame(self, b0: int, payload, events: list) -> bool:
        """Handle a complete, validated frame other than the fast-path ones. False: stop."""
        opcode = b0 & OPCODE_BITS
        if opcode >= OP_CLOSE:
            return self._handle_control(opcode, payload, events)
        fin = b0 & FIN
        if opcode:
            self._open_message(b0)
        self._msg_wire += len(payload)
        if self._msg_compressed:
            max_size = self._max_text if self._msg_opcode == OP_TEXT else self._max_size
            limit = None if max_size is None else max_size - self._msg_size
            try:
                payload = self._deflate.decompress(payload, bool(fin), limit)
            except InflateLimitError:
                return self._input_error(
                    MESSAGE_TOO_BIG, f"inflated message exceeds the limit of {max_size} bytes", events
                )
            except DeflateError as exc:
                return self._input_error(PROTOCOL_ERROR, str(exc), events)
        self._msg_size += len(payload)
        if self._msg_opcode == OP_TEXT:
            if fin and opcode:  # a whole message in one (compressed) frame
                try:
                    text = payload.decode("utf-8")
                except UnicodeDecodeError:
                    return self._input_error(INVALID_DATA, "invalid UTF-8 in a text message", events)
                self._msg_opcode = 0
                events.append(Message(text))
                return True
            if not self._decode_text(payload, False):
                return self._input_error(INVALID_DATA, "invalid UTF-8 in a text message", events)
            return self._end_text(events) if fin else True
        parts = self._msg_parts
        if not fin:
            parts.append(payload)
            return True
        if parts:
            parts.append(payload)
            payload = b"".join(parts)
            parts.clear()
        elif type(payload) is not bytes:
            payload = bytes(payload)
        events.append(Message(payload))
        self._msg_opcode = 0
        return True

    def _handle_control(self, opcode: int, payload, events: list) -> bool:
        """RFC 6455 §5.5: ping, pong and close."""
        if type(payload) is not bytes:
            payload = bytes(payload)
        if opcode == OP_PING:
            # RFC 6455 §5.5.2: answer a ping with a pong carrying the same application data,
            # unless we already sent a close frame.
            events.append(Ping(payload))
            if self._auto_pong and not self._close_sent:
                self._queue(FIN_PONG, payload)
            return True
        if opcode == OP_PONG:
            # RFC 6455 §5.5.3: an unsolicited pong is allowed and needs no answer.
            events.append(Pong(payload))
            return True
        # RFC 6455 §5.5.1: a close frame has no body or a 2-byte code plus a UTF-8 reason.
        n = len(payload)
        if n == 0:
            code, reason = NO_STATUS, ""  # RFC 6455 §7.1.5: no status code was present
        elif n == 1:
            return self._input_error(PROTOCOL_ERROR, "close frame with a 1-byte payload", events)
        else:
            code = (payload[0] << 8) | payload[1]
            if not is_valid_close_code(code):
                return self._input_error(PROTOCOL_ERROR, f"invalid close code {code}", events)
            try:
                reason = payload[2:].decode("utf-8")
            except UnicodeDecodeError:
                return self._input_error(INVALID_DATA, "invalid UTF-8 in the close reason", events)
        self.close_code = code
        self.close_reason = reason
        # An incomplete fragmented message is abandoned: RFC 6455 §5.4 allows control frames,
        # close included, between fragments, and nothing may follow a close (§5.5.1).
        self._msg_opcode = 0
        self._msg_parts.clear()
        self._discard = True  # RFC 6455 §5.5.1: nothing may follow a close frame
        if not self._close_sent:
            # RFC 6455 §5.5.1: answer with a close frame, echoing the status code (an empty close
            # is answered with an empty close: 1005 never goes on the wire). The answer waits
            # for the replies to messages that came before the close (see receive_data).
            if events:
                self._held = (code if n else None, "", payload[:2])
                events.append(CloseReceived(code, reason))
                return False
            self._queue_close(payload[:2], code if n else None, "")
        self.state = State.CLOSED
        events.append(CloseReceived(code, reason))
        return False

    # -- output ---------------------------------------------------------------------------------

    def send_message(self, data: str | bytes) -> None:
        """Queue a text (``str``) or binary (bytes-like) message as one frame (FIN=1)."""
        if type(data) is str:
            payload = data.encode("utf-8")
            b0 = FIN_TEXT
        elif isinstance(data, (bytes, bytearray, memoryview)):
            payload = data if type(data) is bytes else bytes(data)
            b0 = FIN_BINARY
        else:
            raise TypeError(f"data must be str or bytes, not {type(data).__name__}")
        if self._close_sent:
            return
        if self._deflate is not None:
            # RFC 7692 §6: RSV1 marks a compressed message.
            payload = self._deflate.compress(payload)
            b0 |= RSV1
        if self._client:
            self._queue(b0, payload)
            return
        n = len(payload)
        out = self._out
        out.append(SHORT_HEADERS[b0][n] if n < LEN_16 else build_header(b0, n))
        out.append(payload)

    def send_ping(self, data: bytes = b"") -> None:
        """Queue a ping (RFC 6455 §5.5.2); ``data`` is at most 125 bytes."""
        self._queue(FIN_PING, self._control_payload(data))

    def send_pong(self, data: bytes = b"") -> None:
        """Queue an unsolicited pong (RFC 6455 §5.5.3), e.g. as a one-way heartbeat."""
        self._queue(FIN_PONG, self._control_payload(data))

    def send_close(self, code: int = NORMAL, reason: str = "") -> None:
        """Start the closing handshake (RFC 6455 §7.1.2). Does nothing if our close frame was
        already sent. 1005, 1006 and 1015 are not allowed on the wire (§7.4.1)."""
        if not isinstance(code, int) or not is_valid_close_code(code):
            raise ValueError(f"code {code!r} cannot be sent in a close frame")
        if not isinstance(reason, str):
            raise TypeError("reason must be a str")
        encoded = reason.encode("utf-8")
        if len(encoded) > 123:
            raise ValueError("reason must be at most 123 bytes in UTF-8")  # RFC 6455 §5.5
        if self._held is not None:
            self._release_close()  # the held close frame goes first
        if self._close_sent:
            return
        self._queue_close(code.to_bytes(2, "big") + encoded, code, reason)
        self.state = State.CLOSED if self.close_code is not None else State.CLOSING

    def fail(self, code: int, reason: str = "") -> None:
        """Fail the connection (RFC 6455 §7.1.7): queue a close frame with ``code`` unless one
        was sent already (or the code may not be sent, like 1006), and discard further input.
        ``close_transport`` turns True once the close frame has been drained."""
        if self._held is not None:
            self._release_close()  # the held close frame goes first
        if self.state is State.CLOSED and self._discard:
            return
        self.failure = reason or f"failed with close code {code}"
        self._discard = True
        self._drop_input()
        if not self._close_sent:
            if is_valid_close_code(code):
                encoded = reason.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")
                self._queue_close(code.to_bytes(2, "big") + encoded, code, reason)
            else:
                self._close_sent = True  # RFC 6455 §7.4.1: e.g. 1006 is never sent
        self.state = State.CLOSED

    def buffers_to_send(self) -> list[bytes]:
        """Return and clear everything queued for the peer as a list of ``bytes`` (frame headers
        and payloads, in order; ``[]`` if nothing). A payload is the very object given to
        ``send_message``, never copied here: write the pieces in order without joining the large
        ones (the server joins only the small pieces, see ``Connection._ws_write``)."""
        if self._held is not None:
            self._release_close()
        out = self._out
        if not out:
            return []
        self._out = []
        self._close_pending = False
        return out

    def data_to_send(self) -> bytes:
        """Return and clear everything queued for the peer, joined (``b""`` if nothing)."""
        out = self.buffers_to_send()
        return out[0] if len(out) == 1 else b"".join(out)

    @property
    def close_transport(self) -> bool:
        """True when the TCP connection should now be closed: the closing handshake is complete
        (RFC 6455 §7.1.1: the server closes first), or the connection was failed or ended, and
        our close frame, if any, has been taken by ``data_to_send``."""
        return self.state is State.CLOSED and not self._close_pending

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _control_payload(data) -> bytes:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) > 125:
            raise ValueError("data must be at most 125 bytes (RFC 6455 §5.5)")
        return data

    def _queue_close(self, payload: bytes, code: int | None, reason: str) -> None:
        self._queue(FIN_CLOSE, payload)
        self._close_sent = True
        self._close_pending = True
        self.sent_close_code = code
        self.sent_close_reason = reason

    def _queue(self, b0: int, payload: bytes) -> None:
        """Queue one frame (FIN set in ``b0``); masked in client mode (RFC 6455 §5.3). The
        payload is queued as it is (never copied) unless it must be masked."""
        if self._close_sent:
            return
        out = self._out
        if not self._client:
            out.append(build_header(b0, len(payload)))
            out.append(payload)
            return
        mask = bytes(self._mask_source())
        if len(mask) != 4:
            raise ValueError("mask_source must return 4 bytes")
        n = len(payload)
        out.append(build_header(b0, n, mask))
        out.append(bytes(_unmask(payload, 0, n, mask)))

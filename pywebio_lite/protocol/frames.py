"""RFC 6455 §5.2 frames, sans-I/O: the opcode and close-code vocabulary, and the one place where
frame headers are built (``build_header``) and read (``parse_header``).

The enums name the values; the plain-int aliases below them (``OP_TEXT``, ``FIN_TEXT``,
``PROTOCOL_ERROR``...) are derived from the enums for the hot paths and for values handed to
applications (a close code reaches ``on_close`` as an ``int``, not an enum member).
"""

from __future__ import annotations

import enum
import struct

__all__ = [
    "CloseCode", "FrameError", "Opcode", "SHORT_HEADERS", "build_header", "is_valid_close_code",
    "parse_header",
]


class Opcode(enum.IntEnum):
    """RFC 6455 §5.2 / §11.8 opcodes."""

    CONT = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA


class CloseCode(enum.IntEnum):
    """RFC 6455 §7.4.1 / §11.7 status codes (1012-1014 from the IANA registry)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    NO_STATUS = 1005
    ABNORMAL = 1006
    INVALID_DATA = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014
    TLS_HANDSHAKE = 1015


# -- plain-int aliases --------------------------------------------------------------------------

OP_CONT = int(Opcode.CONT)
OP_TEXT = int(Opcode.TEXT)
OP_BINARY = int(Opcode.BINARY)
OP_CLOSE = int(Opcode.CLOSE)
OP_PING = int(Opcode.PING)
OP_PONG = int(Opcode.PONG)

# The first byte of a frame (RFC 6455 §5.2): FIN, RSV1-3, opcode. RSV1 marks a compressed
# message (RFC 7692 §6).
FIN = 0x80
RSV1 = 0x40
RSV_BITS = 0x70
OPCODE_BITS = 0x0F
FIN_TEXT = FIN | OP_TEXT
FIN_BINARY = FIN | OP_BINARY
FIN_CLOSE = FIN | OP_CLOSE
FIN_PING = FIN | OP_PING
FIN_PONG = FIN | OP_PONG
# The second byte: MASK, then the 7-bit payload length (126 and 127 announce longer fields).
MASK_BIT = 0x80
LEN_16 = 126
LEN_64 = 127

NORMAL = int(CloseCode.NORMAL)
GOING_AWAY = int(CloseCode.GOING_AWAY)
PROTOCOL_ERROR = int(CloseCode.PROTOCOL_ERROR)
NO_STATUS = int(CloseCode.NO_STATUS)
ABNORMAL = int(CloseCode.ABNORMAL)
INVALID_DATA = int(CloseCode.INVALID_DATA)
MESSAGE_TOO_BIG = int(CloseCode.MESSAGE_TOO_BIG)
INTERNAL_ERROR = int(CloseCode.INTERNAL_ERROR)


def is_valid_close_code(code: int) -> bool:
    """May ``code`` appear in a close frame on the wire? (RFC 6455 §7.4.1, §7.4.2)

    1005, 1006 and 1015 are for local reporting only; 1004 is reserved; 1016-2999 are reserved
    for future RFCs; 3000-4999 belong to libraries and applications.
    """
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


class FrameError(Exception):
    """A frame header breaks RFC 6455 §5.2: fail the connection with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# -- building -------------------------------------------------------------------------------------

#: Unmasked headers for payloads under 126 bytes, prebuilt for the first bytes we send:
#: ``SHORT_HEADERS[b0][length]`` (the send fast path indexes it instead of calling build_header).
SHORT_HEADERS = {
    b0: tuple(bytes((b0, n)) for n in range(LEN_16))
    for b0 in (FIN_TEXT, FIN_BINARY, FIN_TEXT | RSV1, FIN_BINARY | RSV1, FIN_CLOSE, FIN_PING,
               FIN_PONG)
}
_pack_16 = struct.Struct("!BBH").pack
_pack_64 = struct.Struct("!BBQ").pack


def build_header(b0: int, length: int, mask: bytes | None = None) -> bytes:
    """The header of a frame with first byte ``b0`` and a ``length``-byte payload (RFC 6455 §5.2:
    the minimal length encoding), with the masking key appended when ``mask`` is given."""
    if mask is None:
        if length < LEN_16:
            short = SHORT_HEADERS.get(b0)
            return short[length] if short is not None else bytes((b0, length))
        if length < 0x10000:
            return _pack_16(b0, LEN_16, length)
        return _pack_64(b0, LEN_64, length)
    if length < LEN_16:
        return bytes((b0, MASK_BIT | length)) + mask
    if length < 0x10000:
        return _pack_16(b0, MASK_BIT | LEN_16, length) + mask
    return _pack_64(b0, MASK_BIT | LEN_64, length) + mask


# -- reading --------------------------------------------------------------------------------------


def parse_header(data, pos: int, end: int):
    """Read the frame header at ``data[pos:end]`` up to its length field.

    Returns ``(b0, b1, length, start)`` (``start``: the index after the length field, where the
    masking key or the payload begins), or None while the length field is incomplete. Raises
    ``FrameError`` for a length that is not minimally encoded or has its top bit set (§5.2).
    """
    avail = end - pos
    if avail < 2:
        return None
    b1 = data[pos + 1]
    length = b1 & 0x7F
    if length < LEN_16:
        return data[pos], b1, length, pos + 2
    if length == LEN_16:
        if avail < 4:
            return None
        length = (data[pos + 2] << 8) | data[pos + 3]
        if length < LEN_16:
            raise FrameError(PROTOCOL_ERROR, "non-minimal frame length encoding")
        return data[pos], b1, length, pos + 4
    if avail < 10:
        return None
    length = int.from_bytes(data[pos + 2 : pos + 10], "big")
    if length >> 63:
        raise FrameError(PROTOCOL_ERROR, "frame length with the most significant bit set")
    if length < 0x10000:
        raise FrameError(PROTOCOL_ERROR, "non-minimal frame length encoding")
    return data[pos], b1, length, pos + 10

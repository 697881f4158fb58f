"""Helpers shared by the test_ws_* modules (not a test module itself): building client (masked) frames byte by byte, and
reading the close frame a protocol sent. Deliberately naive (a per-byte XOR loop) so that they
check the fast code rather than repeat it."""

MASK = b"\x37\xfa\x21\x3d"  # the masking key of the RFC 6455 §5.7 examples


def xor(payload: bytes, mask: bytes = MASK) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def header(first: int, length: int, *, masked: bool = True) -> bytes:
    """The first byte, then the RFC 6455 §5.2 length field (minimal encoding)."""
    bit = 0x80 if masked else 0
    if length < 126:
        return bytes([first, bit | length])
    if length < 1 << 16:
        return bytes([first, bit | 126]) + length.to_bytes(2, "big")
    return bytes([first, bit | 127]) + length.to_bytes(8, "big")


def frame(first: int, payload: bytes = b"", mask: bytes = MASK) -> bytes:
    """A masked frame as a client sends it (RFC 6455 §5.3)."""
    return header(first, len(payload)) + mask + xor(payload, mask)


def unmasked(first: int, payload: bytes = b"") -> bytes:
    """An unmasked frame as a server sends it."""
    return header(first, len(payload), masked=False) + payload


def text(s: str) -> bytes:
    return frame(0x81, s.encode())


def binary(b: bytes) -> bytes:
    return frame(0x82, b)


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return code.to_bytes(2, "big") + reason


def close_code_of(out: bytes) -> int:
    """The status code of the single (unmasked) close frame in ``out``."""
    assert out[0] == 0x88, out
    assert out[1] == len(out) - 2 and out[1] >= 2, out
    return int.from_bytes(out[2:4], "big")

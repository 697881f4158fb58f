"""RFC 6455 §5.3 masking, sans-I/O: XOR a payload with a repeating 4-byte key, fast in pure Python.

``unmask(buf, start, stop, mask)`` returns the unmasked slice; ``unmask_into(parts, ...)`` appends
it as pieces of at most 64 KiB (for payloads that arrive piece by piece); ``apply_mask(data,
mask)`` is the checked public form (the operation is its own inverse, so it masks too).
"""

from __future__ import annotations

__all__ = ["apply_mask", "unmask", "unmask_into"]

# Measured on CPython 3.11 (x86-64, this project's dev box), unmasking with a random 4-byte key:
#
#                                          50 B                 1 MiB
#   int.from_bytes XOR, whole payload     0.48 us  104 MB/s    2.73 ms  385 MB/s
#   int.from_bytes XOR, 64 KiB blocks        -                 1.39 ms  755 MB/s
#   bytes.translate, 4 stride lanes       1.35 us   37 MB/s    1.42 ms  740 MB/s
#   same, 64 KiB blocks, in place (kept)     -                 1.14 ms  920 MB/s
#   (websockets' C speedups               0.09 us  570 MB/s    0.02 ms   46 GB/s)
#
# The int XOR wins below 4-8 KiB, the translate lanes above; working in 64 KiB blocks keeps the
# four strided passes inside the CPU cache, and joining the 64 KiB pieces once makes the result
# the only freshly allocated large buffer (page faults on fresh memory cost as much as the XOR in
# this VM). Both are O(n) without a Python loop over bytes. The lanes cost three strided passes
# (gather 0.34, translate 0.30, scatter 0.45 ns per byte) and the int XOR two conversions
# (0.53 + 0.60 ns per byte): about 1.1 ms per MiB is the floor for the standard library, and in
# a server that sleeps between messages (cold caches, idle CPU) it is more like 1.3-1.8 ms.

_TRANSLATE_MIN = 8192
_BLOCK = 65536  # a multiple of 4, so every block starts on lane 0
_XOR_TABLES: list = [None] * 256  # 256-byte "xor with k" tables, built lazily per key byte


def _xor_table(k: int) -> bytes:
    table = _XOR_TABLES[k]
    if table is None:
        table = _XOR_TABLES[k] = bytes(b ^ k for b in range(256))
    return table


def unmask_into(parts: list, buf, start: int, stop: int, mask) -> None:
    """Append ``buf[start:stop]`` XORed with the repeating 4-byte ``mask`` (RFC 6455 §5.3) to
    ``parts``, as pieces of at most 64 KiB (``bytes`` or ``bytearray``)."""
    n = stop - start
    if n < _TRANSLATE_MIN:
        if n:
            key = (mask * ((n >> 2) + 1))[:n] if n & 3 else mask * (n >> 2)
            parts.append(
                (int.from_bytes(buf[start:stop], "little") ^ int.from_bytes(key, "little"))
                .to_bytes(n, "little")
            )
        return
    # Lane i holds payload bytes i, i+4, i+8, ...: all are XORed with mask[i], which a 256-byte
    # translation table does at C speed. Each block is copied into a new bytearray (a memcpy;
    # bytearray.translate is twice as fast as bytes.translate, which also tracks whether anything
    # changed) and its four lanes are translated in place: gather, translate, scatter.
    t0 = _xor_table(mask[0])
    t1 = _xor_table(mask[1])
    t2 = _xor_table(mask[2])
    t3 = _xor_table(mask[3])
    with memoryview(buf) as view:  # released on exit: ``buf`` may be a bytearray to resize
        for s in range(start, stop, _BLOCK):
            out = bytearray(view[s : s + _BLOCK if s + _BLOCK < stop else stop])
            out[0::4] = out[0::4].translate(t0)
            out[1::4] = out[1::4].translate(t1)
            out[2::4] = out[2::4].translate(t2)
            out[3::4] = out[3::4].translate(t3)
            parts.append(out)


def unmask(buf, start: int, stop: int, mask) -> bytes | bytearray:
    """``buf[start:stop]`` XORed with ``mask``; a bytearray only for 8-64 KiB payloads."""
    n = stop - start
    if n < _TRANSLATE_MIN:  # the hot path for small frames: no list, no call
        if not n:
            return b""
        key = (mask * ((n >> 2) + 1))[:n] if n & 3 else mask * (n >> 2)
        return (
            int.from_bytes(buf[start:stop], "little") ^ int.from_bytes(key, "little")
        ).to_bytes(n, "little")
    parts: list = []
    unmask_into(parts, buf, start, stop, mask)
    if len(parts) == 1:
        return parts[0]
    return b"".join(parts)


def apply_mask(data: bytes, mask: bytes) -> bytes:
    """Mask or unmask ``data`` with a 4-byte ``mask`` (RFC 6455 §5.3; the operation is its own
    inverse)."""
    if len(mask) != 4:
        raise ValueError("mask must be 4 bytes")
    if isinstance(data, memoryview):
        data = data.tobytes()
    return bytes(unmask(data, 0, len(data), bytes(mask)))

"""RFC 7692 permessage-deflate for WebSocket, on ``zlib``: offer parsing and negotiation
(``negotiate``), per-message compression and bounded, zip-bomb-safe decompression (``Deflate``).

Sans-I/O like the rest of ``pywebio_lite.protocol``: no sockets, threads or clocks.

Memory: zlib objects are large and a server holds thousands of connections, so both zlib objects
are created lazily on first use, and dropped after every message when "no context takeover"
applies. The compressor defaults to an LZ77 window of 2**12 bytes and ``memLevel=5``. Measured with
tracemalloc on CPython 3.11 / zlib 1.2.13:

    window_bits=15 mem_level=8 (zlib defaults)  262 KiB per compressor
    window_bits=15 mem_level=5                   150 KiB
    window_bits=12 mem_level=5  (our default)     38 KiB

The trade-off: on a stream of small JSON commands (PyWebIO's traffic) the ratio is the same
(about 0.05 with context takeover); on one large repetitive 500 KB JSON document the output is
about 60% bigger (ratio 0.18 instead of 0.11). A smaller compressor window needs no announcement:
a decoder with a 32 KiB window decodes anything a 4 KiB-window encoder produces. The decompressor
is 7 KiB plus a window of 2**client_max_window_bits bytes allocated by zlib on first output.
"""

from __future__ import annotations

import re
import zlib

__all__ = [
    "Deflate",
    "DeflateError",
    "InflateLimitError",
    "negotiate",
    "negotiate_client",
    "parse_extensions",
]

EXTENSION_NAME = "permessage-deflate"

# RFC 7692 §7.2.1: a compressed message loses the 4 octets 0x00 0x00 0xff 0xff that a sync flush
# (an empty stored block) ends with; RFC 7692 §7.2.2: the receiver appends them again.
_TAIL = b"\x00\x00\xff\xff"

DEFAULT_LEVEL = 6
DEFAULT_WINDOW_BITS = 12
DEFAULT_MEM_LEVEL = 5


class DeflateError(Exception):
    """The peer sent compressed data that does not inflate (corrupt or truncated DEFLATE)."""


class InflateLimitError(DeflateError):
    """Inflating a message would exceed the size limit (a zip bomb, or just too big)."""


class Deflate:
    """The permessage-deflate state of one connection (RFC 7692 §7).

    "compress" is our sending direction, "decompress" the peer's. On a server the compress side
    follows the ``server_*`` parameters and the decompress side the ``client_*`` ones;
    ``negotiate`` and ``negotiate_client`` fill them in.
    """

    __slots__ = (
        "compress_no_context_takeover",
        "decompress_no_context_takeover",
        "compress_window_bits",
        "decompress_window_bits",
        "level",
        "mem_level",
        "_compressor",
        "_decompressor",
        "_zdict",
        "_message_output",
        "_after_final",
    )

    def __init__(
        self,
        *,
        compress_no_context_takeover: bool = False,
        decompress_no_context_takeover: bool = False,
        compress_window_bits: int = DEFAULT_WINDOW_BITS,
        decompress_window_bits: int = 15,
        level: int = DEFAULT_LEVEL,
        mem_level: int = DEFAULT_MEM_LEVEL,
    ) -> None:
        # zlib refuses a raw deflate window of 2**8 for compression (it silently means 9), so 9 is
        # our smallest; RFC 7692 §7.1.2 allows 8..15 in negotiation.
        if not isinstance(compress_window_bits, int) or not 9 <= compress_window_bits <= 15:
            raise ValueError("compress_window_bits must be an int from 9 to 15")
        if not isinstance(decompress_window_bits, int) or not 8 <= decompress_window_bits <= 15:
            raise ValueError("decompress_window_bits must be an int from 8 to 15")
        if not isinstance(level, int) or not -1 <= level <= 9:
            raise ValueError("level must be an int from -1 to 9")
        if not isinstance(mem_level, int) or not 1 <= mem_level <= 9:
            raise ValueError("mem_level must be an int from 1 to 9")
        self.compress_no_context_takeover = bool(compress_no_context_takeover)
        self.decompress_no_context_takeover = bool(decompress_no_context_takeover)
        self.compress_window_bits = compress_window_bits
        self.decompress_window_bits = decompress_window_bits
        self.level = level
        self.mem_level = mem_level
        self._compressor = None  # created on first use
        self._decompressor = None  # created on first use
        self._zdict = b""  # LZ77 history to seed a new decompressor with (after BFINAL, below)
        self._message_output = []  # inflated chunks of the current message (for _zdict)
        self._after_final = b""  # compressed bytes seen after a BFINAL=1 block

    def __repr__(self) -> str:
        return (
            f"Deflate(compress_no_context_takeover={self.compress_no_context_takeover}, "
            f"decompress_no_context_takeover={self.decompress_no_context_takeover}, "
            f"compress_window_bits={self.compress_window_bits}, "
            f"decompress_window_bits={self.decompress_window_bits})"
        )

    # -- sending: RFC 7692 §7.2.1 ---------------------------------------------------------------

    def compress(self, payload: bytes) -> bytes:
        """Compress one whole message and return the payload to send with RSV1 set."""
        compressor = self._compressor
        if compressor is None:
            compressor = zlib.compressobj(
                self.level, zlib.DEFLATED, -self.compress_window_bits, self.mem_level
            )
        data = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if self.compress_no_context_takeover:
            # RFC 7692 §7.1.1.1: start every message with an empty LZ77 window. A new compressor
            # per message also frees the memory between messages.
            self._compressor = None
        else:
            self._compressor = compressor
        # RFC 7692 §7.2.1: a sync flush always ends with 00 00 ff ff; remove it.
        return data[:-4]

    # -- receiving: RFC 7692 §7.2.2 -------------------------------------------------------------

    def decompress(self, data: bytes, final: bool, limit: int | None = None) -> bytes:
        """Inflate one frame's payload of a compressed message; ``final`` on its last frame.

        ``limit`` is how many more inflated bytes this message may still produce; inflation
        stops at most one 64 KiB step past it, so a zip bomb never expands in memory. Raises
        ``InflateLimitError`` past the limit and ``DeflateError`` on corrupt data; the message
        must then be abandoned.
        """
        d = self._decompressor
        if d is None:
            # A window of 2**8 is legal in RFC 7692 but zlib compresses with 2**9 when asked for
            # 8; a bigger inflate window decodes both, so never inflate with less than 9.
            wbits = -max(self.decompress_window_bits, 9)
            if self._zdict:
                d = zlib.decompressobj(wbits, zdict=self._zdict)
            else:
                d = zlib.decompressobj(wbits)
            self._decompressor = d
        try:
            if d.eof:
                out = b""
                self._after_final += data
            else:
                out = _inflate(d, data, limit)
                if d.eof:
                    self._after_final = d.unused_data
            # RFC 7692 §7.2.3.4: after a BFINAL=1 block only one 0x00 octet may follow (the
            # header bits of the empty stored block that our appended tail completes).
            if self._after_final and self._after_final != b"\x00":
                raise DeflateError("data after the final DEFLATE block")
            if final and not d.eof:
                # RFC 7692 §7.2.2: append 00 00 ff ff to the message before inflating its end.
                more = _inflate(d, _TAIL, None if limit is None else limit - len(out))
                if more:
                    out += more
        except zlib.error as exc:
            self._reset_decompressor()
            raise DeflateError(f"invalid compressed data ({exc})") from None
        except DeflateError:
            self._reset_decompressor()
            raise
        if not self.decompress_no_context_takeover:
            self._message_output.append(out)
        if final:
            if d.eof:
                # The message ended the zlib stream (BFINAL=1): the next message is a new stream.
                self._decompressor = None
                self._after_final = b""
                if not self.decompress_no_context_takeover:
                    # RFC 7692 §7.2.2: without client_no_context_takeover the next message may
                    # refer to this one; seed the new stream with the recent output. (Output of
                    # earlier sync-flushed messages of the same stream is not kept: a rare mix.)
                    window = 1 << max(self.decompress_window_bits, 9)
                    self._zdict = (self._zdict + b"".join(self._message_output))[-window:]
            elif self.decompress_no_context_takeover:
                # RFC 7692 §7.1.1.2: the peer starts every message with an empty window, so the
                # inflater is not needed between messages: free it.
                self._decompressor = None
            self._message_output.clear()
        return out

    def _reset_decompressor(self) -> None:
        self._decompressor = None
        self._after_final = b""
        self._message_output.clear()


_STEP = 65536


def _inflate(d, data: bytes, limit: int | None) -> bytes:
    """Inflate ``data`` with at most ``limit`` bytes of output, else raise InflateLimitError.

    zlib's ``max_length`` bounds each call. Steps of 64 KiB keep the peak memory at the limit
    plus one step: one big call would briefly need twice its output (CPython's zlib collects
    the output in blocks and joins them at the end).
    """
    parts = []
    total = 0
    while True:
        step = _STEP if limit is None or limit - total >= _STEP else limit - total + 1
        out = d.decompress(data, step)
        total += len(out)
        if limit is not None and total > limit:
            raise InflateLimitError("inflated message exceeds the size limit")
        if out:
            parts.append(out)
        # A full output buffer may leave input unconsumed (unconsumed_tail) or output pending
        # inside zlib: go on. Less output than asked means all input was consumed and flushed.
        if len(out) < step or d.eof:
            break
        data = d.unconsumed_tail
    if len(parts) == 1:
        return parts[0]
    return b"".join(parts)


# -- negotiation: RFC 7692 §5 and §7.1, syntax of RFC 6455 §9.1 ---------------------------------

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_QUOTED = re.compile(r'"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*)"')
_OWS = re.compile(r"[ \t]*")
_BITS = re.compile(r"(?:[89]|1[0-5])\Z")  # RFC 7692 §7.1.2: 8..15, no leading zeros


def parse_extensions(value: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Parse a Sec-WebSocket-Extensions value (RFC 6455 §9.1) into ``[(name, [(param, value)])]``.

    Names are lower-cased; quoted values are unquoted (RFC 6455 §9.1: the unquoted value must then
    be a token). Raises ``ValueError`` on a syntax error.
    """
    if not isinstance(value, str):
        raise TypeError("value must be a str")
    result = []
    pos = 0
    end = len(value)

    def skip_ows(p: int) -> int:
        return _OWS.match(value, p).end()

    while True:
        pos = skip_ows(pos)
        if pos < end and value[pos] == ",":  # RFC 9110 §5.6.1: empty list elements are allowed
            pos += 1
            continue
        if pos >= end:
            break
        m = _TOKEN.match(value, pos)
        if not m:
            raise ValueError(f"expected an extension name at offset {pos}")
        name = m.group().lower()
        params = []
        pos = skip_ows(m.end())
        while pos < end and value[pos] == ";":
            pos = skip_ows(pos + 1)
            m = _TOKEN.match(value, pos)
            if not m:
                raise ValueError(f"expected a parameter name at offset {pos}")
            pname = m.group().lower()
            pos = skip_ows(m.end())
            pvalue = None
            if pos < end and value[pos] == "=":
                pos = skip_ows(pos + 1)
                m = _TOKEN.match(value, pos)
                if m:
                    pvalue = m.group()
                else:
                    m = _QUOTED.match(value, pos)
                    if not m:
                        raise ValueError(f"expected a parameter value at offset {pos}")
                    pvalue = re.sub(r"\\(.)", r"\1", m.group(1))
                    if not _TOKEN.fullmatch(pvalue):
                        raise ValueError(f"quoted parameter value is not a token at offset {pos}")
                pos = skip_ows(m.end())
            params.append((pname, pvalue))
        result.append((name, params))
        if pos < end:
            if value[pos] != ",":
                raise ValueError(f"expected ',' at offset {pos}")
            pos += 1
    return result


def _read_params(params, *, server_side: bool):
    """Check permessage-deflate parameters: a dict, or None to decline (RFC 7692 §7.1)."""
    seen: dict = {}
    for name, value in params:
        if name in seen:
            return None  # RFC 7692 §7: a duplicate parameter makes the offer invalid
        if name in ("server_no_context_takeover", "client_no_context_takeover"):
            if value is not None:
                return None  # §7.1.1: these parameters have no value
            seen[name] = True
        elif name == "server_max_window_bits":
            if value is None or not _BITS.match(value):
                return None  # §7.1.2.1: the value is required
            seen[name] = int(value)
        elif name == "client_max_window_bits":
            if value is None:
                if not server_side:
                    return None  # §7.1.2.2: a response must give a value
                seen[name] = None
            elif not _BITS.match(value):
                return None
            else:
                seen[name] = int(value)
        else:
            return None  # §7: an unknown parameter
    return seen


def negotiate(
    offer: str | list | tuple | None,
    *,
    enabled: bool = True,
    level: int = DEFAULT_LEVEL,
    window_bits: int = DEFAULT_WINDOW_BITS,
    mem_level: int = DEFAULT_MEM_LEVEL,
    client_window_bits: int | None = None,
    no_context_takeover: bool = False,
) -> tuple[str | None, Deflate | None]:
    """Server side of RFC 7692 §5: accept the first acceptable permessage-deflate offer.

    ``offer`` is the client's Sec-WebSocket-Extensions value (several header lines may be given as
    a list; RFC 9110 §5.3 lets us join them with commas). Returns ``(response_value, Deflate)``
    to put in our Sec-WebSocket-Extensions header, or ``(None, None)`` when compression is
    disabled, not offered, or no offer is acceptable (the handshake then goes on without it).

    ``window_bits`` and ``mem_level`` size our compressor (see the module docstring).
    ``client_window_bits``, when set, asks the client to compress with at most that window, to
    shrink our inflate window; RFC 7692 §7.1.2.2 allows that only if the client offered the
    ``client_max_window_bits`` parameter.
    ``no_context_takeover=True`` answers with both ``server_no_context_takeover`` and
    ``client_no_context_takeover`` whatever the offer said, which RFC 7692 §7.1.1.1 and §7.1.1.2
    let a server do: every message is then compressed on its own, and no zlib state outlives a
    message, so thousands of idle connections cost nothing for compression.
    """
    if not enabled or not offer:
        return None, None
    if not isinstance(window_bits, int) or not 9 <= window_bits <= 15:
        raise ValueError("window_bits must be an int from 9 to 15")
    if client_window_bits is not None and (
        not isinstance(client_window_bits, int) or not 8 <= client_window_bits <= 15
    ):
        raise ValueError("client_window_bits must be None or an int from 8 to 15")
    if isinstance(offer, (list, tuple)):
        offer = ", ".join(offer)
    try:
        extensions = parse_extensions(offer)
    except ValueError:
        return None, None  # a malformed header: decline compression, keep the connection
    for name, params in extensions:
        if name != EXTENSION_NAME:
            continue
        p = _read_params(params, server_side=True)
        if p is None:
            continue
        response = [EXTENSION_NAME]
        server_nct = no_context_takeover or "server_no_context_takeover" in p
        client_nct = no_context_takeover or "client_no_context_takeover" in p
        if server_nct:
            response.append("server_no_context_takeover")  # §7.1.1.1: asked for, or our choice
        if client_nct:
            response.append("client_no_context_takeover")  # §7.1.1.2: the client must then comply
        compress_bits = window_bits
        if "server_max_window_bits" in p:
            offered = p["server_max_window_bits"]
            if offered < 9:
                continue  # zlib cannot compress with a 256-byte raw window: decline this offer
            compress_bits = min(offered, window_bits)
            # §7.1.2.1: accept by answering with the same or a smaller value.
            response.append(f"server_max_window_bits={compress_bits}")
        decompress_bits = 15
        if "client_max_window_bits" in p:
            offered = p["client_max_window_bits"]  # None: supported, no hint
            if offered is not None:
                decompress_bits = offered  # the client will not use more than its hint
            if client_window_bits is not None:
                decompress_bits = min(decompress_bits, client_window_bits)
                response.append(f"client_max_window_bits={decompress_bits}")
        deflate = Deflate(
            compress_no_context_takeover=server_nct,
            decompress_no_context_takeover=client_nct,
            compress_window_bits=compress_bits,
            decompress_window_bits=decompress_bits,
            level=level,
            mem_level=mem_level,
        )
        return "; ".join(response), deflate
    return None, None


def negotiate_client(
    response: str,
    *,
    level: int = DEFAULT_LEVEL,
    window_bits: int = DEFAULT_WINDOW_BITS,
    mem_level: int = DEFAULT_MEM_LEVEL,
) -> Deflate:
    """Client side of RFC 7692 §5 (for tests and benchmarks): the ``Deflate`` for a server's
    Sec-WebSocket-Extensions response. Raises ``ValueError`` if the response is not one valid
    permessage-deflate element (RFC 7692 §5: the client must then fail the connection)."""
    extensions = parse_extensions(response)
    if len(extensions) != 1 or extensions[0][0] != EXTENSION_NAME:
        raise ValueError("response must be exactly one permessage-deflate extension")
    p = _read_params(extensions[0][1], server_side=False)
    if p is None:
        raise ValueError("invalid permessage-deflate parameters in the response")
    compress_bits = window_bits
    if "client_max_window_bits" in p:
        compress_bits = min(max(p["client_max_window_bits"], 9), window_bits)
    return Deflate(
        compress_no_context_takeover="client_no_context_takeover" in p,
        decompress_no_context_takeover="server_no_context_takeover" in p,
        compress_window_bits=compress_bits,
        decompress_window_bits=p.get("server_max_window_bits", 15),
        level=level,
        mem_level=mem_level,
    )

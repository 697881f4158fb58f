"""Property-based fuzzing (hypothesis) of everything that parses client or app-author input:
the HTTP/1.1 request parser, the WebSocket frame parser, permessage-deflate, the app protocol
decoder, the markdown renderer and the put_widget template engine.

Each property says what must hold for *any* input: only the documented error type escapes (or
none at all), and the result does not depend on how the bytes were split into reads.

The suite runs a bounded number of examples per property (the "suite" profile, a few seconds in
all). ``bench/fuzz.py`` runs the same properties with 100,000 examples each (the "bench"
profile) and counts the uncaught exceptions; see docs/security.md for the figures.
"""
from __future__ import annotations

import html as html_module
import json
import os
import re
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywebio_lite.markdown import render, sanitize_html
from pywebio_lite.protocol import app as app_protocol
from pywebio_lite.protocol.deflate import Deflate, DeflateError, negotiate, parse_extensions
from pywebio_lite.protocol.http import (BodyData, ParseError, RequestComplete, RequestHead,
                                        RequestParser)
from pywebio_lite.protocol.websocket import (CloseReceived, Message, Ping, Pong,
                                             WebSocketProtocol)
from pywebio_lite.template import render_template

#: Examples per property in the test suite (PYWEBIO_FUZZ_EXAMPLES=N for more; bench/fuzz.py runs 100,000).
EXAMPLES = int(os.environ.get("PYWEBIO_FUZZ_EXAMPLES", "100"))

settings.register_profile(
    "pywebio_lite", max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.load_profile("pywebio_lite")


def splits(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` cut at the given offsets (sorted, clipped to its length)."""
    points = sorted({min(c, len(data)) for c in cuts})
    out, last = [], 0
    for p in points:
        out.append(data[last:p])
        last = p
    out.append(data[last:])
    return [piece for piece in out if piece]


# ============================================================================ HTTP/1.1 parser
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW", "get", "G ET", ""]
HEADER_NAMES = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Origin",
                "Cookie", "X-A", "content-length", "transfer-encoding", " Host", "Host ", "Bad Name",
                "", "\x00"]
HEADER_VALUES = ["localhost", "0", "5", "-1", "1e3", "18446744073709551617", "chunked", "gzip, chunked",
                 "chunked, gzip", "upgrade", "websocket", "keep-alive", "close", "", " x ", "\x7f",
                 "a\rb", "é"]
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=20)


@st.composite
def http_requests(draw) -> bytes:
    """A request that is often nearly valid: line, headers, a body framed one way or another,
    then a few random byte edits."""
    method = draw(st.sampled_from(METHODS) | TEXT)
    target = draw(st.sampled_from(["/", "/?app=x", "*", "http://h/p?q", "/%2e%2e/", "/a b", ""]) | TEXT)
    version = draw(st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/1.1 ", "http/1.1", ""]))
    line = f"{method} {target} {version}"
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES) | TEXT,
                                      st.sampled_from(HEADER_VALUES) | TEXT), max_size=8))
    body = draw(st.binary(max_size=64))
    framing = draw(st.sampled_from(["none", "length", "chunked", "wrong-length"]))
    if framing == "length":
        headers.append(("Content-Length", str(len(body))))
    elif framing == "wrong-length":
        headers.append(("Content-Length", str(draw(st.integers(0, 200)))))
    elif framing == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
        sizes = draw(st.lists(st.integers(0, 16), max_size=5))
        chunks, pos = [], 0
        for size in sizes:
            piece = body[pos:pos + size]
            pos += size
            if piece:
                chunks.append(b"%x\r\n%s\r\n" % (len(piece), piece))
        ext = draw(st.sampled_from([b"", b";a=b", b"; x", b"\t"]))
        chunks.append(b"0" + ext + b"\r\n" + draw(st.sampled_from([b"", b"T: v\r\n", b"bad\r\n"])) + b"\r\n")
        body = b"".join(chunks)
    eol = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    head = line + eol + "".join(f"{n}: {v}{eol}" for n, v in headers) + eol
    data = bytearray(head.encode("utf-8", "surrogatepass") + body)
    for pos, byte in draw(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=3)):
        if data:
            data[pos % len(data)] = byte
    repeat = draw(st.integers(1, 3))  # pipelining
    return bytes(data) * repeat


def drive_http(parser: RequestParser, chunks: list[bytes]) -> list:
    """Feed `chunks`, resuming after each pause (body check, upgrade) the way the server does."""
    out = []
    for chunk in chunks:
        events = parser.feed(chunk)
        while True:
            out.extend(events)
            if parser.state == "upgraded":
                parser.resume()
            elif not events or isinstance(events[-1], ParseError):
                break
            events = parser.feed(b"")
            if not events and parser.state != "upgraded":
                break
    return out


def http_summary(events: list) -> list:
    out = []
    for e in events:
        if isinstance(e, (RequestHead, RequestComplete)):
            r = e.request
            out.append((type(e).__name__, r.method, r.target, r.version, r.headers.items(),
                        r.body if isinstance(e, RequestComplete) else None))
        elif isinstance(e, ParseError):
            out.append(("error", e.error.status))
        elif isinstance(e, BodyData):
            out.append(("body", bytes(e.data)))
        else:
            raise AssertionError(f"unknown event {e!r}")
    return out


@given(http_requests(), st.lists(st.integers(0, 600), max_size=6))
def test_http_parser_any_bytes_any_split(data, cuts):
    """Any bytes: only events come out (errors are ParseError events with a 4xx/5xx status), the
    same whether the bytes arrive at once or in pieces, and every parsed request is sane."""
    whole = http_summary(drive_http(RequestParser(max_body=100), [data]))
    pieces = http_summary(drive_http(RequestParser(max_body=100), splits(data, cuts)))
    assert whole == pieces
    for item in whole:
        if item[0] == "error":
            assert 400 <= item[1] <= 599
        elif item[0] == "RequestComplete":
            assert len(item[5]) <= 100


@given(st.binary(max_size=300))
def test_http_parser_random_bytes(data):
    events = drive_http(RequestParser(), [data])
    http_summary(events)


# ============================================================================ WebSocket frames
@st.composite
def ws_frames(draw) -> bytes:
    """A run of client frames: real opcodes and lengths most of the time, masked or not, with
    RSV bits, fragments, control frames and close payloads mixed in."""
    frames = []
    for _ in range(draw(st.integers(1, 6))):
        fin = draw(st.sampled_from([0x80, 0x80, 0x80, 0]))
        rsv = draw(st.sampled_from([0, 0, 0, 0x40, 0x20, 0x10]))
        opcode = draw(st.sampled_from([1, 2, 0, 8, 9, 10, 1, 2, 3, 11]))
        if opcode == 8:
            payload = draw(st.sampled_from([b"", b"\x03\xe8", b"\x03\xe8ok", b"\x03", b"\x00\x00",
                                            b"\x0b\xb8\xff"]) | st.binary(max_size=8))
        elif opcode == 1:
            payload = draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
            if draw(st.booleans()):
                payload = draw(st.binary(max_size=10)) + payload
        else:
            payload = draw(st.binary(max_size=200))
        if rsv == 0x40 and draw(st.booleans()):
            c = zlib.compressobj(wbits=-15)
            payload = (c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]
        length = len(payload)
        encoding = draw(st.sampled_from(["minimal", "minimal", "16", "64"]))
        masked = draw(st.sampled_from([True, True, True, False]))
        b1 = 0x80 if masked else 0
        if encoding == "16":
            head = bytes([fin | rsv | opcode, b1 | 126]) + length.to_bytes(2, "big")
        elif encoding == "64":
            head = bytes([fin | rsv | opcode, b1 | 127]) + length.to_bytes(8, "big")
        elif length < 126:
            head = bytes([fin | rsv | opcode, b1 | length])
        else:
            head = bytes([fin | rsv | opcode, b1 | 126]) + length.to_bytes(2, "big")
        if masked:
            mask = draw(st.binary(min_size=4, max_size=4))
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            head += mask
        frames.append(head + payload)
    data = b"".join(frames)
    if draw(st.booleans()):
        data += draw(st.binary(max_size=20))
    return data


def drive_ws(chunks: list[bytes], deflate: bool, max_size: int) -> tuple:
    p = WebSocketProtocol(max_message_size=max_size,
                          deflate=negotiate("permessage-deflate")[1] if deflate else None)
    events = []
    for chunk in chunks:
        events.extend(p.receive_data(chunk))
        p.data_to_send()
    events.extend(p.receive_eof())
    out = p.data_to_send()
    for e in events:
        assert isinstance(e, (Message, Ping, Pong, CloseReceived)), e
        if isinstance(e, Message):
            assert len(e.data) <= max_size
    assert isinstance(out, bytes)
    # The close code we sent (if any), and the messages: what an app sees.
    return p.sent_close_code, [e for e in events if isinstance(e, (Message, Ping, Pong))]


@given(ws_frames(), st.lists(st.integers(0, 2000), max_size=6), st.booleans(), st.sampled_from([64, 1 << 20]))
def test_websocket_frames_any_split(data, cuts, deflate, max_size):
    """Any frames: only WebSocket events come out, never a message over the limit, and the
    messages and the close code do not depend on how the bytes were split."""
    whole = drive_ws([data], deflate, max_size)
    pieces = drive_ws(splits(data, cuts), deflate, max_size)
    assert whole == pieces


@given(st.binary(max_size=400), st.booleans())
def test_websocket_random_bytes(data, deflate):
    drive_ws([data], deflate, 1 << 20)


# ============================================================================ permessage-deflate
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=5), st.booleans(), st.booleans())
def test_deflate_round_trip(messages, no_context, bfinal):
    """What we compress, a peer with the same parameters inflates back, message after message."""
    sender = Deflate(compress_no_context_takeover=no_context)
    receiver = Deflate(decompress_no_context_takeover=no_context)
    for m in messages:
        assert receiver.decompress(sender.compress(m), True) == m


@given(st.lists(st.binary(max_size=200), min_size=1, max_size=4), st.integers(0, 500))
def test_deflate_hostile_input(frames, limit):
    """Corrupt or oversize compressed data raises DeflateError (or its InflateLimitError), nothing
    else, and never produces more than one step past the limit."""
    d = Deflate()
    for i, data in enumerate(frames):
        try:
            out = d.decompress(data, i == len(frames) - 1, limit)
        except DeflateError:
            continue
        assert len(out) <= limit + 65536


@given(TEXT | st.sampled_from(["permessage-deflate; client_max_window_bits",
                                "permessage-deflate; server_max_window_bits=8, x",
                                'permessage-deflate; client_max_window_bits="15"']))
def test_deflate_negotiation_any_offer(offer):
    """Any Sec-WebSocket-Extensions value: negotiate() answers or declines, never crashes."""
    try:
        parse_extensions(offer)
    except ValueError:
        pass
    response, deflate = negotiate(offer)
    assert (response is None) == (deflate is None)


# ============================================================================ app protocol
JSON_LEAVES = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=12)
JSON = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["event", "task_id", "data", "form", "seq", "ack",
                                                       "events", "x"]) | st.text(max_size=5),
                                      inner, max_size=5), max_leaves=20)
EVENTS = st.fixed_dictionaries({"event": st.sampled_from(sorted(app_protocol.EVENT_NAMES)) | JSON_LEAVES,
                                "task_id": st.text(max_size=8) | JSON_LEAVES},
                               optional={"data": JSON, "form": JSON_LEAVES})
FRAMES = st.fixed_dictionaries({}, optional={"seq": JSON_LEAVES, "ack": JSON_LEAVES,
                                             "events": st.lists(EVENTS, max_size=4) | JSON})


@given(FRAMES | EVENTS | JSON)
def test_app_frame_decoder_json(obj):
    """Any JSON: parse_client_frame returns checked events or raises FrameError."""
    text = json.dumps(obj)
    for data in (text, text.encode()):
        try:
            seq, ack, events = app_protocol.parse_client_frame(data)
        except app_protocol.FrameError:
            continue
        assert seq is None or (type(seq) is int and seq >= 0)
        for e in events:
            assert e.event in app_protocol.EVENT_NAMES and isinstance(e.task_id, str) and e.task_id


@given(st.text(max_size=200) | st.binary(max_size=200))
def test_app_frame_decoder_any_text(data):
    try:
        app_protocol.parse_client_frame(data)
    except app_protocol.FrameError:
        pass


@given(st.binary(max_size=40), JSON | st.fixed_dictionaries(
    {"target": st.text(max_size=5), "file": st.integers(-1, 3), "size": st.integers(-1, 50),
     "offset": st.integers(-1, 50)}, optional={"name": JSON_LEAVES}), st.integers(-3, 3))
def test_upload_chunk_decoder(content, head, skew):
    """Any binary upload message: an UploadChunk inside its declared size, or FrameError."""
    header = json.dumps(head).encode()
    message = max(0, len(header) + skew).to_bytes(4, "big") + header + content
    for data in (message, message[:len(message) // 2]):
        try:
            chunk = app_protocol.parse_upload_chunk(data)
        except app_protocol.FrameError:
            continue
        assert chunk.offset + len(chunk.data) <= chunk.size


# ============================================================================ markdown
MD_ALPHABET = st.sampled_from(list("ab *_`#>-+=|~[]()<>!\\&;:/\"'\n\t1.") + [
    "javascript:", "JaVa\tScript:", "data:text/html,", "&#106;", "<script>", "</script>", "<a href=",
    "<img src=", " onerror=", "```", "~~~", "    ", "http://x.y", "www.x.y", "@", "é", "\x00"])
MARKDOWN = st.lists(MD_ALPHABET, max_size=60).map("".join) | st.text(max_size=120)
_RE_HREF = re.compile(r'(?:href|src)="([^"]*)"', re.I)


def runs_script(attribute_value: str) -> bool:
    """What a browser makes of an href/src attribute value: entities decoded once, then
    controls and spaces ignored in the scheme (WHATWG URL parsing)."""
    url = re.sub(r"[\x00-\x20]+", "", html_module.unescape(attribute_value)).lower()
    return url.startswith(("javascript:", "vbscript:", "data:")) and not re.match(
        r"data:image/(?:png|gif|jpeg|jpg|webp|bmp|avif|x-icon)[;,]", url)


@given(MARKDOWN, st.booleans())
def test_markdown_renders_anything_safely(text, breaks):
    """Any text renders to a str; sanitized output carries no script, handler or script URL."""
    assert isinstance(render(text, breaks=breaks), str)
    html = render(text, breaks=breaks, sanitize=True)
    low = html.lower()
    assert "<script" not in low and "<iframe" not in low
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", low)
    for url in _RE_HREF.findall(html):
        assert not runs_script(url), url


HTML_ALPHABET = st.sampled_from(["<", ">", "</", "/>", "a", "img", "script", "style", "svg", "iframe", " ",
                                 "=", '"', "'", "href", "src", "onerror", "style", "javascript:",
                                 "&#106;", "&#x6A;", "&colon;", "\t", "\n", "<!--", "-->", "<![CDATA[",
                                 "]]>", "<!", "?>", "url(", "expression(", "x", "\x00", "data:text/html,"])


@given(st.lists(HTML_ALPHABET, max_size=50).map("".join))
def test_sanitizer_any_html(text):
    """Any HTML: the sanitizer returns markup without script, handlers or script URLs."""
    html = sanitize_html(text)
    low = html.lower()
    assert "<script" not in low and "<svg" not in low and "<iframe" not in low and "<style" not in low
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", low)
    for url in _RE_HREF.findall(html):
        assert not runs_script(url), url


# ============================================================================ template engine
TEMPLATE_ALPHABET = st.sampled_from(["{{", "}}", "{{{", "}}}", "#", "^", "/", "!", "&", ">", "=",
                                     ".", "a", "b", "a.b", "a.0", " ", "\n", "<", ">", "x",
                                     "pywebio_output_parse"])
TEMPLATES = st.lists(TEMPLATE_ALPHABET, max_size=40).map("".join)
DATA = st.dictionaries(st.sampled_from(["a", "b", "x"]), JSON | st.just("<b>"), max_size=3)


@given(TEMPLATES, DATA)
def test_template_engine_anything(template, data):
    """Any template: a str, or ValueError for a malformed one. Escaped tags never let '<' through
    from the data."""
    try:
        out = render_template(template, data)
    except ValueError:
        return
    assert isinstance(out, str)
    if not any(t in template for t in ("{{{", "&", "<")):
        assert "<" not in out

"""RFC 7692 permessage-deflate (pywebio_lite.protocol.deflate) and its use by the WebSocket
protocol: negotiation, compression, bounded inflation."""

import os
import tracemalloc
import zlib

import pytest

from pywebio_lite.protocol.deflate import (
    Deflate,
    DeflateError,
    InflateLimitError,
    negotiate,
    negotiate_client,
    parse_extensions,
)
from pywebio_lite.protocol.websocket import CloseReceived, Message, Ping, State, WebSocketProtocol
from ws_frames_util import close_code_of, close_payload, frame, header

TAIL = b"\x00\x00\xff\xff"


def raw_deflate(data: bytes, compressor=None) -> bytes:
    """What a client sends (RFC 7692 §7.2.1), computed with zlib directly."""
    c = compressor or zlib.compressobj(6, zlib.DEFLATED, -15)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(TAIL)
    return out[:-4]


def server(offer="permessage-deflate", **kw):
    response, deflate = negotiate(offer)
    assert deflate is not None
    return WebSocketProtocol(deflate=deflate, **kw)


class TestParseExtensions:
    def test_simple(self):
        assert parse_extensions("permessage-deflate") == [("permessage-deflate", [])]

    def test_params_and_several_offers(self):
        value = 'permessage-deflate; client_max_window_bits; server_max_window_bits="10" , foo;a=b,bar'
        assert parse_extensions(value) == [
            ("permessage-deflate", [("client_max_window_bits", None), ("server_max_window_bits", "10")]),
            ("foo", [("a", "b")]),
            ("bar", []),
        ]

    def test_case_and_whitespace(self):
        assert parse_extensions("  Permessage-Deflate ;\tClient_No_Context_Takeover  ") == [
            ("permessage-deflate", [("client_no_context_takeover", None)])
        ]

    def test_quoted_escape(self):
        assert parse_extensions('x; p="1\\0"') == [("x", [("p", "10")])]

    def test_empty_elements(self):
        assert parse_extensions(", a ,, b,") == [("a", []), ("b", [])]

    @pytest.mark.parametrize(
        "value",
        ["a;", "a; =1", "a; p=", 'a; p="1', 'a; p="a b"', "a b", "a; p=1 2", "@", 'a; p="1,2"'],
    )
    def test_syntax_errors(self, value):
        with pytest.raises(ValueError):
            parse_extensions(value)

    def test_type(self):
        with pytest.raises(TypeError, match="value"):
            parse_extensions(b"permessage-deflate")


class TestDeflateNegotiation:
    def test_not_offered_or_disabled(self):
        assert negotiate(None) == (None, None)
        assert negotiate("") == (None, None)
        assert negotiate("x-webkit-deflate-frame") == (None, None)
        assert negotiate("permessage-deflate", enabled=False) == (None, None)

    def test_plain_offer(self):
        response, d = negotiate("permessage-deflate")
        assert response == "permessage-deflate"
        assert isinstance(d, Deflate)
        assert not d.compress_no_context_takeover and not d.decompress_no_context_takeover
        assert d.compress_window_bits == 12 and d.decompress_window_bits == 15

    def test_chrome_offer(self):
        response, d = negotiate("permessage-deflate; client_max_window_bits")
        assert response == "permessage-deflate"
        assert d.decompress_window_bits == 15

    def test_client_window_hint(self):
        response, d = negotiate("permessage-deflate; client_max_window_bits=10")
        assert response == "permessage-deflate"  # the client keeps to 10 anyway (§7.1.2.2)
        assert d.decompress_window_bits == 10

    def test_asking_for_a_smaller_client_window(self):
        response, d = negotiate("permessage-deflate; client_max_window_bits", client_window_bits=11)
        assert response == "permessage-deflate; client_max_window_bits=11"
        assert d.decompress_window_bits == 11
        response, d = negotiate("permessage-deflate; client_max_window_bits=9", client_window_bits=11)
        assert response == "permessage-deflate; client_max_window_bits=9"
        # §7.1.2.2: only when the client offered the parameter
        response, d = negotiate("permessage-deflate", client_window_bits=11)
        assert response == "permessage-deflate" and d.decompress_window_bits == 15

    def test_no_context_takeover(self):
        response, d = negotiate(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        )
        assert response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        assert d.compress_no_context_takeover and d.decompress_no_context_takeover

    def test_server_max_window_bits(self):
        response, d = negotiate("permessage-deflate; server_max_window_bits=10")
        assert response == "permessage-deflate; server_max_window_bits=10"
        assert d.compress_window_bits == 10
        # §7.1.2.1: we may answer with a smaller value than offered
        response, d = negotiate("permessage-deflate; server_max_window_bits=15")
        assert response == "permessage-deflate; server_max_window_bits=12"
        response, d = negotiate("permessage-deflate; server_max_window_bits=15", window_bits=15)
        assert response == "permessage-deflate; server_max_window_bits=15"

    def test_quoted_value(self):
        response, d = negotiate('permessage-deflate; server_max_window_bits="9"')
        assert response == "permessage-deflate; server_max_window_bits=9"

    def test_server_window_8_is_declined(self):
        # zlib cannot compress with a 256-byte raw window; the next offer is taken instead.
        assert negotiate("permessage-deflate; server_max_window_bits=8") == (None, None)
        response, d = negotiate(
            "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=9"
        )
        assert response == "permessage-deflate; server_max_window_bits=9"

    @pytest.mark.parametrize(
        "params",
        [
            "foo",
            "server_no_context_takeover; server_no_context_takeover",
            "client_max_window_bits; client_max_window_bits=10",
            "server_no_context_takeover=1",
            "client_no_context_takeover=yes",
            "server_max_window_bits",
            "server_max_window_bits=7",
            "server_max_window_bits=16",
            "server_max_window_bits=010",
            "server_max_window_bits=abc",
            "client_max_window_bits=7",
            "client_max_window_bits=16",
            "client_max_window_bits=09",
        ],
    )
    def test_invalid_offer_is_declined(self, params):
        assert negotiate(f"permessage-deflate; {params}") == (None, None)
        # and the next, valid offer is accepted
        response, d = negotiate(f"permessage-deflate; {params}, permessage-deflate")
        assert response == "permessage-deflate" and d is not None

    def test_first_acceptable_offer_wins(self):
        response, d = negotiate(
            "x-webkit-deflate-frame, permessage-deflate; client_no_context_takeover, permessage-deflate"
        )
        assert response == "permessage-deflate; client_no_context_takeover"

    def test_malformed_header_declines(self):
        assert negotiate('permessage-deflate; a="') == (None, None)

    def test_several_header_lines(self):
        response, d = negotiate(["foo", "permessage-deflate; server_no_context_takeover"])
        assert response == "permessage-deflate; server_no_context_takeover"

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="window_bits"):
            negotiate("permessage-deflate", window_bits=8)
        with pytest.raises(ValueError, match="client_window_bits"):
            negotiate("permessage-deflate", client_window_bits=16)
        with pytest.raises(ValueError, match="compress_window_bits"):
            Deflate(compress_window_bits=8)
        with pytest.raises(ValueError, match="decompress_window_bits"):
            Deflate(decompress_window_bits=7)
        with pytest.raises(ValueError, match="level"):
            Deflate(level=10)
        with pytest.raises(ValueError, match="mem_level"):
            Deflate(mem_level=0)

    def test_client_side(self):
        d = negotiate_client("permessage-deflate; server_no_context_takeover; client_max_window_bits=10")
        assert d.decompress_no_context_takeover and not d.compress_no_context_takeover
        assert d.compress_window_bits == 10 and d.decompress_window_bits == 15
        d = negotiate_client("permessage-deflate; client_no_context_takeover; server_max_window_bits=9")
        assert d.compress_no_context_takeover and d.decompress_window_bits == 9

    @pytest.mark.parametrize(
        "response",
        [
            "foo",
            "permessage-deflate, permessage-deflate",
            "permessage-deflate; client_max_window_bits",  # a response must give a value
            "permessage-deflate; foo",
            "permessage-deflate; server_max_window_bits=99",
        ],
    )
    def test_client_side_rejects(self, response):
        with pytest.raises(ValueError):
            negotiate_client(response)


class TestImposedNoContextTakeover:
    """RFC 7692 §7.1.1.1 / §7.1.1.2: a server may answer with server_no_context_takeover and
    client_no_context_takeover even when the offer did not ask for them."""

    def test_both_are_imposed_on_any_offer(self):
        for offer in ("permessage-deflate", "permessage-deflate; client_max_window_bits",
                      "permessage-deflate; server_no_context_takeover"):
            response, d = negotiate(offer, no_context_takeover=True)
            assert response.split("; ")[:3] == ["permessage-deflate", "server_no_context_takeover",
                                                "client_no_context_takeover"]
            assert d.compress_no_context_takeover and d.decompress_no_context_takeover

    def test_client_can_use_the_response(self):
        response, _ = negotiate("permessage-deflate; client_max_window_bits", no_context_takeover=True)
        client = negotiate_client(response)
        assert client.compress_no_context_takeover and client.decompress_no_context_takeover

    def test_no_zlib_state_outlives_a_message(self):
        _, d = negotiate("permessage-deflate", no_context_takeover=True)
        proto = WebSocketProtocol(deflate=d)
        proto.send_message("x" * 2000)
        compressed = raw_deflate(b"y" * 2000)
        events = proto.receive_data(frame(0xC1, compressed))  # FIN + RSV1 + text
        assert events == [Message("y" * 2000)]
        assert d._compressor is None and d._decompressor is None

    def test_each_message_is_compressed_on_its_own(self):
        _, d = negotiate("permessage-deflate", no_context_takeover=True)
        first, second = d.compress(b"hello hello hello"), d.compress(b"hello hello hello")
        assert first == second  # no back-references into the previous message


class TestDeflateCompression:
    def test_rfc_hello(self):
        # RFC 7692 §7.2.3.1: "Hello" compressed is f2 48 cd c9 c9 07 00.
        p = server()
        p.send_message("Hello")
        assert p.data_to_send() == b"\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00"

    def test_rfc_sharing_the_window(self):
        # RFC 7692 §7.2.3.2: the second "Hello" refers back to the first.
        p = server()
        p.send_message("Hello")
        p.send_message("Hello")
        assert p.data_to_send() == (
            b"\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00" + b"\xc1\x05\xf2\x00\x11\x00\x00"
        )

    def test_server_no_context_takeover(self):
        p = server("permessage-deflate; server_no_context_takeover")
        p.send_message("Hello")
        p.send_message("Hello")
        assert p.data_to_send() == b"\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00" * 2
        assert p._deflate._compressor is None  # freed between messages

    def test_binary_and_empty(self):
        p = server()
        p.send_message(b"\x00" * 1000)
        p.send_message(b"")
        out = p.data_to_send()
        assert out[0] == 0xC2
        n = out[1]
        d = zlib.decompressobj(-15)
        assert d.decompress(out[2 : 2 + n] + TAIL) == b"\x00" * 1000
        assert out[2 + n] == 0xC2
        assert d.decompress(out[4 + n :] + TAIL) == b""

    def test_lazy_zlib_objects(self):
        d = Deflate()
        assert d._compressor is None and d._decompressor is None
        d.compress(b"x")
        assert d._compressor is not None and d._decompressor is None

    def test_receive_rfc_hello(self):
        p = server()
        assert p.receive_data(frame(0xC1, b"\xf2\x48\xcd\xc9\xc9\x07\x00")) == [Message("Hello")]
        assert p.receive_data(frame(0xC1, b"\xf2\x00\x11\x00\x00")) == [Message("Hello")]

    def test_receive_rfc_fragmented(self):
        # RFC 7692 §7.2.3.1: the compressed "Hello" in two fragments; RSV1 on the first only.
        p = server()
        data = frame(0x41, b"\xf2\x48\xcd") + frame(0x80, b"\xc9\xc9\x07\x00")
        assert p.receive_data(data) == [Message("Hello")]

    def test_receive_rfc_stored_block(self):
        # RFC 7692 §7.2.3.3: a DEFLATE block with no compression.
        p = server()
        payload = b"\x00\x05\x00\xfa\xff\x48\x65\x6c\x6c\x6f\x00"
        assert p.receive_data(frame(0xC1, payload)) == [Message("Hello")]

    def test_receive_rfc_bfinal(self):
        # RFC 7692 §7.2.3.4: a block with BFINAL=1 plus one 0x00 octet; the next message is a
        # new zlib stream that may still refer to the previous one (context takeover).
        p = server()
        assert p.receive_data(frame(0xC1, b"\xf3\x48\xcd\xc9\xc9\x07\x00\x00")) == [Message("Hello")]
        c = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=b"Hello")
        second = c.compress(b"Hello") + c.flush(zlib.Z_FINISH) + b"\x00"
        assert len(second) < 8  # it did refer back
        assert p.receive_data(frame(0xC1, second)) == [Message("Hello")]
        assert p.receive_data(frame(0xC1, raw_deflate(b"again"))) == [Message("again")]

    def test_data_after_bfinal(self):
        p = server()
        assert p.receive_data(frame(0xC1, b"\xf3\x48\xcd\xc9\xc9\x07\x00\x00junk")) == []
        assert "final" in p.failure
        assert close_code_of(p.data_to_send()) == 1002

    def test_context_takeover_from_client(self):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        p = server()
        msgs = [f"message number {i} with shared words".encode() for i in range(20)]
        events = p.receive_data(b"".join(frame(0xC1, raw_deflate(m, c)) for m in msgs))
        assert events == [Message(m.decode()) for m in msgs]

    def test_client_no_context_takeover_frees_the_inflater(self):
        p = server("permessage-deflate; client_no_context_takeover")
        assert p.receive_data(frame(0xC2, raw_deflate(b"abc"))) == [Message(b"abc")]
        assert p._deflate._decompressor is None
        assert p.receive_data(frame(0xC2, raw_deflate(b"abc"))) == [Message(b"abc")]

    def test_uncompressed_message_allowed(self):
        p = server()
        assert p.receive_data(frame(0x81, b"plain")) == [Message("plain")]

    def test_rsv1_on_continuation(self):
        p = server()
        assert p.receive_data(frame(0x41, b"\xf2\x48\xcd") + frame(0xC0, b"\xc9\xc9\x07\x00")) == []
        assert "continuation" in p.failure
        assert close_code_of(p.data_to_send()) == 1002

    @pytest.mark.parametrize("first", [0xC9, 0xCA, 0xC8])
    def test_rsv1_on_control(self, first):
        p = server()
        assert p.receive_data(frame(first, b"")) == []
        assert "control" in p.failure
        assert close_code_of(p.data_to_send()) == 1002

    @pytest.mark.parametrize("first", [0xA1, 0x91, 0xE1])
    def test_rsv2_rsv3_still_refused(self, first):
        p = server()
        assert p.receive_data(frame(first, b"x")) == []
        assert close_code_of(p.data_to_send()) == 1002

    def test_corrupt_data(self):
        p = server()
        assert p.receive_data(frame(0xC1, b"\xff\xff\xff\xff")) == []
        assert "invalid compressed data" in p.failure
        assert close_code_of(p.data_to_send()) == 1002

    def test_invalid_utf8_after_inflation(self):
        p = server()
        assert p.receive_data(frame(0xC1, raw_deflate(b"ok \xff"))) == []
        assert close_code_of(p.data_to_send()) == 1007

    def test_utf8_fails_fast_in_compressed_fragments(self):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        first = c.compress(b"valid ") + c.flush(zlib.Z_SYNC_FLUSH)
        second = c.compress(b"\xf4\x90\x80\x80") + c.flush(zlib.Z_SYNC_FLUSH)
        p = server()
        assert p.receive_data(frame(0x41, first)) == []
        assert p.failure is None
        assert p.receive_data(frame(0x00, second)) == []
        assert close_code_of(p.data_to_send()) == 1007

    def test_chopped_compressed_text_is_buffered_whole(self):
        # Compressed frames are inflated whole (uncompressed text is decoded as it arrives):
        # split anywhere, the fragmented message still comes out right.
        comp = raw_deflate("κόσμε, compressed".encode())
        data = frame(0x41, comp[:5]) + frame(0x80, comp[5:]) + frame(0x81, b"plain")
        for i in range(len(data) + 1):
            p = server()
            events = p.receive_data(data[:i]) + p.receive_data(data[i:])
            assert events == [Message("κόσμε, compressed"), Message("plain")], i

    def test_compressed_message_before_an_error_is_returned(self):
        p = server()
        data = frame(0xC1, raw_deflate(b"ok")) + frame(0xC1, b"\xff\xff\xff\xff")
        assert p.receive_data(data) == [Message("ok")] and p.close_held
        p.send_message("ok")
        out = p.data_to_send()
        assert out[:2] == b"\xc1\x04" and close_code_of(out[6:]) == 1002

    def test_large_corrupt_compressed_frame_arriving_in_pieces(self):
        # Large frames are unmasked as they arrive and inflated when complete: corrupt data
        # still fails the connection then, once the last piece is in.
        payload = b"\xff" * 100_000
        data = frame(0xC2, payload)
        p = server()
        assert p.receive_data(data[:70_000]) == [] and p.failure is None
        assert p.receive_data(data[70_000:] + frame(0x81, b"never")) == []
        assert "invalid compressed data" in p.failure
        assert close_code_of(p.data_to_send()) == 1002

    def test_interleaved_ping_in_compressed_message(self):
        comp = raw_deflate(b"hello world")
        p = server()
        data = frame(0x42, comp[:4]) + frame(0x89, b"p") + frame(0x80, comp[4:])
        assert p.receive_data(data) == [Ping(b"p"), Message(b"hello world")]


class TestZipBomb:
    def test_decompress_is_bounded(self):
        bomb = raw_deflate(bytes(64 << 20))  # 64 MiB of zeros in about 64 KB
        d = Deflate()
        with pytest.raises(InflateLimitError):
            d.decompress(bomb, True, 1 << 20)
        assert d._decompressor is None  # reset for safety

    def test_decompress_exact_limit(self):
        d = Deflate()
        assert d.decompress(raw_deflate(bytes(1000)), True, 1000) == bytes(1000)
        with pytest.raises(InflateLimitError):
            Deflate().decompress(raw_deflate(bytes(1001)), True, 1000)

    def test_bomb_fails_with_1009_in_bounded_memory(self):
        bomb = raw_deflate(bytes(64 << 20))
        data = frame(0xC2, bomb)
        p = server()  # max_message_size = 1 MiB
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            events = p.receive_data(data)
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
        assert events == []
        assert "inflated" in p.failure
        assert close_code_of(p.data_to_send()) == 1009
        # never more than the limit plus a small margin: one 64 KiB inflate step, the zlib
        # window and state, one unmasked copy of the input (measured: 1.35 MB for 1 MiB)
        assert peak < (1 << 20) + 2 * len(data) + (256 << 10), peak

    def test_bomb_across_fragments(self):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = c.compress(bytes(600_000)) + c.flush(zlib.Z_SYNC_FLUSH)
        p = server()
        assert p.receive_data(frame(0x42, chunk)) == []  # 600 KB so far: fine
        assert p.failure is None
        assert p.receive_data(frame(0x00, chunk)) == []  # 1.2 MB: too big
        assert close_code_of(p.data_to_send()) == 1009

    def test_the_tail_counts_too(self):
        # 1000 bytes inflate from the fragment, one more only once the tail is appended.
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = c.compress(bytes(1001)) + c.flush(zlib.Z_SYNC_FLUSH)
        p = server(max_message_size=1000)
        assert p.receive_data(frame(0xC2, data[:-4])) == []
        assert close_code_of(p.data_to_send()) == 1009

    def test_compressed_wire_size_is_limited(self):
        # An incompressible payload may be slightly larger than its inflated size, but a
        # compressed frame far over the limit fails from its header.
        p = server(max_message_size=1000)
        assert p.receive_data(header(0xC2, 100_000)) == []
        assert close_code_of(p.data_to_send()) == 1009

    def test_incompressible_message_at_the_limit(self):
        payload = os.urandom(100_000)
        p = server(max_message_size=100_000)
        comp = raw_deflate(payload)
        assert len(comp) > len(payload)
        assert p.receive_data(frame(0xC2, comp)) == [Message(payload)]

    def test_limit_resets_per_message(self):
        p = server(max_message_size=1000)
        for _ in range(5):
            assert p.receive_data(frame(0xC2, raw_deflate(bytes(900)))) == [Message(bytes(900))]

    def test_no_limit(self):
        p = server(max_message_size=None)
        big = bytes(3 << 20)
        assert p.receive_data(frame(0xC2, raw_deflate(big))) == [Message(big)]
        assert p.state is State.OPEN


def test_close_frames_are_never_compressed():
    p = server()
    assert p.receive_data(frame(0x88, close_payload(1000))) == [CloseReceived(1000, "")]
    assert p.data_to_send() == b"\x88\x02\x03\xe8"
    with pytest.raises(DeflateError):
        Deflate().decompress(b"\xff\xff\xff", True)

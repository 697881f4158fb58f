"""RFC 6455 framing and the connection state machine (pywebio_lite.protocol.websocket), driven
with byte literals: one class per RFC section."""

import os

import pytest

from pywebio_lite.protocol import websocket as ws
from pywebio_lite.protocol.websocket import (
    CloseCode,
    CloseReceived,
    Message,
    Opcode,
    Ping,
    Pong,
    State,
    WebSocketProtocol,
    apply_mask,
)
from ws_frames_util import MASK, binary, close_code_of, close_payload, frame, header, text, unmasked, xor


def server(**kw) -> WebSocketProtocol:
    return WebSocketProtocol(**kw)


def failed_with(p: WebSocketProtocol, code: int) -> None:
    """Assert that ``p`` failed the connection with a close frame carrying ``code``."""
    assert p.failure, "the connection should have failed"
    out = p.data_to_send()
    assert close_code_of(out) == code, (out, p.failure)
    assert p.state is State.CLOSED
    assert p.close_transport
    assert p.receive_data(text("ignored")) == []  # RFC 6455 §7.1.7: input is discarded


class TestEnums:
    def test_opcodes(self):
        assert [int(o) for o in Opcode] == [0, 1, 2, 8, 9, 10]

    def test_close_codes(self):
        assert CloseCode.NORMAL == 1000 and CloseCode.TLS_HANDSHAKE == 1015
        assert CloseCode.MESSAGE_TOO_BIG == 1009 and CloseCode.INVALID_DATA == 1007

    def test_valid_close_codes(self):
        valid = [c for c in range(0, 6000) if ws.is_valid_close_code(c)]
        expected = [1000, 1001, 1002, 1003, *range(1007, 1015), *range(3000, 5000)]
        assert valid == expected


class TestMasking53:
    def test_rfc_example(self):
        # RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
        assert apply_mask(b"Hello", MASK) == bytes([0x7F, 0x9F, 0x4D, 0x51, 0x58])

    @pytest.mark.parametrize(
        "size", [0, 1, 2, 3, 4, 5, 50, 125, 8191, 8192, 8193, 65535, 65536, 65537, 200_003]
    )
    def test_matches_naive_xor_at_every_size(self, size):
        data = os.urandom(size)
        mask = os.urandom(4)
        assert apply_mask(data, mask) == xor(data, mask)
        assert apply_mask(apply_mask(data, mask), mask) == data

    def test_bytearray_and_memoryview(self):
        data = os.urandom(70_000)
        assert apply_mask(bytearray(data), MASK) == xor(data)
        assert apply_mask(memoryview(data), MASK) == xor(data)

    def test_bad_mask(self):
        with pytest.raises(ValueError, match="mask"):
            apply_mask(b"abc", b"\x00\x01\x02")


class TestFraming52:
    def test_rfc_single_frame_masked_text(self):
        # RFC 6455 §5.7: a single-frame masked text message containing "Hello".
        p = server()
        data = bytes([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        assert p.receive_data(data) == [Message("Hello")]
        assert p.data_to_send() == b""
        assert p.state is State.OPEN and not p.close_transport

    def test_16_bit_length(self):
        payload = bytes(range(256))
        data = frame(0x82, payload)
        assert data[:4] == b"\x82\xfe\x01\x00"
        assert server().receive_data(data) == [Message(payload)]

    def test_64_bit_length(self):
        payload = os.urandom(65536)
        data = frame(0x82, payload)
        assert data[:10] == b"\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00"
        assert server().receive_data(data) == [Message(payload)]

    def test_binary_message_is_bytes(self):
        for size in (0, 10, 9000, 70000):
            [event] = server().receive_data(binary(b"x" * size))
            assert type(event.data) is bytes and event.data == b"x" * size

    def test_many_frames_in_one_call(self):
        data = b"".join(text(f"m{i}") for i in range(100)) + binary(b"\x00\x01")
        events = server().receive_data(data)
        assert events == [Message(f"m{i}") for i in range(100)] + [Message(b"\x00\x01")]

    def test_byte_by_byte(self):
        data = text("héllo") + binary(os.urandom(300)) + frame(0x89, b"p") + text("end")
        expected = server().receive_data(data)
        p = server()
        events = []
        for i in range(len(data)):
            events += p.receive_data(data[i : i + 1])
        assert events == expected and len(events) == 4

    def test_split_at_every_position(self):
        data = text("hello") + binary(b"z" * 200)
        for i in range(len(data) + 1):
            p = server()
            events = p.receive_data(data[:i]) + p.receive_data(data[i:])
            assert events == [Message("hello"), Message(b"z" * 200)], i

    def test_empty_input(self):
        p = server()
        assert p.receive_data(b"") == []
        assert p.data_to_send() == b""

    def test_bytearray_and_memoryview_input(self):
        data = text("abc") + binary(b"def")
        assert server().receive_data(bytearray(data)) == [Message("abc"), Message(b"def")]
        assert server().receive_data(memoryview(data)) == [Message("abc"), Message(b"def")]

    def test_zero_mask(self):
        assert server().receive_data(frame(0x81, b"plain", b"\x00\x00\x00\x00")) == [
            Message("plain")
        ]

    def test_events_before_a_failure_are_returned(self):
        p = server()
        events = p.receive_data(text("ok") + bytes([0x83, 0x80]) + MASK + text("never"))
        assert events == [Message("ok")]
        failed_with(p, 1002)

    @pytest.mark.parametrize("opcode", [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF])
    def test_unknown_opcode(self, opcode):
        p = server()
        assert p.receive_data(frame(0x80 | opcode, b"x")) == []
        assert "opcode" in p.failure
        failed_with(p, 1002)

    @pytest.mark.parametrize("rsv", [0x40, 0x20, 0x10, 0x70])
    def test_reserved_bits_without_extension(self, rsv):
        p = server()
        assert p.receive_data(frame(0x81 | rsv, b"x")) == []
        assert "reserved" in p.failure
        failed_with(p, 1002)

    def test_unmasked_client_frame(self):
        p = server()
        assert p.receive_data(unmasked(0x81, b"Hello")) == []
        assert p.failure == "unmasked frame from the client"
        failed_with(p, 1002)

    def test_client_accepts_unmasked_and_rejects_masked(self):
        c = WebSocketProtocol(client=True)
        # RFC 6455 §5.7: a single-frame unmasked text message.
        assert c.receive_data(bytes([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])) == [Message("Hello")]
        assert c.receive_data(text("masked")) == []
        assert c.failure == "masked frame from the server"

    def test_non_minimal_16_bit_length(self):
        p = server()
        assert p.receive_data(b"\x81\xfe\x00\x05" + MASK + xor(b"Hello")) == []
        assert "non-minimal" in p.failure
        failed_with(p, 1002)

    def test_non_minimal_64_bit_length(self):
        p = server()
        assert p.receive_data(b"\x82\xff" + (200).to_bytes(8, "big") + MASK + xor(b"x" * 200)) == []
        assert "non-minimal" in p.failure
        failed_with(p, 1002)

    def test_64_bit_length_with_most_significant_bit(self):
        # Fails from the header alone: no mask, no payload needed.
        p = server(max_message_size=None)
        assert p.receive_data(b"\x82\xff" + (1 << 63).to_bytes(8, "big")) == []
        assert "most significant bit" in p.failure
        failed_with(p, 1002)

    def test_incomplete_header_waits(self):
        p = server()
        for partial in (b"\x81", b"\x81\xfe\x00", b"\x82\xff\x00\x00", b"\x81\x85\x37\xfa"):
            assert p.receive_data(b"") == []
            q = server()
            assert q.receive_data(partial) == [] and q.failure is None

    def test_large_frame_is_not_accumulated(self):
        # A 1 MiB frame in 64 KiB chunks: the payload is unmasked as it arrives, the input
        # buffer stays empty, and the message is exact.
        payload = os.urandom(1 << 20)
        data = binary(payload) + text("after")
        p = server()
        events = []
        for i in range(0, len(data), 65536):
            events += p.receive_data(data[i : i + 65536])
            assert len(p._buf) < 16
        assert events == [Message(payload), Message("after")]

    @pytest.mark.parametrize("chunk", [1, 3, 4097, 7777, 65536 + 3, 300_000])
    def test_large_frame_odd_chunks(self, chunk):
        # Chunks that are not multiples of 4 exercise the mask rotation of streamed pieces.
        payload = os.urandom(150_001) if chunk > 1 else os.urandom(70_001)
        data = text("before") + binary(payload) + text("after")
        p = server()
        events = []
        for i in range(0, len(data), chunk):
            events += p.receive_data(data[i : i + chunk])
        assert events == [Message("before"), Message(payload), Message("after")]

    def test_large_text_frame_streamed(self):
        s = "añ€😀" * 40_000
        data = text(s)
        p = server()
        events = []
        for i in range(0, len(data), 50_000):
            events += p.receive_data(data[i : i + 50_000])
        assert events == [Message(s)]

    def test_large_invalid_text_frame_streamed(self):
        payload = b"a" * 100_000 + b"\xff"
        p = server()
        data = frame(0x81, payload)
        for i in range(0, len(data), 30_000):
            p.receive_data(data[i : i + 30_000])
        failed_with(p, 1007)


class TestSending:
    def test_buffers_to_send_hands_the_payload_over_uncopied(self):
        # Header and payload are separate pieces; the payload object is the caller's own.
        p = server()
        payload = os.urandom(1 << 20)
        p.send_message(payload)
        p.send_message("hi")
        bufs = p.buffers_to_send()
        assert bufs[0] == b"\x82\x7f\x00\x00\x00\x00\x00\x10\x00\x00"
        assert bufs[1] is payload
        assert bufs[2:] == [b"\x81\x02", b"hi"]
        assert p.buffers_to_send() == [] and p.data_to_send() == b""

    def test_data_to_send_is_the_joined_buffers(self):
        p = server()
        p.send_message(b"ab")
        p.send_ping(b"p")
        assert p.data_to_send() == b"\x82\x02ab\x89\x01p"

    def test_text(self):
        p = server()
        p.send_message("Hello")
        assert p.data_to_send() == b"\x81\x05Hello"  # RFC 6455 §5.7
        assert p.data_to_send() == b""

    def test_binary_lengths(self):
        p = server()
        p.send_message(bytes(256))
        assert p.data_to_send() == b"\x82\x7e\x01\x00" + bytes(256)
        p.send_message(bytes(65536))
        assert p.data_to_send() == b"\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00" + bytes(65536)
        p.send_message(bytearray(b"ab"))
        p.send_message(memoryview(b"cd"))
        assert p.data_to_send() == b"\x82\x02ab\x82\x02cd"

    def test_length_boundaries(self):
        for n, head in ((125, b"\x82\x7d"), (126, b"\x82\x7e\x00\x7e"), (65535, b"\x82\x7e\xff\xff")):
            p = server()
            p.send_message(b"x" * n)
            assert p.data_to_send() == head + b"x" * n

    def test_text_is_utf8(self):
        p = server()
        p.send_message("€")
        assert p.data_to_send() == b"\x81\x03\xe2\x82\xac"

    def test_ping_pong(self):
        p = server()
        p.send_ping(b"Hello")
        p.send_pong(b"Hello")
        p.send_ping()
        assert p.data_to_send() == b"\x89\x05Hello\x8a\x05Hello\x89\x00"

    def test_client_frames_are_masked(self):
        c = WebSocketProtocol(client=True, mask_source=lambda: MASK)
        c.send_message("Hello")
        # RFC 6455 §5.7: the masked "Hello" example.
        assert c.data_to_send() == bytes(
            [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        )
        c.send_message(b"y" * 300)
        out = c.data_to_send()
        assert out[:4] == b"\x82\xfe\x01\x2c" and out[4:8] == MASK and out[8:] == xor(b"y" * 300)

    def test_bad_arguments(self):
        p = server()
        with pytest.raises(TypeError, match="data"):
            p.send_message(123)
        with pytest.raises(TypeError, match="data"):
            p.send_ping("text")
        with pytest.raises(ValueError, match="125"):
            p.send_ping(b"x" * 126)
        with pytest.raises(ValueError, match="125"):
            p.send_pong(b"x" * 126)
        with pytest.raises(ValueError, match="max_message_size"):
            WebSocketProtocol(max_message_size=-1)
        with pytest.raises(TypeError, match="deflate"):
            WebSocketProtocol(deflate="yes")
        bad_mask = WebSocketProtocol(client=True, mask_source=lambda: b"abc")
        with pytest.raises(ValueError, match="mask_source"):
            bad_mask.send_message("x")

    def test_nothing_after_close(self):
        # RFC 6455 §5.5.1: no data frames after a close frame.
        p = server()
        p.send_close()
        p.data_to_send()
        p.send_message("late")
        p.send_ping(b"late")
        p.send_pong(b"late")
        assert p.data_to_send() == b""


class TestFragmentation54:
    def test_rfc_fragmented_text(self):
        # RFC 6455 §5.7: "Hel" then "lo" (masked here, as a client sends them).
        p = server()
        assert p.receive_data(frame(0x01, b"Hel")) == []
        assert p.receive_data(frame(0x80, b"lo")) == [Message("Hello")]

    def test_fragmented_binary(self):
        p = server()
        data = frame(0x02, b"a") + frame(0x00, b"") + frame(0x00, b"bc") + frame(0x80, b"d")
        assert p.receive_data(data) == [Message(b"abcd")]

    def test_empty_fragments(self):
        p = server()
        assert p.receive_data(frame(0x01) + frame(0x00) + frame(0x80)) == [Message("")]
        assert p.receive_data(frame(0x02) + frame(0x80)) == [Message(b"")]

    def test_many_fragments(self):
        parts = [os.urandom(100) for _ in range(500)]
        data = frame(0x02, parts[0]) + b"".join(frame(0x00, x) for x in parts[1:-1])
        data += frame(0x80, parts[-1])
        assert server().receive_data(data) == [Message(b"".join(parts))]

    def test_continuation_without_message(self):
        p = server()
        assert p.receive_data(frame(0x80, b"orphan")) == []
        assert "continuation" in p.failure
        failed_with(p, 1002)

    def test_new_message_while_fragmented(self):
        for first in (0x81, 0x82, 0x01, 0x02):
            p = server()
            assert p.receive_data(frame(0x01, b"a") + frame(first, b"b")) == []
            assert "fragmented message" in p.failure
            failed_with(p, 1002)

    def test_control_frames_interleaved(self):
        p = server()
        data = (
            frame(0x01, b"He")
            + frame(0x89, b"ping!")
            + frame(0x00, b"l")
            + frame(0x8A, b"pong!")
            + frame(0x80, b"lo")
        )
        assert p.receive_data(data) == [Ping(b"ping!"), Pong(b"pong!"), Message("Hello")]
        assert p.data_to_send() == b"\x8a\x05ping!"  # answered at once
        # and the next message is unaffected
        assert p.receive_data(text("next")) == [Message("next")]

    def test_interleaved_pings_across_calls(self):
        p = server()
        events = []
        for chunk in (frame(0x02, b"1"), frame(0x89), frame(0x00, b"2"), frame(0x89, b"x"), frame(0x80, b"3")):
            events += p.receive_data(chunk)
        assert events == [Ping(b""), Ping(b"x"), Message(b"123")]

    def test_close_between_fragments(self):
        # RFC 6455 §5.4 allows control frames, close included, between fragments; the
        # incomplete message is dropped and the close answered normally.
        p = server()
        events = p.receive_data(frame(0x01, b"Hel") + frame(0x88, close_payload(1001)))
        assert events == [CloseReceived(1001, "")]
        assert p.data_to_send() == b"\x88\x02\x03\xe9"
        assert p.receive_data(frame(0x80, b"lo")) == []


class TestControlFrames55:
    def test_ping_answered_with_same_payload(self):
        p = server()
        assert p.receive_data(frame(0x89, b"Hello")) == [Ping(b"Hello")]
        assert p.data_to_send() == b"\x8a\x05Hello"

    def test_empty_ping(self):
        p = server()
        assert p.receive_data(frame(0x89)) == [Ping(b"")]
        assert p.data_to_send() == b"\x8a\x00"

    def test_125_byte_ping(self):
        p = server()
        assert p.receive_data(frame(0x89, b"p" * 125)) == [Ping(b"p" * 125)]
        assert p.data_to_send() == b"\x8a\x7d" + b"p" * 125

    def test_many_pings(self):
        p = server()
        events = p.receive_data(b"".join(frame(0x89, bytes([i])) for i in range(50)))
        assert events == [Ping(bytes([i])) for i in range(50)]
        assert p.data_to_send() == b"".join(b"\x8a\x01" + bytes([i]) for i in range(50))

    def test_auto_pong_off(self):
        p = server(auto_pong=False)
        assert p.receive_data(frame(0x89, b"x")) == [Ping(b"x")]
        assert p.data_to_send() == b""

    def test_pong_event(self):
        p = server()
        assert p.receive_data(frame(0x8A, b"Hello")) == [Pong(b"Hello")]
        assert p.data_to_send() == b""

    @pytest.mark.parametrize("opcode", [0x88, 0x89, 0x8A])
    def test_control_payload_over_125(self, opcode):
        p = server()
        assert p.receive_data(frame(opcode, b"x" * 126)) == []
        assert "125" in p.failure
        failed_with(p, 1002)

    def test_control_payload_over_125_fails_from_header(self):
        p = server()
        assert p.receive_data(header(0x89, 10_000)) == []
        failed_with(p, 1002)

    @pytest.mark.parametrize("opcode", [0x08, 0x09, 0x0A])
    def test_fragmented_control_frame(self, opcode):
        p = server()
        assert p.receive_data(frame(opcode, b"x")) == []
        assert p.failure == "fragmented control frame"
        failed_with(p, 1002)

    def test_no_pong_after_our_close(self):
        p = server()
        p.send_close()
        p.data_to_send()
        assert p.receive_data(frame(0x89, b"x")) == [Ping(b"x")]
        assert p.data_to_send() == b""


class TestClose57:
    def test_echo_normal_close(self):
        p = server()
        events = p.receive_data(frame(0x88, close_payload(1000)))
        assert events == [CloseReceived(1000, "")]
        assert p.close_code == 1000 and p.close_reason == ""
        assert p.state is State.CLOSED
        assert not p.close_transport  # our close frame is still queued
        assert p.data_to_send() == b"\x88\x02\x03\xe8"
        assert p.close_transport
        assert p.sent_close_code == 1000
        assert p.failure is None

    def test_reason_is_reported_not_echoed(self):
        p = server()
        events = p.receive_data(frame(0x88, close_payload(1001, "bye ☃".encode())))
        assert events == [CloseReceived(1001, "bye ☃")]
        assert p.data_to_send() == b"\x88\x02\x03\xe9"

    def test_empty_close(self):
        # RFC 6455 §7.1.5: no code is reported as 1005, which never goes on the wire.
        p = server()
        assert p.receive_data(frame(0x88)) == [CloseReceived(1005, "")]
        assert p.data_to_send() == b"\x88\x00"
        assert p.close_transport and p.sent_close_code is None

    def test_one_byte_close(self):
        p = server()
        assert p.receive_data(frame(0x88, b"\x03")) == []
        assert "1-byte" in p.failure
        failed_with(p, 1002)

    @pytest.mark.parametrize(
        "code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]
    )
    def test_valid_codes_are_echoed(self, code):
        p = server()
        assert p.receive_data(frame(0x88, close_payload(code))) == [CloseReceived(code, "")]
        assert p.data_to_send() == b"\x88\x02" + code.to_bytes(2, "big")

    @pytest.mark.parametrize(
        "code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
    )
    def test_invalid_codes(self, code):
        p = server()
        assert p.receive_data(frame(0x88, close_payload(code))) == []
        assert f"invalid close code {code}" == p.failure
        failed_with(p, 1002)

    def test_invalid_utf8_reason(self):
        p = server()
        assert p.receive_data(frame(0x88, close_payload(1000, b"\xce\xba\xe1\xbd"))) == []
        assert "reason" in p.failure
        failed_with(p, 1007)

    def test_data_after_close_is_discarded(self):
        p = server()
        events = p.receive_data(frame(0x88, close_payload(1000)) + text("late") + frame(0x89))
        assert events == [CloseReceived(1000, "")]
        assert p.receive_data(text("later") + b"\xff\xff garbage") == []
        assert p.data_to_send() == b"\x88\x02\x03\xe8"

    def test_server_initiated_close(self):
        p = server()
        p.send_close(1000, "bye")
        assert p.state is State.CLOSING
        assert p.data_to_send() == b"\x88\x05\x03\xe8bye"
        assert not p.close_transport
        # Messages still arrive while the peer has not answered (RFC 6455 §7.1.2).
        assert p.receive_data(text("in flight")) == [Message("in flight")]
        assert p.receive_data(frame(0x88, close_payload(1000))) == [CloseReceived(1000, "")]
        assert p.data_to_send() == b""  # no second close frame
        assert p.state is State.CLOSED and p.close_transport

    def test_send_close_default(self):
        p = server()
        p.send_close()
        assert p.data_to_send() == b"\x88\x02\x03\xe8"
        p.send_close(1001)  # only one close frame is ever sent
        assert p.data_to_send() == b""

    @pytest.mark.parametrize("code", [999, 1004, 1005, 1006, 1015, 2000, 5000, "1000"])
    def test_send_close_refuses_bad_codes(self, code):
        with pytest.raises(ValueError, match="code"):
            server().send_close(code)

    def test_send_close_reason_limits(self):
        p = server()
        with pytest.raises(ValueError, match="reason"):
            p.send_close(1000, "x" * 124)
        with pytest.raises(TypeError, match="reason"):
            p.send_close(1000, b"bytes")
        p.send_close(4000, "é" * 61 + "x")  # 123 bytes
        out = p.data_to_send()
        assert out[:4] == b"\x88\x7d\x0f\xa0" and len(out) == 127

    def test_eof_without_close(self):
        p = server()
        assert p.receive_eof() == [CloseReceived(1006, "")]
        assert p.close_code == 1006 and p.state is State.CLOSED and p.close_transport
        assert p.receive_eof() == []
        assert p.receive_data(text("x")) == []
        assert p.data_to_send() == b""

    def test_eof_after_close(self):
        p = server()
        p.receive_data(frame(0x88, close_payload(1000)))
        p.data_to_send()
        assert p.receive_eof() == []
        assert p.close_code == 1000

    def test_eof_while_closing(self):
        p = server()
        p.send_close()
        p.data_to_send()
        assert p.receive_eof() == [CloseReceived(1006, "")]

    def test_eof_mid_message(self):
        p = server()
        assert p.receive_data(frame(0x01, b"part") + frame(0x80, b"more")[:3]) == []
        assert p.failure is None
        assert p.receive_eof() == [CloseReceived(1006, "")]

    def test_fail(self):
        p = server()
        p.fail(1011, "keepalive ping timeout")
        assert p.failure == "keepalive ping timeout"
        assert p.state is State.CLOSED and not p.close_transport
        assert p.data_to_send() == b"\x88\x18\x03\xf3keepalive ping timeout"
        assert p.close_transport and p.sent_close_code == 1011
        p.fail(1002, "again")  # no second frame
        assert p.data_to_send() == b""
        assert p.failure == "keepalive ping timeout"

    def test_fail_with_local_only_code_sends_nothing(self):
        p = server()
        p.fail(1006, "connection lost")
        assert p.data_to_send() == b"" and p.close_transport

    def test_fail_after_our_close(self):
        p = server()
        p.send_close()
        p.data_to_send()
        p.fail(1002, "close timeout")
        assert p.data_to_send() == b"" and p.close_transport
        assert p.failure == "close timeout"

    def test_fail_long_reason_is_truncated(self):
        p = server()
        p.fail(1002, "é" * 100)
        out = p.data_to_send()
        assert out[1] <= 125 and out[4:].decode("utf-8") == "é" * 61

    def test_fail_without_reason(self):
        p = server()
        p.fail(1008)
        assert p.failure == "failed with close code 1008"
        assert p.data_to_send() == b"\x88\x02\x03\xf0"


class TestCloseAfterMessages:
    """RFC 6455 §7.1.7 and §5.5.1: when one input holds messages and then the end of the
    conversation (a protocol error or the peer's close frame), the messages are returned and our
    close frame is held until the next call, so replies to them go out first (Autobahn 3.2,
    3.3, 4.1.3, 4.1.4, 4.2.3, 4.2.4 and 5.15 expect the echo, then the close)."""

    def test_echo_before_the_failure_close(self):
        # Autobahn 3.2: "Hello", the same with RSV2 set, then a ping; all in one chunk.
        p = server()
        data = text("Hello") + frame(0xA1, b"Hello") + frame(0x89)
        assert p.receive_data(data) == [Message("Hello")]
        assert p.close_held and p.state is State.OPEN and not p.close_transport
        assert "reserved bits" in p.failure
        p.send_message("Hello")
        out = p.data_to_send()
        assert out[:7] == b"\x81\x05Hello"
        assert close_code_of(out[7:]) == 1002  # and no pong: the ping came after the error
        assert not p.close_held and p.state is State.CLOSED and p.close_transport
        assert p.receive_data(text("ignored")) == []

    def test_reserved_opcode_after_a_message(self):
        # Autobahn 4.1.3: "Hello", a frame with opcode 5, a ping.
        p = server()
        assert p.receive_data(text("Hello") + frame(0x85) + frame(0x89)) == [Message("Hello")]
        p.send_message("Hello")
        out = p.data_to_send()
        assert out[:7] == b"\x81\x05Hello" and close_code_of(out[7:]) == 1002

    def test_continuation_without_a_message_after_fragments(self):
        # Autobahn 5.15: a two-fragment message, a stray continuation, a text frame.
        p = server()
        data = (frame(0x01, b"fragment1") + frame(0x80, b"fragment2")
                + frame(0x00, b"fragment3") + frame(0x81, b"fragment4"))
        assert p.receive_data(data) == [Message("fragment1fragment2")]
        p.send_message("fragment1fragment2")
        out = p.data_to_send()
        assert out[:20] == b"\x81\x12fragment1fragment2"
        assert close_code_of(out[20:]) == 1002

    def test_pong_then_reply_then_close(self):
        p = server()
        assert p.receive_data(frame(0x89, b"p") + text("a") + frame(0x83)) == [
            Ping(b"p"), Message("a")
        ]
        p.send_message("a")
        out = p.data_to_send()
        assert out[:6] == b"\x8a\x01p\x81\x01a"
        assert close_code_of(out[6:]) == 1002

    def test_reply_before_the_answer_to_a_close(self):
        p = server()
        events = p.receive_data(text("Hello") + frame(0x88, b"\x03\xe8bye"))
        assert events == [Message("Hello"), CloseReceived(1000, "bye")]
        assert p.close_held and p.state is State.OPEN and p.close_code == 1000
        p.send_message("Hello")
        assert p.data_to_send() == b"\x81\x05Hello\x88\x02\x03\xe8"
        assert p.state is State.CLOSED and p.close_transport and p.failure is None
        assert p.sent_close_code == 1000

    def test_empty_close_after_a_message(self):
        p = server()
        events = p.receive_data(text("x") + frame(0x88))
        assert events == [Message("x"), CloseReceived(1005, "")]
        assert p.data_to_send() == b"\x88\x00"
        assert p.state is State.CLOSED and p.sent_close_code is None

    def test_nothing_is_held_without_earlier_events(self):
        p = server()
        assert p.receive_data(frame(0xA1, b"Hello") + text("never")) == []
        assert not p.close_held and p.state is State.CLOSED
        failed_with(p, 1002)
        q = server()
        assert q.receive_data(frame(0x88, b"\x03\xe8")) == [CloseReceived(1000, "")]
        assert not q.close_held and q.state is State.CLOSED
        assert q.data_to_send() == b"\x88\x02\x03\xe8"

    def test_not_held_after_our_own_close(self):
        p = server()
        p.send_close(1001)
        assert p.data_to_send() == b"\x88\x02\x03\xe9"
        assert p.receive_data(text("x") + frame(0x88, b"\x03\xe9")) == [
            Message("x"), CloseReceived(1001, "")
        ]
        assert not p.close_held and p.state is State.CLOSED and p.close_transport
        assert p.data_to_send() == b""

    def test_released_by_the_next_receive(self):
        p = server()
        assert p.receive_data(text("a") + frame(0x83)) == [Message("a")]
        assert p.receive_data(text("b")) == []
        assert not p.close_held and p.state is State.CLOSED
        failed_with(p, 1002)

    def test_released_by_buffers_to_send(self):
        p = server()
        p.receive_data(binary(b"\x00") + frame(0x83))
        p.send_message(b"\x00")
        bufs = p.buffers_to_send()
        assert bufs[:2] == [b"\x82\x01", b"\x00"]
        assert close_code_of(b"".join(bufs[2:])) == 1002

    def test_send_close_while_held_sends_the_held_close(self):
        p = server()
        p.receive_data(text("a") + frame(0x83))
        p.send_close(1000, "app")
        assert close_code_of(p.data_to_send()) == 1002 and p.sent_close_code == 1002
        q = server()
        q.receive_data(text("a") + frame(0x88, b"\x03\xe9"))
        q.send_close(1000, "app")
        assert q.data_to_send() == b"\x88\x02\x03\xe9"  # the peer's 1001 echoed
        assert q.state is State.CLOSED

    def test_fail_while_held_keeps_the_first_failure(self):
        p = server()
        p.receive_data(text("a") + frame(0x83))
        p.fail(1011, "keepalive")
        assert close_code_of(p.data_to_send()) == 1002
        assert "opcode" in p.failure

    def test_eof_while_held(self):
        p = server()
        p.receive_data(text("a") + frame(0x88, b"\x03\xe8"))
        assert p.receive_eof() == []
        assert p.state is State.CLOSED and p.close_transport and p.close_code == 1000

    def test_streamed_message_then_error(self):
        payload = os.urandom(100_000)
        data = binary(payload) + frame(0x83)
        p = server()
        events = p.receive_data(data[:70_000]) + p.receive_data(data[70_000:])
        assert events == [Message(payload)] and p.close_held
        p.send_message(payload)
        bufs = p.buffers_to_send()
        assert bufs[1] is payload and close_code_of(b"".join(bufs[2:])) == 1002

    def test_error_inside_a_message_after_messages(self):
        # Invalid UTF-8 in the second of two messages in one chunk: the first is returned.
        p = server()
        assert p.receive_data(text("ok") + frame(0x81, b"\xff")) == [Message("ok")]
        p.send_message("ok")
        out = p.data_to_send()
        assert out[:4] == b"\x81\x02ok" and close_code_of(out[4:]) == 1007


class TestUtf8_81:
    @pytest.mark.parametrize(
        "payload",
        [
            b"\xff",
            b"\xc0\x80",  # overlong NUL
            b"\xe0\x80\xaf",  # overlong
            b"\xed\xa0\x80",  # UTF-16 surrogate
            b"\xf4\x90\x80\x80",  # above U+10FFFF
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",  # Autobahn 6.x
            b"abc\xe2\x82",  # ends mid-sequence
        ],
    )
    def test_invalid_single_frame(self, payload):
        p = server()
        assert p.receive_data(frame(0x81, payload)) == []
        assert "UTF-8" in p.failure
        failed_with(p, 1007)

    def test_valid_multibyte(self):
        s = "κόσμε €𝄞 \U0010ffff"
        assert server().receive_data(text(s)) == [Message(s)]

    def test_character_split_across_fragments(self):
        data = "€😀é".encode()
        for i in range(len(data) + 1):
            for j in range(i, len(data) + 1):
                p = server()
                msg = frame(0x01, data[:i]) + frame(0x00, data[i:j]) + frame(0x80, data[j:])
                assert p.receive_data(msg) == [Message("€😀é")], (i, j)

    def test_fails_fast_on_the_bad_fragment(self):
        # Autobahn 6.4.1: the invalid sequence is in the 2nd of 3 fragments: fail there.
        p = server()
        assert p.receive_data(frame(0x01, "κόσμε".encode())) == []
        assert p.failure is None
        assert p.receive_data(frame(0x00, b"\xf4\x90\x80\x80")) == []
        failed_with(p, 1007)

    def test_fails_fast_on_surrogate_prefix(self):
        # ED A0 can never start valid UTF-8; Python's decoder would wait for one more byte.
        p = server()
        p.receive_data(frame(0x01, b"ok\xed\xa0"))
        failed_with(p, 1007)

    def test_valid_prefix_at_fragment_end_is_kept(self):
        p = server()
        assert p.receive_data(frame(0x01, b"ok\xed\x9f")) == []  # U+D7FF starts ED 9F
        assert p.failure is None
        assert p.receive_data(frame(0x80, b"\xbf")) == [Message("ok\ud7ff")]

    def test_message_ends_mid_sequence(self):
        p = server()
        assert p.receive_data(frame(0x01, b"abc") + frame(0x80, b"\xe2\x82")) == []
        failed_with(p, 1007)

    def test_invalid_in_first_fragment(self):
        p = server()
        assert p.receive_data(frame(0x01, b"\xc0")) == []
        failed_with(p, 1007)

    def test_binary_is_not_checked(self):
        assert server().receive_data(frame(0x82, b"\xff\xfe")) == [Message(b"\xff\xfe")]

    def test_fails_fast_inside_a_chopped_frame(self):
        # Autobahn 6.4.3: one frame in three chops; the second holds F4 90 80 80 (above
        # U+10FFFF): fail there, before the rest of the frame arrives.
        payload = bytes.fromhex("cebae1bdb9cf83cebcceb5" "f4908080" "656469746564")
        data = frame(0x81, payload)
        p = server()
        assert p.receive_data(data[:17]) == [] and p.failure is None
        assert p.receive_data(data[17:21]) == []
        failed_with(p, 1007)

    def test_fails_fast_on_the_byte_that_breaks_a_character(self):
        # Autobahn 6.4.4: the first chop ends with F4, the second is the single byte 90.
        payload = bytes.fromhex("cebae1bdb9cf83cebcceb5f4" "90" "8080656469746564")
        data = frame(0x81, payload)
        p = server()
        assert p.receive_data(data[:18]) == [] and p.failure is None
        assert p.receive_data(data[18:19]) == []
        failed_with(p, 1007)

    def test_chopped_surrogate_prefix_fails_at_once(self):
        data = frame(0x81, b"ok\xed\xa0\x80 and more")
        p = server()
        assert p.receive_data(data[:10]) == []  # header, mask, "ok", ED A0
        failed_with(p, 1007)

    def test_chopped_text_frame_split_anywhere(self):
        s = "κόσμε €😀 ok"
        data = text(s) + text("next")
        for i in range(len(data) + 1):
            for j in range(i, min(i + 9, len(data)) + 1):
                p = server()
                events = p.receive_data(data[:i]) + p.receive_data(data[i:j])
                events += p.receive_data(data[j:])
                assert events == [Message(s), Message("next")], (i, j)

    def test_chopped_continuation_frames(self):
        data = frame(0x01, "añ".encode()) + frame(0x89, b"p") + frame(0x80, "€uro".encode())
        for i in range(len(data) + 1):
            p = server()
            events = p.receive_data(data[:i]) + p.receive_data(data[i:])
            assert events == [Ping(b"p"), Message("añ€uro")], i

    def test_chopped_invalid_continuation_fails_before_its_end(self):
        data = frame(0x01, b"ab") + frame(0x80, b"\xc3(" + b"x" * 50)
        p = server()
        assert p.receive_data(data[:8]) == []
        assert p.receive_data(data[8:16]) == []  # 2 + 4 + C3 "(": invalid already
        failed_with(p, 1007)

    def test_chopped_message_ends_mid_character(self):
        data = frame(0x81, b"abc\xe2\x82")
        p = server()
        assert p.receive_data(data[:8]) == [] and p.failure is None
        assert p.receive_data(data[8:]) == []
        failed_with(p, 1007)

    def test_chopped_text_counts_towards_the_size_limit(self):
        p = server(max_message_size=1000)
        data = frame(0x01, b"x" * 600)
        assert p.receive_data(data[:100]) == [] and p.receive_data(data[100:]) == []
        assert p.failure is None
        assert p.receive_data(header(0x80, 401)) == []
        failed_with(p, 1009)

    def test_chopped_frames_unmasked_from_a_server(self):
        c = WebSocketProtocol(client=True)
        data = unmasked(0x81, "κόσμε".encode())
        assert c.receive_data(data[:5]) == [] and c.receive_data(data[5:]) == [Message("κόσμε")]
        d = WebSocketProtocol(client=True)
        assert d.receive_data(unmasked(0x81, b"ab\xff\xfe")[:5]) == []
        assert "UTF-8" in d.failure and d.state is State.CLOSED
        out = d.data_to_send()  # a client masks its close frame too (RFC 6455 §5.3)
        assert out[:2] == b"\x88\xa1" and xor(out[6:], out[2:6])[:2] == b"\x03\xef"

    def test_decoder_reset_between_messages(self):
        p = server()
        assert p.receive_data(frame(0x01, b"a\xe2") + frame(0x80, b"\x82\xac")) == [Message("a€")]
        assert p.receive_data(frame(0x01, b"b") + frame(0x80, b"c")) == [Message("bc")]


class TestMaxSize:
    def test_declared_length_fails_before_payload(self):
        # Only the header of a 2**62-byte frame: fail at once, allocate nothing.
        p = server()
        assert p.receive_data(b"\x82\xff" + (1 << 62).to_bytes(8, "big")) == []
        assert "exceeds" in p.failure
        failed_with(p, 1009)

    def test_declared_length_16_bit(self):
        p = server(max_message_size=1000)
        assert p.receive_data(header(0x81, 1001)) == []
        failed_with(p, 1009)

    def test_at_the_limit(self):
        p = server(max_message_size=1000)
        assert p.receive_data(binary(b"x" * 1000)) == [Message(b"x" * 1000)]
        assert p.receive_data(text("y" * 1000)) == [Message("y" * 1000)]

    def test_one_over_the_limit(self):
        p = server(max_message_size=1000)
        assert p.receive_data(binary(b"x" * 1001)) == []
        failed_with(p, 1009)

    def test_running_total_over_fragments(self):
        p = server(max_message_size=1000)
        assert p.receive_data(frame(0x02, b"x" * 600)) == []
        assert p.receive_data(header(0x00, 401)) == []  # the header alone is enough
        failed_with(p, 1009)

    def test_fragments_up_to_the_limit(self):
        p = server(max_message_size=1000)
        data = frame(0x01, b"x" * 500) + frame(0x89, b"p" * 100) + frame(0x80, b"y" * 500)
        assert p.receive_data(data) == [Ping(b"p" * 100), Message("x" * 500 + "y" * 500)]
        # the total starts again with each message
        assert p.receive_data(frame(0x02, b"z" * 999) + frame(0x80, b"z")) == [Message(b"z" * 1000)]

    def test_control_frames_do_not_count(self):
        p = server(max_message_size=10)
        assert p.receive_data(frame(0x89, b"p" * 100)) == [Ping(b"p" * 100)]

    def test_default_is_one_mebibyte(self):
        p = server()
        assert p.receive_data(header(0x82, (1 << 20) + 1)) == []
        failed_with(p, 1009)

    def test_no_limit(self):
        payload = os.urandom(3 << 20)
        assert server(max_message_size=None).receive_data(binary(payload)) == [Message(payload)]


class TestFrameHeaders:
    """protocol/frames.py: the one builder and reader of frame headers (RFC 6455 §5.2)."""

    @pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 0xFFFF, 0x10000, 1 << 40])
    @pytest.mark.parametrize("mask", [None, MASK])
    def test_build_then_parse(self, length, mask):
        from pywebio_lite.protocol.frames import build_header, parse_header
        head = build_header(0x82, length, mask)
        # The same bytes as the naive reference encoder of the tests.
        assert head == header(0x82, length, masked=mask is not None) + (mask or b"")
        b0, b1, got, start = parse_header(head, 0, len(head))
        assert (b0, got, bool(b1 & 0x80)) == (0x82, length, mask is not None)
        assert head[start:] == (mask or b"")

    @pytest.mark.parametrize("length", [126, 0x10000])
    def test_incomplete_length_field(self, length):
        from pywebio_lite.protocol.frames import build_header, parse_header
        head = build_header(0x81, length)
        for cut in range(len(head)):
            assert parse_header(head, 0, cut) is None

    @pytest.mark.parametrize("raw, reason", [
        (b"\x82\x7e\x00\x7d", "non-minimal"),
        (b"\x82\x7f" + (0xFFFF).to_bytes(8, "big"), "non-minimal"),
        (b"\x82\x7f" + (1 << 63).to_bytes(8, "big"), "most significant bit"),
    ])
    def test_bad_length_encodings(self, raw, reason):
        from pywebio_lite.protocol.frames import FrameError, parse_header
        with pytest.raises(FrameError) as info:
            parse_header(raw, 0, len(raw))
        assert info.value.code == CloseCode.PROTOCOL_ERROR and reason in info.value.reason

    def test_int_aliases_come_from_the_enums(self):
        from pywebio_lite.protocol import frames
        assert type(frames.OP_TEXT) is int and frames.OP_TEXT == Opcode.TEXT
        assert frames.FIN_TEXT == 0x80 | Opcode.TEXT and frames.FIN_CLOSE == 0x88
        assert type(frames.PROTOCOL_ERROR) is int and frames.PROTOCOL_ERROR == CloseCode.PROTOCOL_ERROR

    def test_close_codes_reach_the_app_as_ints(self):
        p = server()
        events = p.receive_data(frame(0x88, (1002).to_bytes(2, "big")))
        assert type(events[-1].code) is int and type(p.close_code) is int
        assert type(server().receive_eof()[0].code) is int  # 1006: no close frame came

"""A client-mode and a server-mode WebSocketProtocol talking to each other through a fake wire,
with and without permessage-deflate (RFC 6455 + RFC 7692 end to end, no sockets)."""

import itertools
import os

import pytest

from pywebio_lite.protocol.deflate import negotiate, negotiate_client
from pywebio_lite.protocol.websocket import CloseReceived, Message, Ping, Pong, State, WebSocketProtocol

OFFERS = [
    None,
    "permessage-deflate",
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate; server_no_context_takeover",
    "permessage-deflate; client_no_context_takeover",
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
    "permessage-deflate; client_max_window_bits=8",
]


class Pair:
    """Two protocols joined by a wire that can deliver in small chunks."""

    def __init__(self, offer=None, *, chunk=None, max_message_size=1 << 20, client_window_bits=None):
        response, server_deflate = negotiate(offer, client_window_bits=client_window_bits)
        client_deflate = negotiate_client(response) if response else None
        counter = itertools.count()
        self.server = WebSocketProtocol(deflate=server_deflate, max_message_size=max_message_size)
        self.client = WebSocketProtocol(
            client=True,
            deflate=client_deflate,
            max_message_size=max_message_size,
            mask_source=lambda: (next(counter) * 2654435761 % 2**32).to_bytes(4, "big"),
        )
        self.response = response
        self.chunk = chunk

    def _deliver(self, src, dst):
        data = src.data_to_send()
        if not self.chunk:
            return dst.receive_data(data)
        events = []
        for i in range(0, len(data), self.chunk):
            events += dst.receive_data(data[i : i + self.chunk])
        return events

    def to_server(self):
        return self._deliver(self.client, self.server)

    def to_client(self):
        return self._deliver(self.server, self.client)


MESSAGES = [
    "",
    "Hello",
    "κόσμε 😀" * 10,
    b"",
    b"\x00\xff" * 50,
    os.urandom(70_000),  # streamed, translate-unmasked
    "repetitive JSON " * 20_000,  # 320 KB of text
    bytes(300_000),
]


@pytest.mark.parametrize("offer", OFFERS)
class TestRoundTrip:
    def test_messages_both_ways(self, offer):
        pair = Pair(offer)
        assert (pair.response is None) == (offer is None)
        for msg in MESSAGES:
            pair.client.send_message(msg)
            assert pair.to_server() == [Message(msg)]
            pair.server.send_message(msg)
            assert pair.to_client() == [Message(msg)]
        # repeated messages exercise context takeover (or its absence)
        for _ in range(3):
            pair.client.send_message("same again")
            pair.server.send_message("same again")
        assert pair.to_server() == [Message("same again")] * 3
        assert pair.to_client() == [Message("same again")] * 3

    def test_small_chunks(self, offer):
        pair = Pair(offer, chunk=7)
        for msg in MESSAGES[:6]:
            pair.client.send_message(msg)
        assert pair.to_server() == [Message(m) for m in MESSAGES[:6]]

    def test_ping_pong_and_close(self, offer):
        pair = Pair(offer)
        pair.client.send_ping(b"are you there")
        assert pair.to_server() == [Ping(b"are you there")]
        assert pair.to_client() == [Pong(b"are you there")]
        pair.server.send_ping(b"and you?")
        assert pair.to_client() == [Ping(b"and you?")]
        assert pair.to_server() == [Pong(b"and you?")]
        # client-initiated close (RFC 6455 §7.1.2)
        pair.client.send_close(1001, "going away")
        assert pair.client.state is State.CLOSING
        assert pair.to_server() == [CloseReceived(1001, "going away")]
        assert pair.to_client() == [CloseReceived(1001, "")]
        assert pair.server.state is State.CLOSED and pair.server.close_transport
        assert pair.client.state is State.CLOSED and pair.client.close_transport

    def test_server_close(self, offer):
        pair = Pair(offer)
        pair.server.send_message("last words")
        pair.server.send_close(4000, "app closed")
        assert pair.to_client() == [Message("last words"), CloseReceived(4000, "app closed")]
        assert pair.to_server() == [CloseReceived(4000, "")]
        assert pair.server.close_transport and pair.client.close_transport

    def test_size_limit_applies_after_inflation(self, offer):
        pair = Pair(offer, max_message_size=100_000)
        pair.client.send_message(bytes(100_000))
        assert pair.to_server() == [Message(bytes(100_000))]
        pair.client.send_message(bytes(100_001))
        assert pair.to_server() == []
        assert pair.server.failure
        assert pair.to_client() == [CloseReceived(1009, pair.server.failure)]


def test_compression_really_happens():
    pair = Pair("permessage-deflate")
    pair.client.send_message("x" * 10_000)
    wire = pair.client.data_to_send()
    assert wire[0] == 0xC1 and len(wire) < 200
    assert pair.server.receive_data(wire) == [Message("x" * 10_000)]


def test_smaller_client_window_round_trip():
    pair = Pair("permessage-deflate; client_max_window_bits", client_window_bits=9)
    assert pair.response == "permessage-deflate; client_max_window_bits=9"
    msg = os.urandom(600).hex() * 20
    for _ in range(3):
        pair.client.send_message(msg)
    assert pair.to_server() == [Message(msg)] * 3


def test_fragmented_compressed_message_from_a_client():
    # Our protocol never fragments what it sends; build the fragments by hand from one
    # compressed message (RSV1 on the first frame only, RFC 7692 §6.1).
    response, server_deflate = negotiate("permessage-deflate")
    client_deflate = negotiate_client(response)
    server = WebSocketProtocol(deflate=server_deflate)
    payload = client_deflate.compress(b"fragmented and compressed " * 100)
    mask = b"\x01\x02\x03\x04"

    def masked(first, data):
        return bytes([first, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    pieces = [payload[i : i + 10] for i in range(0, len(payload), 10)]
    assert len(pieces) >= 3
    data = masked(0x42, pieces[0]) + b"".join(masked(0x00, p) for p in pieces[1:-1])
    data += masked(0x80, pieces[-1])
    assert server.receive_data(data) == [Message(b"fragmented and compressed " * 100)]

"""The long-polling requests and answers (protocol/poll.py, docs/protocol.md §9), with byte literals."""
from urllib.parse import parse_qs

import pytest

from pywebio_lite.protocol.poll import PollError, PollRequest, parse_poll_request, poll_body

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWx"


def parse(query: str, body: bytes = b"", content_type: str | None = None, method: str = "POST",
          max_body: int = 1000, max_text: int = 100) -> PollRequest:
    return parse_poll_request(method, parse_qs(query, keep_blank_values=True), content_type, body,
                              max_body=max_body, max_text=max_text)


def refused(query: str, body: bytes = b"", **kw) -> tuple[int, str]:
    with pytest.raises(PollError) as info:
        parse(query, body, **kw)
    return info.value.status, info.value.reason


class TestKinds:
    def test_open(self):
        assert parse("app=index&session=NEW") == PollRequest("open", "NEW")

    def test_poll_with_ack_and_seen(self):
        assert parse(f"session={TOKEN}&ack=3&seen=7") == PollRequest("poll", TOKEN, ack=3, seen=7)

    def test_wait_0_answers_at_once(self):
        assert parse(f"session={TOKEN}&ack=3&wait=0") == PollRequest("poll", TOKEN, ack=3, seen=3, wait=False)
        assert parse(f"session={TOKEN}&ack=3").wait is True

    def test_seen_defaults_to_ack(self):
        assert parse(f"session={TOKEN}&ack=12") == PollRequest("poll", TOKEN, ack=12, seen=12)

    def test_a_text_frame(self):
        got = parse(f"session={TOKEN}", b'{"seq":1,"events":[]}', "application/json")
        assert got == PollRequest("send", TOKEN, message='{"seq":1,"events":[]}')

    def test_a_text_frame_without_a_content_type(self):
        assert parse(f"session={TOKEN}", b'{"ack":2}').message == '{"ack":2}'

    def test_an_upload_chunk_stays_bytes(self):
        got = parse(f"session={TOKEN}", b"\x00\x00\x00\x02{}\xff", "application/octet-stream; x=1")
        assert got.kind == "send" and got.message == b"\x00\x00\x00\x02{}\xff"

    def test_close(self):
        assert parse(f"session={TOKEN}&close=1") == PollRequest("close", TOKEN)


class TestRefused:
    def test_wrong_methods(self):
        for method in ("GET", "PUT", "OPTIONS", "DELETE"):
            assert refused("session=NEW", method=method)[0] == 405

    def test_no_session(self):
        assert refused("app=index") == (400, "missing session parameter")

    def test_two_session_parameters(self):
        assert refused(f"session={TOKEN}&session=NEW&ack=1")[0] == 400

    @pytest.mark.parametrize("token", ["short", "x" * 65, "has space 12345678901", "ab/cdefghijklmnopq",
                                       "ünïcodeünïcodeünïcode"])
    def test_malformed_session_ids(self, token):
        assert refused(f"session={token}&ack=1") == (400, "malformed session id")

    @pytest.mark.parametrize("ack", ["", "-1", "1.5", "0x10", "1" * 19, "١٢"])
    def test_bad_acks(self, ack):
        assert refused(f"session={TOKEN}&ack={ack}")[0] == 400

    @pytest.mark.parametrize("wait", ["", "1", "20", "no"])
    def test_wait_other_than_0(self, wait):
        assert refused(f"session={TOKEN}&ack=1&wait={wait}") == (400, "wait must be 0 (or left out)")

    def test_seen_before_ack(self):
        assert refused(f"session={TOKEN}&ack=5&seen=4") == (400, "seen must not be less than ack")

    def test_new_session_with_ack_close_or_body(self):
        assert refused("session=NEW&ack=1")[0] == 400
        assert refused("session=NEW&close=1")[0] == 400
        assert refused("session=NEW", b"{}") == (400, "opening a session takes no body")

    def test_a_poll_with_a_body(self):
        assert refused(f"session={TOKEN}&ack=1", b"{}") == (400, "a poll takes no body")

    def test_a_message_without_body(self):
        assert refused(f"session={TOKEN}")[0] == 400

    def test_an_oversized_body(self):
        assert refused(f"session={TOKEN}", b"x" * 1001, content_type="application/octet-stream") == (
            413, "message too large")

    def test_an_oversized_text_frame(self):
        assert refused(f"session={TOKEN}", b"x" * 101, content_type="application/json") == (
            413, "text message too large")
        assert parse(f"session={TOKEN}", b"x" * 101, "application/octet-stream").message == b"x" * 101

    def test_text_that_is_not_utf8(self):
        assert refused(f"session={TOKEN}", b'{"a":"\xff"}') == (400, "a text message must be UTF-8")


class TestBody:
    def test_frames_one_per_line(self):
        assert poll_body(['{"seq":1,"commands":[]}', '{"seq":2,"commands":[]}']) == (
            b'{"seq":1,"commands":[]}\n{"seq":2,"commands":[]}')

    def test_empty(self):
        assert poll_body([]) == b""

    def test_the_close_line_comes_last(self):
        assert poll_body(['{"seq":1}'], (1000, 'session "ended"')) == (
            b'{"seq":1}\n{"close":{"code":1000,"reason":"session \\"ended\\""}}')

    def test_a_frame_with_a_raw_newline_is_refused(self):
        with pytest.raises(ValueError):
            poll_body(['{"a":"x\ny"}'])

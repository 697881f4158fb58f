"""Byte-literal regression tests for the bugs the fuzzer (tests/test_fuzz.py, bench/fuzz.py) found.
Each test names the input hypothesis reported and the rule it broke."""
import pytest

from pywebio_lite.protocol.app import FrameError, parse_client_frame
from pywebio_lite.protocol.http import ParseError, RequestParser


def first_error(chunks):
    parser = RequestParser()
    for chunk in chunks:
        events = parser.feed(chunk)
        errors = [e for e in events if isinstance(e, ParseError)]
        if errors:
            return errors[0].error.status
    return None


@pytest.mark.parametrize("chunks", [
    [b"!ET \x1f HTTP/1.1\r\n\r\n"],
    [b"!ET \x1f", b" HTTP/1.1\r\n\r\n"],
    [b"BREW \x7f HTTP/1.1\r\n\r\n"],
    [b"BREW \xff", b" HTTP/1.1\r\n\r\n"],
])
def test_bad_request_line_status_does_not_depend_on_the_split(chunks):
    # Found: an unknown method with a control byte in the target gave 501 in one read, 400 in two.
    assert first_error(chunks) == 400


@pytest.mark.parametrize("frame", [
    b'{"event": []}', b'{"event": {}}', b'{"events": [{"event": [1], "task_id": "t"}]}',
    b'{"event": {"a": 1}, "task_id": "t"}',
])
def test_unhashable_event_name_is_a_frame_error(frame):
    # Found: {"event": []} raised TypeError (unhashable type: 'list') out of the decoder.
    with pytest.raises(FrameError, match="unknown name"):
        parse_client_frame(frame)


@pytest.mark.parametrize("chunks", [
    [b"\x00ET /?app=x HTTP/2\r\x00\r\n"],
    [b"\x00", b"ET /?app=x HTTP/2\r\x00\r\n"],
])
def test_bad_request_line_is_refused_before_the_headers_arrive(chunks):
    # Found: a whole request line with a NUL waited for the header section (no answer); cut
    # after the NUL it was refused at once. Both are now refused at once.
    assert first_error(chunks) == 400

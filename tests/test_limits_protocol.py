"""Limits on what a browser may send, without a session: JSON depth, events per frame, log
excerpts and the log rate limit (on a fake clock), and the callback pool."""
import json
import logging
import threading

import pytest

from pywebio_lite.clientlog import LogLimiter, excerpt
from pywebio_lite.protocol.app import (MAX_FRAME_EVENTS, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH,
                                       FrameError, json_shape_error, nesting_exceeds,
                                       parse_client_frame, parse_upload_chunk)
from pywebio_lite.session.pool import CallbackPool


def chunk(head: bytes, data: bytes = b"") -> bytes:
    return len(head).to_bytes(4, "big") + head + data


class TestNesting:
    @pytest.mark.parametrize("kind", [str, bytes])
    def test_depth_at_the_limit_passes_one_more_fails(self, kind):
        ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
        deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
        conv = (lambda t: t) if kind is str else (lambda t: t.encode())
        assert not nesting_exceeds(conv(ok))
        assert nesting_exceeds(conv(deep))

    def test_objects_and_arrays_both_count(self):
        text = '{"a":[' * 20 + "1" + "]}" * 20
        assert nesting_exceeds(text)
        assert not nesting_exceeds(text, limit=40)

    def test_brackets_inside_strings_do_not_count(self):
        assert not nesting_exceeds(json.dumps(["[" * 500, "{" * 500]))
        assert not nesting_exceeds(json.dumps({"a": '\\"[[[' * 100}))

    def test_many_siblings_are_not_depth(self):
        assert not nesting_exceeds(json.dumps([[1]] * 5000))

    def test_a_million_levels_is_refused_not_a_recursion_error(self):
        with pytest.raises(FrameError, match="nested deeper"):
            parse_client_frame('{"events":[{"event":"callback","task_id":"cb1","data":'
                               + "[" * 1_000_000 + "]" * 1_000_000 + "}]}")

    def test_deep_unclosed_json_is_refused(self):
        with pytest.raises(FrameError, match="nested deeper"):
            parse_client_frame("[" * 100_000)

    def test_normal_nested_data_is_accepted(self):
        data = {"a": [{"b": [1, 2, {"c": "[[[["}]}]}
        _, _, events = parse_client_frame(json.dumps(
            {"seq": 1, "events": [{"event": "from_submit", "task_id": "t", "data": data}]}))
        assert events[0].data == data

    def test_deep_upload_chunk_header_is_refused(self):
        head = b'{"target":"t","x":' + b"[" * 400 + b"]" * 400 + b"}"
        with pytest.raises(FrameError, match="nested deeper"):
            parse_upload_chunk(chunk(head))

    def test_shallow_upload_chunk_header_is_accepted(self):
        head = json.dumps({"target": "t", "name": "f", "file": 0, "size": 3, "offset": 0}).encode()
        assert bytes(parse_upload_chunk(chunk(head, b"abc")).data) == b"abc"


class TestContainersPerFrame:
    """Many small arrays cost the decoder an allocation each: a frame holds at most 20,000."""

    def test_a_megabyte_of_empty_arrays_is_refused_before_decoding(self):
        text = "[" + ",".join(["[]"] * 300_000) + "]"
        assert json_shape_error(text) == f"more than {MAX_JSON_CONTAINERS} arrays and objects"
        with pytest.raises(FrameError, match="arrays and objects"):
            parse_client_frame(text)

    def test_at_the_cap_is_decoded(self):
        text = "[" + ",".join(["{}"] * (MAX_JSON_CONTAINERS - 1)) + "]"
        assert json_shape_error(text) is None

    def test_brackets_in_strings_are_not_containers(self):
        frame = json.dumps({"events": [{"event": "callback", "task_id": "cb1",
                                        "data": "[{" * 100_000}]})
        assert json_shape_error(frame) is None
        assert parse_client_frame(frame)[2][0].data == "[{" * 100_000

    def test_deep_wins_over_many(self):
        assert "nested deeper" in json_shape_error("[" * 100_000)


class TestEventsPerFrame:
    def frame(self, n):
        return json.dumps({"seq": 1, "events": [{"event": "callback", "task_id": "cb1"}] * n})

    def test_the_cap_is_accepted(self):
        assert len(parse_client_frame(self.frame(MAX_FRAME_EVENTS))[2]) == MAX_FRAME_EVENTS

    def test_one_more_drops_the_whole_frame(self):
        with pytest.raises(FrameError, match=f"{MAX_FRAME_EVENTS + 1} events in one frame"):
            parse_client_frame(self.frame(MAX_FRAME_EVENTS + 1))

    def test_200000_events_are_refused(self):
        with pytest.raises(FrameError, match="more than"):
            parse_client_frame(self.frame(200_000))


class TestExcerpt:
    def test_short_values_are_their_repr(self):
        assert excerpt("abc") == "'abc'"
        assert excerpt(5) == "5"
        assert excerpt([1, 2]) == "[1, 2]"

    def test_long_strings_are_cut_and_say_their_length(self):
        text = excerpt("x" * 2_000_000)
        assert len(text) < 100 and "2000000 chars" in text

    def test_long_bytes(self):
        text = excerpt(b"\x00" * 5000, 10)
        assert "5000 bytes" in text and len(text) < 80

    def test_big_containers_show_only_their_size(self):
        assert excerpt(list(range(10_000))) == "<list of 10000 items>"
        assert excerpt({str(i): i for i in range(100)}) == "<dict of 100 items>"

    def test_a_small_container_with_a_huge_item_is_cut(self):
        assert len(excerpt(["y" * 1_000_000])) < 100


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class TestLogLimiter:
    def make(self, **kw):
        clock = FakeClock()
        logger = logging.getLogger("pywebio_lite.test_limiter")
        return LogLimiter(logger, clock=clock, **kw), clock

    def test_burst_then_silence_then_a_summary(self, caplog):
        limiter, clock = self.make(burst=3, period=10)
        with caplog.at_level(logging.WARNING, logger="pywebio_lite.test_limiter"):
            results = [limiter.warning("bad event %d", i) for i in range(200_000)]
            assert results[:3] == [True] * 3 and not any(results[3:])
            assert len(caplog.records) == 3 and limiter.suppressed == 200_000 - 3
            clock.now += 9.9
            assert not limiter.warning("still inside the period")
            clock.now += 0.1
            assert limiter.warning("a new period")
        messages = [r.getMessage() for r in caplog.records]
        assert messages[3] == "199998 more log lines like these were left out in 10 s"
        assert messages[4] == "a new period"

    def test_no_summary_when_nothing_was_left_out(self, caplog):
        limiter, clock = self.make(burst=2, period=1)
        with caplog.at_level(logging.INFO, logger="pywebio_lite.test_limiter"):
            limiter.info("one")
            clock.now += 5
            limiter.info("two")
        assert [r.getMessage() for r in caplog.records] == ["one", "two"]

    @pytest.mark.parametrize("kw", [{"burst": 0}, {"burst": 1.5}, {"burst": True}, {"period": 0},
                                    {"period": "1"}])
    def test_bad_arguments_name_themselves(self, kw):
        name = next(iter(kw))
        with pytest.raises(ValueError, match=name):
            LogLimiter(logging.getLogger("x"), **kw)


def workers(name):
    return [t for t in threading.enumerate() if t.name == name]


class TestCallbackPool:
    def test_bounded_workers_and_queue(self):
        release = threading.Event()
        started = threading.Semaphore(0)
        done = []

        def runner(i):
            started.release()
            release.wait()
            done.append(i)

        pool = CallbackPool(runner, max_workers=3, max_queued=5, name="pool-bounded")
        accepted = [pool.submit(i) for i in range(100)]
        for _ in range(3):
            started.acquire()
        assert accepted == [True] * 8 + [False] * 92
        assert pool.workers == 3 and pool.queued == 5
        assert len(workers("pool-bounded")) == 3
        release.set()
        for thread in workers("pool-bounded"):  # the workers end on their own once idle
            thread.join()
        assert sorted(done) == list(range(8)) and pool.workers == 0

    def test_runs_are_concurrent(self):
        barrier = threading.Barrier(4)
        passed = []
        pool = CallbackPool(lambda: passed.append(barrier.wait()), max_workers=4, max_queued=0,
                            name="pool-concurrent")
        assert all(pool.submit() for _ in range(4))
        for thread in workers("pool-concurrent"):
            thread.join()
        assert sorted(passed) == [0, 1, 2, 3]  # four runs met at the barrier: they overlapped

    def test_a_failing_run_does_not_stop_the_worker(self):
        done = threading.Event()
        calls = []

        def runner(i):
            calls.append(i)
            if i == 0:
                raise RuntimeError("boom")
            done.set()

        pool = CallbackPool(runner, max_workers=1, max_queued=5)
        pool.submit(0)
        pool.submit(1)
        done.wait()
        assert calls == [0, 1]

    def test_closed_pool_refuses(self):
        pool = CallbackPool(lambda: None, max_workers=1, max_queued=1)
        pool.close()
        assert not pool.submit()

    @pytest.mark.parametrize("kw", [{"max_workers": 0}, {"max_queued": -1}, {"max_workers": "2"}])
    def test_bad_arguments(self, kw):
        args = {"max_workers": 1, "max_queued": 1, **kw}
        with pytest.raises(ValueError, match=next(iter(kw))):
            CallbackPool(lambda: None, **args)

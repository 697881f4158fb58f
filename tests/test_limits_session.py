"""Hostile browsers against real sessions (no socket): floods of clicks for a slow callback, floods
of bogus events, deeply nested JSON. The session stays bounded, logs a few lines, and other
sessions keep answering."""
import asyncio
import json
import logging
import threading

import pytest

from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.protocol.app import MAX_FRAME_EVENTS
from pywebio_lite.session.threadbased import ThreadBasedSession
from pywebio_lite.session.coroutinebased import CoroutineBasedSession
from pywebio_lite.testing import AppClient


def clicks(callback_id: str, n: int) -> str:
    """One unnumbered frame of `n` clicks (numbered ones would collide with AppClient's)."""
    return json.dumps({"events": [{"event": "callback", "task_id": callback_id,
                                                "data": 0}] * n})


def callback_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "pywebio-cb")


def healthy_app():
    put_buttons(["ping"], onclick=lambda _: put_text("pong"))


def answers(client: AppClient) -> None:
    """The healthy session answers a click with its output."""
    spec = client.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
    before = len(client.commands)
    client.click(spec, 0)
    client.wait_for("output", lambda s: s.get("content") == "pong", after=before)


class TestThreadSessionClickFlood:
    def test_one_frame_of_10000_clicks_starts_no_thread(self, caplog):
        release = threading.Event()
        ran = []

        def slow(_):
            ran.append(1)
            release.wait()

        def main():
            put_buttons(["slow"], onclick=slow)

        with AppClient(main) as attacked, AppClient(healthy_app) as other:
            spec = attacked.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                attacked.send_frame(clicks(spec["callback_id"], 10_000))
                attacked.wait_until(lambda: "10000 events in one frame" in caplog.text)
                answers(other)
            assert attacked.session._pool is None and not ran  # not one callback thread
            assert callback_threads() <= 1  # (the other session's click may still be ending)
            release.set()

    def test_frames_of_clicks_for_a_slow_onclick_use_a_bounded_pool(self, caplog):
        release = threading.Event()
        started = threading.Semaphore(0)
        runs = []

        def slow(_):
            runs.append(1)
            started.release()
            release.wait()

        def main():
            put_buttons(["slow"], onclick=slow)

        limit = ThreadBasedSession.max_callback_threads
        queued = ThreadBasedSession.max_queued_callbacks
        with AppClient(main) as attacked, AppClient(healthy_app) as other:
            spec = attacked.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                for seq in range(1, 11):  # 10,000 clicks, in frames at the per-frame cap
                    attacked.send_frame(clicks(spec["callback_id"], MAX_FRAME_EVENTS))
                for _ in range(limit):
                    started.acquire()  # the pool's threads are all busy in the slow callback
                answers(other)
                burst = attacked.session.client_log_burst
                # every frame handled: each click beyond the pool and its queue was dropped
                attacked.wait_until(lambda: attacked.session.client_log.suppressed
                                    == 10_000 - limit - queued - burst)
            assert attacked.session._pool.workers == limit
            assert callback_threads() <= limit + 1  # + the other session's click, maybe not over
            assert len(runs) == limit
            dropped = [r for r in caplog.records if "dropped a click" in r.getMessage()]
            assert len(dropped) == burst
            release.set()
            for _ in range(queued):
                started.acquire()  # the waiting runs ran, then nothing more
            pool = attacked.session._pool
            for thread in [t for t in threading.enumerate() if t.name == "pywebio-cb"]:
                thread.join()  # idle workers end by themselves
            assert len(runs) == limit + queued and pool.workers == 0

    def test_clicks_still_run_concurrently(self):
        barrier = threading.Barrier(3)
        met = []

        def meet(_):
            met.append(barrier.wait())
            put_text("met")

        def main():
            put_buttons(["x"], onclick=meet)

        with AppClient(main) as c:
            spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            for _ in range(3):
                c.click(spec, 0)
            c.wait_until(lambda: len([s for s in c.outputs() if s.get("content") == "met"]) == 3)
        assert sorted(met) == [0, 1, 2]

    def test_serial_mode_queue_is_bounded_too(self, caplog):
        release = threading.Event()
        runs = []

        def slow(_):
            runs.append(1)
            release.wait()

        def main():
            put_buttons(["slow"], onclick=slow, serial_mode=True)

        with AppClient(main) as c:
            spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                c.send_frame(clicks(spec["callback_id"], MAX_FRAME_EVENTS))
                c.wait_until(lambda: "serial callback runs are waiting" in caplog.text)
            assert c.session._serial_queue.qsize() <= ThreadBasedSession.max_queued_callbacks
            release.set()


class TestCoroutineSessionClickFlood:
    def test_callback_tasks_are_bounded(self, caplog):
        release = asyncio.Event()

        async def slow(_):
            await release.wait()

        async def main():
            put_buttons(["slow"], onclick=slow)
            put_buttons(["ping"], onclick=lambda _: put_text("pong"))

        with AppClient(main) as c:
            spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                c.send_frame(clicks(spec["callback_id"], MAX_FRAME_EVENTS))
                ping = c.wait_for("output", lambda s: s["type"] == "buttons"
                                  and s["buttons"][0]["label"] == "ping")["spec"]
                before = len(c.commands)
                c.click(ping, 0)
                c.wait_for("output", lambda s: s.get("content") == "pong", after=before)
            session = c.session
            assert session._callback_tasks == CoroutineBasedSession.max_callback_tasks
            assert len(session._tasks) <= CoroutineBasedSession.max_callback_tasks + 1
            dropped = [r for r in caplog.records if "dropped a click" in r.getMessage()]
            assert 1 <= len(dropped) <= CoroutineBasedSession.client_log_burst
            c.loop.call_soon_threadsafe(release.set)
            c.wait_until(lambda: session._callback_tasks == 0)


@pytest.mark.parametrize("coroutine", [False, True])
class TestBogusEventFloods:
    def app(self, coroutine):
        if coroutine:
            async def main():
                healthy_app()
            return main
        return healthy_app

    def test_200000_unknown_ids_cost_a_few_log_lines(self, caplog, coroutine):
        with AppClient(self.app(coroutine)) as c:
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                for seq in range(1, 201):
                    c.send_frame(clicks("cb-nope", MAX_FRAME_EVENTS))
                answers(c)
        lines = [r for r in caplog.records if r.name.startswith("pywebio_lite")]
        assert 1 <= len(lines) <= c.session.client_log_burst
        assert c.session.client_log.suppressed == 200 * MAX_FRAME_EVENTS - len(lines)

    def test_deeply_nested_frames_and_chunk_headers_are_dropped(self, caplog, coroutine):
        with AppClient(self.app(coroutine)) as c:
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                c.send_frame('{"events":[{"event":"callback","task_id":"cb1","data":'
                             + "[" * 200_000 + "]" * 200_000 + "}]}")
                head = b'{"target":' + b"[" * 500 + b"]" * 500 + b"}"
                c.send_binary(len(head).to_bytes(4, "big") + head)
                answers(c)
            assert not c.ended
        assert caplog.text.count("nested deeper than") == 2
        assert "RecursionError" not in caplog.text and "Traceback" not in caplog.text

    def test_log_lines_quote_only_an_excerpt(self, caplog, coroutine):
        with AppClient(self.app(coroutine)) as c:
            with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
                c.send_frame(json.dumps({"events": [{"event": "callback", "task_id": "x" * 128}]}))
                c.send_frame(json.dumps({"events": [{"event": "e" * 100_000, "task_id": "t"}]}))
                answers(c)
        assert caplog.records and max(len(r.getMessage()) for r in caplog.records) < 200

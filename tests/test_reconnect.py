"""Reconnect with replay, without a browser: SessionConnection and WebIOApp over fake sockets."""
from __future__ import annotations

import asyncio
import json

import pytest

from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.platform.adaptor import (CLOSE_REPLACED, CLOSE_SESSION_GONE, DEFAULT_RECONNECT_TIMEOUT,
                                           REPLAY_CHARS, SessionGone)
from pywebio_lite.platform.server import WebIOApp
from pywebio_lite.protocol.app import Outbox, encode_command, encode_command_with_spec_json
from pywebio_lite.protocol.http import Headers, Request
from pywebio_lite.session import defer_call, hold


class FakeWS:
    """The server's WebSocket as a handler sees it."""

    def __init__(self):
        self.sent: list[str] = []
        self.closed = False
        self.close_code = None
        self.writable = True

    def send(self, data):
        assert not self.closed, "sent on a closed socket"
        self.sent.append(data)

    def close(self, code=1000, reason=""):
        self.closed, self.close_code = True, code

    async def drain(self):
        pass

    def frames(self):
        return [json.loads(text) for text in self.sent]

    def texts(self):
        return [c["spec"]["content"] for f in self.frames() for c in f.get("commands", [])
                if c["command"] == "output" and c["spec"].get("type") == "text"]


def ws_request(query="app=index&session=NEW"):
    return Request("GET", "/?" + query, headers=Headers([("Host", "localhost")]), remote=("127.0.0.1", 1))


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


def make(app, **options):
    web = WebIOApp(app, **options)
    return web, web.handle_websocket(ws_request())


def click_frame(seq, callback_id, ack=0):
    return json.dumps({"seq": seq, "ack": ack, "events": [{"event": "callback", "task_id": callback_id, "data": 0}]})


class TestProtocol:
    def test_outbox_frames_carry_the_ack(self):
        box = Outbox(history_chars=1000)
        box.add('{"command":"x","spec":null}')
        assert json.loads(box.take_frame(ack=3))["ack"] == 3
        box.add('{"command":"y","spec":null}')
        assert "ack" not in json.loads(box.take_frame())

    def test_history_is_bounded_and_forgetting_makes_replay_impossible(self):
        box = Outbox(history_chars=200)
        for i in range(50):
            box.add('{"command":"x","spec":%d}' % i)
            box.take_frame()
        assert box.frames_after(49) is not None  # the newest frame is always kept
        assert box.frames_after(0) is None

    def test_ack_frees_the_history(self):
        box = Outbox(history_chars=10_000)
        for i in range(10):
            box.add('{"command":"x","spec":%d}' % i)
            box.take_frame()
        box.ack(10)
        assert box.frames_after(10) == [] and box._history_chars == 0

    def test_defaults(self):
        assert WebIOApp(lambda: None).reconnect_timeout == DEFAULT_RECONNECT_TIMEOUT == 10.0
        assert REPLAY_CHARS == 1 << 20

    @pytest.mark.parametrize("value", [-1, "10", True])
    def test_bad_reconnect_timeout(self, value):
        with pytest.raises(ValueError, match="reconnect_timeout"):
            WebIOApp(lambda: None, reconnect_timeout=value)


class TestResume:
    def test_first_message_names_the_session(self):
        async def go():
            async def app():
                put_text("hi")
                await hold()
            web, conn = make(app)
            ws = FakeWS()
            conn.on_open(ws)
            await settle()
            hello = ws.frames()[0]["hello"]
            assert hello == {"session": conn.token, "reconnect_timeout": 10.0}
            assert len(conn.token) >= 24 and web.sessions.get(conn.token) is conn
            conn.session.close()
        asyncio.run(go())

    def test_no_hello_and_no_registry_when_off(self):
        async def go():
            async def app():
                put_text("hi")
            web, conn = make(app, reconnect_timeout=0)
            ws = FakeWS()
            conn.on_open(ws)
            await settle()
            assert "hello" not in ws.frames()[0] and len(web.sessions) == 0
            conn.on_close(1006, "")
            assert conn.session.closed()
        asyncio.run(go())

    def test_output_made_while_away_is_replayed_after_ack(self):
        async def go():
            gate = asyncio.Event()

            async def app():
                put_text("one")
                put_text("two")
                await gate.wait()
                put_text("three")
                await hold()
            web, conn = make(app)
            ws1 = FakeWS()
            conn.on_open(ws1)
            await settle()
            first_seq = ws1.frames()[1]["seq"]
            conn.on_close(1006, "")  # the network dropped: no close frame
            assert not conn.session.closed()
            gate.set()
            await settle()  # "three" is made while no socket is attached
            handler = web.handle_websocket(ws_request(f"app=index&session={conn.token}&ack={first_seq - 1}"))
            ws2 = FakeWS()
            handler.on_open(ws2)
            await settle()
            assert "hello" in ws2.frames()[0]
            assert ws2.texts() == ["one", "two", "three"]  # the unacknowledged frame, then the new one
            conn.session.close()
        asyncio.run(go())

    def test_frames_the_page_applied_are_not_sent_again(self):
        async def go():
            async def app():
                put_text("one")
                await hold()
            web, conn = make(app)
            ws1 = FakeWS()
            conn.on_open(ws1)
            await settle()
            seq = ws1.frames()[1]["seq"]
            conn.on_close(1006, "")
            ws2 = FakeWS()
            web.handle_websocket(ws_request(f"session={conn.token}&ack={seq}")).on_open(ws2)
            await settle()
            assert ws2.texts() == []
            conn.session.close()
        asyncio.run(go())

    def test_a_replayed_event_frame_is_applied_once(self):
        async def go():
            clicks = []

            async def app():
                put_buttons(["A"], onclick=lambda _: clicks.append(1))
                await hold()
            web, conn = make(app)
            ws1 = FakeWS()
            conn.on_open(ws1)
            await settle()
            spec = ws1.frames()[1]["commands"][0]["spec"]
            conn.on_message(click_frame(1, spec["callback_id"]))
            await settle()
            conn.on_close(1006, "")
            handler = web.handle_websocket(ws_request(f"session={conn.token}&ack=1"))
            handler.on_open(FakeWS())
            handler.on_message(click_frame(1, spec["callback_id"]))  # the page resends what it kept
            handler.on_message(click_frame(2, spec["callback_id"]))
            await settle()
            assert len(clicks) == 2
            conn.session.close()
        asyncio.run(go())

    def test_a_newer_socket_replaces_one_still_open(self):
        async def go():
            async def app():
                await hold()
            web, conn = make(app)
            ws1 = FakeWS()
            conn.on_open(ws1)
            await settle()
            ws2 = FakeWS()
            handler = web.handle_websocket(ws_request(f"session={conn.token}&ack=0"))
            handler.on_open(ws2)
            assert ws1.closed and ws1.close_code == CLOSE_REPLACED
            conn.on_close(CLOSE_REPLACED, "")  # the old socket's close must not detach the new one
            assert conn.ws is ws2 and not conn.session.closed()
            conn.session.close()
        asyncio.run(go())

    def test_closed_tab_ends_the_session_at_once(self):
        async def go():
            ended = []

            async def app():
                defer_call(lambda: ended.append(1))
                await hold()
            web, conn = make(app)
            conn.on_open(FakeWS())
            await settle()
            conn.on_close(1001, "going away")
            await settle()
            assert conn.session.closed() and ended == [1] and len(web.sessions) == 0
        asyncio.run(go())

    def test_session_expires_after_the_timeout(self):
        async def go():
            ended = asyncio.Event()

            async def app():
                defer_call(ended.set)
                await hold()
            web, conn = make(app, reconnect_timeout=0.01)
            conn.on_open(FakeWS())
            await settle()
            conn.on_close(1006, "")
            await ended.wait()
            assert conn.session.closed() and len(web.sessions) == 0
            late = web.handle_websocket(ws_request(f"session={conn.token}&ack=0"))
            assert isinstance(late, SessionGone)
            ws = FakeWS()
            late.on_open(ws)
            assert ws.close_code == CLOSE_SESSION_GONE
        asyncio.run(go())

    def test_app_that_ended_while_away_still_delivers_its_last_frames(self):
        async def go():
            gate = asyncio.Event()

            async def app():
                await gate.wait()
                put_text("bye")
            web, conn = make(app)
            conn.on_open(FakeWS())
            await settle()
            conn.on_close(1006, "")
            gate.set()
            await settle()
            assert conn.session.closed()
            ws2 = FakeWS()
            web.handle_websocket(ws_request(f"session={conn.token}&ack=0")).on_open(ws2)
            await settle()
            assert ws2.texts() == ["bye"]
            assert any(c["command"] == "close_session" for f in ws2.frames() for c in f.get("commands", []))
            assert ws2.close_code == 1000 and len(web.sessions) == 0
        asyncio.run(go())

    def test_forgotten_history_means_gone(self):
        async def go():
            gate = asyncio.Event()

            async def app():
                await gate.wait()
                for i in range(3000):
                    put_text("x" * 1000)  # more than REPLAY_CHARS, never acknowledged
                await hold()
            web, conn = make(app)
            conn.on_open(FakeWS())
            gate.set()
            await settle()
            conn.on_close(1006, "")
            ws2 = FakeWS()
            web.handle_websocket(ws_request(f"session={conn.token}&ack=1")).on_open(ws2)
            assert ws2.close_code == CLOSE_SESSION_GONE
            assert conn.session.closed() and len(web.sessions) == 0
        asyncio.run(go())

    @pytest.mark.parametrize("query", ["session=nope&ack=0", "session={token}&ack=-1",
                                       "session={token}&ack=x", "session={token}&ack=" + "9" * 40])
    def test_bad_resume_requests(self, query):
        async def go():
            async def app():
                await hold()
            web, conn = make(app)
            conn.on_open(FakeWS())
            await settle()
            assert isinstance(web.handle_websocket(ws_request(query.format(token=conn.token))), SessionGone)
            conn.session.close()
        asyncio.run(go())


def test_command_encoders_agree():
    # One encoder: a spec given as JSON text comes out as the same command as the spec itself.
    spec = {"type": "text", "content": "<b>é</b>", "n": [1, None]}
    for task_id in (None, "main-1"):
        text = encode_command("output", spec, task_id)
        assert text == encode_command_with_spec_json("output", json.dumps(spec, separators=(",", ":")), task_id)
        expected = {"command": "output", "spec": spec}
        if task_id:
            expected["task_id"] = task_id
        assert json.loads(text) == expected
    assert json.loads(encode_command("close_session")) == {"command": "close_session", "spec": None}


class TestLoadField:
    """A frame names the lazily loaded frontend modules it needs (docs/protocol.md §2, "load")."""

    @pytest.mark.parametrize("command, spec, expected", [
        ("popup", {"title": "t", "contents": []}, {"popup"}),
        ("popup", {"contents": [{"type": "pin", "input": {}}]}, {"popup", "forms"}),
        ("input_group", {}, {"forms"}),
        ("pin_wait", {}, {"forms"}),
        ("datatable_rows", {}, {"datatable"}),
        ("run_script", {"code": "$('#x').hide()"}, {"dollar"}),
        ("run_script", {"code": "alert(1)"}, set()),
        ("set_env", {"language": "de"}, {"i18n"}),
        ("set_env", {"title": "x"}, set()),
        ("toast", {"content": '"type":"pin"'}, set()),  # user text is escaped: no false match
    ])
    def test_command_loads(self, command, spec, expected):
        from pywebio_lite.protocol.app import command_loads
        assert command_loads(command, encode_command(command, spec)) == expected

    @pytest.mark.parametrize("spec, expected", [
        ({"type": "text", "content": '"type":"pin"'}, None),
        ({"type": "row", "contents": [{"type": "pin"}]}, {"forms"}),
        ({"type": "datatable"}, {"datatable"}),
        ({"type": "html", "content": "<SCRIPT>jQuery('p')</script>"}, {"dollar"}),
        ({"type": "html", "content": "<b>$5</b>"}, None),
    ])
    def test_output_loads(self, spec, expected):
        from pywebio_lite.protocol.app import output_loads
        assert output_loads(json.dumps(spec, separators=(",", ":"))) == expected

    def test_the_first_frame_taken_names_them(self):
        box = Outbox(max_frame_commands=1)
        box.add('{"command":"output"}')
        box.add('{"command":"popup"}', {"popup"})
        first, second = json.loads(box.take_frame()), json.loads(box.take_frame())
        assert first["load"] == ["popup"] and "load" not in second  # loaded before it is used
        box.add('{"command":"output"}')
        assert "load" not in json.loads(box.take_frame())

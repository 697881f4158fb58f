"""Session tests without a browser: output semantics, scopes, callbacks, batching, closing.

Each test runs a real app in a real session through pywebio_lite.testing.AppClient, which plays
the browser's part of the protocol.
"""

import asyncio
import logging
import threading
import time

import pytest

from pywebio_lite.exceptions import SessionClosedException, SessionNotFoundException
from pywebio_lite.output import (clear, close_popup, get_scope, output, popup, put_buttons, put_button,
                                 put_code, put_collapse, put_column, put_error, put_file, put_grid,
                                 put_html, put_image, put_info, put_link, put_loading, put_markdown,
                                 put_processbar, put_progressbar, put_row, put_scope, put_scrollable,
                                 put_success, put_table, put_tabs, put_text, put_warning, put_widget,
                                 remove, scroll_to, set_processbar, set_progressbar, set_scope, span,
                                 style, toast, use_scope)
from pywebio_lite.protocol.app import ClientEvent
from pywebio_lite.session import (defer_call, eval_js, get_current_session, get_current_task_id, hold, local,
                                  register_thread, run_async, run_js, set_env, download, go_app)
from pywebio_lite.session.base import claim_server_mode
from pywebio_lite.testing import AppClient


def texts(client):
    return [s["content"] for s in client.outputs() if s["type"] == "text"]


def run_app(app, **kwargs):
    """Run an app that ends by itself; return the client after the session closed."""
    client = AppClient(app, **kwargs).start()
    client.wait_closed()
    client.close()
    return client


class TestOutputSending:
    def test_statement_is_sent_at_once_in_call_order(self):
        def main():
            put_text("a")
            put_text("b")
        c = run_app(main)
        assert texts(c) == ["a", "b"]
        assert c.commands[-1]["command"] == "close_session"

    def test_kept_output_is_sent_when_dropped(self):
        def main():
            x = put_text("kept")
            put_text("after")
            del x
        assert texts(run_app(main)) == ["after", "kept"]

    def test_show_sends_now(self):
        def main():
            x = put_text("kept")
            x.show()
            put_text("after")
            x.processed = True  # avoid a second send on drop
        assert texts(run_app(main)) == ["kept", "after"]

    def test_embedded_output_is_not_sent_on_its_own(self):
        def main():
            cell = put_text("cell")
            put_table([["h"], [cell]])
            del cell
        c = run_app(main)
        assert texts(c) == []
        table = [s for s in c.outputs() if s["type"] == "table"][0]
        assert table["rows"] == [["h"], [{"type": "text", "content": "cell"}]]

    def test_nested_specs_carry_no_scope_or_position(self):
        def main():
            put_row([put_text("x", position=0)])
        row = run_app(main).outputs()[0]
        assert row["contents"] == [{"type": "text", "content": "x"}]

    def test_failed_parent_does_not_send_its_children(self):
        def main():
            try:
                put_table([["h"], [put_text("child")], {"dict": "row"}])
            except TypeError:
                put_text("caught")
        assert texts(run_app(main)) == ["caught"]

    def test_commands_of_one_instant_share_a_numbered_frame(self):
        def main():
            for i in range(50):
                put_text(i)
        c = run_app(main)
        assert [f["seq"] for f in c.frames] == list(range(1, len(c.frames) + 1))
        assert len(c.frames) < 10  # batched, not one frame per command
        assert texts(c) == [str(i) for i in range(50)]

    def test_style_and_onclick(self):
        clicked = []

        def main():
            put_text("s").style("color: red").style("font-size: 20px")
            put_text("c").onclick(lambda: clicked.append(1))
        c = AppClient(main).start()
        s = c.wait_for("output", lambda s: s["content"] == "s")["spec"]
        assert s["style"] == ";color: red;font-size: 20px"
        spec = c.wait_for("output", lambda s: s["content"] == "c")["spec"]
        c.click(spec)
        c.wait_until(lambda: clicked == [1])
        c.close()

    def test_style_function_on_list(self):
        def main():
            style([put_text("a"), put_text("b")], "color: blue")
        assert [s["style"] for s in run_app(main).outputs()] == [";color: blue", ";color: blue"]


class _RecordingLoop:
    """Stands in for the event loop: records what a session schedules on it."""

    def __init__(self):
        self.calls = []

    def call_soon_threadsafe(self, callback, *args):
        self.calls.append((getattr(callback, "__name__", callback), args))

    def call_later(self, delay, callback):  # only ever passed along, never called here
        raise AssertionError("not called directly")


class TestLinger:
    """A thread app's command that asks to linger waits for company; waiting for an event ends the wait."""

    def session(self):
        from pywebio_lite.session.threadbased import ThreadBasedSession
        loop = _RecordingLoop()
        s = ThreadBasedSession(lambda: None, loop=loop)
        s._loop_thread = -1  # the test thread plays an app thread
        return s, loop

    def test_a_lingering_command_waits_for_the_timer(self):
        s, loop = self.session()
        s.send_task_command("destroy_form", {"form_id": "f"}, task_id="t", linger=True)
        assert loop.calls == [("call_later", (s.LINGER, s._run_lingered))]

    def test_blocking_for_an_event_sends_what_lingers_at_once(self):
        s, loop = self.session()
        s.send_task_command("destroy_form", {"form_id": "f"}, task_id="t", linger=True)
        s.flush_lingering()
        assert loop.calls[1:] == [("_run_on_output", ())]
        s.flush_lingering()  # already scheduled: nothing more
        assert len(loop.calls) == 2

    def test_a_burst_waits_for_company_until_the_app_blocks(self):
        s, loop = self.session()
        s._last_flush = time.monotonic()  # a frame just left
        s.send_task_command("input_group", {"form_id": "g"}, task_id="t")
        assert loop.calls == [("call_later", (s.LINGER, s._run_lingered))]
        s.flush_lingering()
        assert loop.calls[1:] == [("_run_on_output", ())]

    def test_nothing_lingering_schedules_nothing(self):
        s, loop = self.session()
        s.flush_lingering()
        s.send_task_command("toast", {"content": "x"}, task_id="t")  # after a quiet moment: leaves at once
        assert loop.calls == [("_run_on_output", ())]
        s.flush_lingering()
        assert len(loop.calls) == 1

    def test_waiting_for_an_event_flushes_first(self):
        s, loop = self.session()
        flushed = threading.Event()
        s.flush_lingering = flushed.set
        got = {}

        def app_thread():
            s._bind_current_thread("main")
            got["event"] = s.next_client_event()

        t = threading.Thread(target=app_thread, daemon=True)
        t.start()
        assert flushed.wait(10)  # before blocking in q.get()
        task_id, q = next(iter(s._queues.items()))
        q.put(ClientEvent("callback", task_id, 1))
        t.join()
        # The queue holds typed events; the public next_client_event() gives PyWebIO's dict.
        assert got["event"] == {"event": "callback", "task_id": task_id, "data": 1, "form": None}


class TestScopes:
    def test_use_scope_creates_enters_and_looses(self):
        def main():
            with use_scope("scope1"):
                put_text("text1 in scope1")
            put_text("text in parent scope of scope1")
            with use_scope("scope1"):
                put_text("text2 in scope1")
        c = run_app(main)
        ctl = [x["spec"] for x in c.commands if x["command"] == "output_ctl"]
        assert ctl[0] == {"set_scope": "scope1", "container": "ROOT", "position": -1, "if_exist": None}
        assert ctl[1] == {"loose": "scope1"}
        assert [(s["content"], s["scope"]) for s in c.outputs()] == [
            ("text1 in scope1", "scope1"), ("text in parent scope of scope1", "ROOT"), ("text2 in scope1", "scope1")]

    def test_clear_uses_blank(self):
        def main():
            with use_scope("s2", clear=True):
                put_text("x")
        ctl = [x["spec"] for x in run_app(main).commands if x["command"] == "output_ctl"]
        assert ctl[0]["if_exist"] == "blank"

    def test_decorator_and_async_decorator(self):
        @use_scope("time", clear=True)
        def show():
            put_text("t")

        def main():
            show()
            show()
        c = run_app(main)
        assert [s["scope"] for s in c.outputs()] == ["time", "time"]

        @use_scope("a")
        async def ashow():
            put_text("in a")
            assert get_scope() == "a"

        async def amain():
            await ashow()
            put_text("root")
        c = run_app(amain)
        assert [s["scope"] for s in c.outputs()] == ["a", "ROOT"]

    def test_scope_index_and_names(self):
        seen = {}

        def main():
            with use_scope("A"):
                with use_scope("B"):
                    seen["stack"] = (get_scope(0), get_scope(-2), get_scope())
                    put_text("to root", scope=0)
                    put_text("to A", scope=-2)
                    with pytest.raises(ValueError):
                        put_text("x", scope=10)
                    with pytest.raises(ValueError):
                        get_scope(-5)
            with pytest.raises(ValueError):
                put_text("x", scope="bad name!")
        c = run_app(main)
        assert seen["stack"] == ("ROOT", "A", "B")
        assert [(s["content"], s["scope"]) for s in c.outputs()] == [("to root", "ROOT"), ("to A", "A")]

    def test_positions_are_sent(self):
        def main():
            with use_scope("scope1"):
                put_text("A")
                put_text("B", position=0)
                put_text("C", position=-2)
                put_text("D", position=1)
        c = run_app(main)
        assert [(s["content"], s.get("position", -1)) for s in c.outputs()] == [
            ("A", -1), ("B", 0), ("C", -2), ("D", 1)]

    def test_scope_control_commands(self):
        def main():
            set_scope("x", container_scope="ROOT", position=0, if_exist="remove")
            clear("x")
            scroll_to("x", "middle")
            remove("x")
            with pytest.raises(AssertionError):
                remove("ROOT")
            with pytest.raises(ValueError):
                set_scope("y", if_exist="bogus")
            with pytest.raises(ValueError):
                scroll_to("x", "nowhere")
        ctl = [x["spec"] for x in run_app(main).commands if x["command"] == "output_ctl"]
        assert ctl == [
            {"set_scope": "x", "container": "ROOT", "position": 0, "if_exist": "remove"},
            {"clear": "x"}, {"scroll_to": "x", "position": "middle"}, {"remove": "x"}]

    def test_scope_stack_is_per_task(self):
        seen = []

        def main():
            with use_scope("main-scope"):
                put_buttons(["go"], onclick=lambda _: seen.append(get_scope()))
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        c.click(spec, 0)
        c.wait_until(lambda: seen == ["ROOT"])
        c.close()


class TestOutputSpecs:
    def test_text_sep_inline(self):
        def main():
            put_text(1, 2, 3, sep="-", inline=True)
        assert run_app(main).outputs()[0] == {"type": "text", "content": "1-2-3", "inline": True, "scope": "ROOT"}

    def test_table_dict_rows_and_header(self):
        def main():
            put_table([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
            put_table([{"a": 1, "b": 2}], header=[("Col B", "b"), ("Col A", "a")])
            put_table([[1, 2]], header=["x", span("y", col=1)])
        t1, t2, t3 = run_app(main).outputs()
        assert t1["rows"] == [["A", "B"], ["1", "2"], ["3", "4"]]
        assert t2["rows"] == [["Col B", "Col A"], ["2", "1"]]
        assert t3["rows"] == [["x", "y"], ["1", "2"]] and t3["spans"] == {"0,1": [1, 1]}

    def test_table_rejects_non_lists(self):
        def main():
            with pytest.raises(TypeError):
                put_table("abc")
        run_app(main)

    def test_buttons_values_of_any_type(self):
        got = []
        marker = object()

        def main():
            put_buttons([("obj", marker), {"label": "d", "value": {"k": 1}, "color": "danger"}, 3],
                        onclick=got.append, small=True, outline=True, group=True)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        assert spec["buttons"] == [{"label": "obj", "value": 0}, {"label": "d", "value": 1, "color": "danger"},
                                   {"label": "3", "value": 2}]
        assert spec["small"] and spec["outline"] and spec["group"]
        for i in range(3):
            c.click(spec, i)
        c.wait_until(lambda: len(got) == 3)
        assert any(v is marker for v in got) and {"k": 1} in got and 3 in got  # clicks run concurrently
        c.close()

    def test_bad_button_index_is_dropped_and_app_keeps_running(self, caplog):
        got = []

        def main():
            put_buttons(["a"], onclick=got.append)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            c.click(spec, 7)
            c.send("callback", spec["callback_id"], "x")
            c.click(spec, 0)
            c.wait_until(lambda: got == ["a"])
        assert "button index that does not exist" in caplog.text
        assert not any(cmd["command"] == "toast" for cmd in c.commands)
        c.close()

    def test_buttons_list_of_functions(self):
        got = []

        def main():
            put_buttons(["x", "y"], onclick=[lambda: got.append("x"), lambda: got.append("y")])
            with pytest.raises(ValueError):
                put_buttons(["x"], onclick=[])
            with pytest.raises(TypeError):
                put_buttons(["x"], onclick=3)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        c.click(spec, 1)
        c.wait_until(lambda: got == ["y"])
        c.close()

    def test_put_button_and_file(self):
        def main():
            put_button("Go", onclick=lambda: None, color="success", disabled=True)
            put_file("hello.txt", b"hello world", label="Get it")
        c = AppClient(main).start()
        button = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        assert button["buttons"] == [{"label": "Go", "value": 0, "color": "success", "disabled": True}]
        f = c.wait_for("output", lambda s: s["type"] == "buttons" and s.get("link"))["spec"]
        c.click(f, 0)
        dl = c.wait_for("download")["spec"]
        assert dl == {"name": "hello.txt", "content": "aGVsbG8gd29ybGQ="}
        c.close()

    def test_image_from_bytes_url_and_save_object(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 8

        class FakeImage:
            format = None

            def save(self, fp, format):
                fp.write(png)

        def main():
            put_image(png, title="dot", width="10px")
            put_image("https://example.com/x.png")
            put_image(FakeImage())
            put_image(b"GIF89a...")
        a, b, c_, d = run_app(main).outputs()
        assert a["src"].startswith("data:image/png;base64,") and a["title"] == "dot" and a["width"] == "10px"
        assert b["src"] == "https://example.com/x.png"
        assert c_["src"].startswith("data:image/png;base64,")
        assert d["src"].startswith("data:image/gif;base64,")

    def test_link(self):
        def main():
            put_link("site", url="https://example.com", new_window=True)
            put_link("app", app="task_1")
            with pytest.raises(ValueError):
                put_link("x")
            with pytest.raises(ValueError):
                put_link("x", url="u", app="a")
        a, b = run_app(main).outputs()
        assert a == {"type": "link", "text": "site", "url": "https://example.com", "new_window": True, "scope": "ROOT"}
        assert b == {"type": "link", "text": "app", "app": "task_1", "scope": "ROOT"}

    def test_progressbar(self):
        def main():
            put_progressbar("bar", 0.3, label="working", auto_close=True)
            set_progressbar("bar", 0.5)
            set_processbar("bar", 2, label="done")
            put_processbar("b2")
            with pytest.raises(ValueError):
                put_progressbar("bad name")
        c = run_app(main)
        bar = c.outputs()[0]
        assert bar == {"type": "progressbar", "name": "bar", "value": 0.3, "label": "working", "auto_close": True,
                       "scope": "ROOT"}
        sets = [x["spec"] for x in c.commands if x["command"] == "set_progressbar"]
        assert sets == [{"name": "bar", "value": 0.5}, {"name": "bar", "value": 1.0, "label": "done"}]

    def test_alerts_collapse_scrollable_tabs(self):
        def main():
            put_info("i", put_text("t"), closable=True)
            put_success("s")
            put_warning("w")
            put_error("e")
            put_collapse("title", ["a", put_text("b")], open=True)
            put_scrollable(put_text("x"), height=(100, 300), keep_bottom=True, border=False)
            put_tabs([{"title": "T1", "content": "c1"}, {"title": "T2", "content": [put_text("c2")]}])
        info, success, warning, error, collapse, scrollable, tabs = run_app(main).outputs()
        assert info["kind"] == "info" and info["closable"] is True
        assert info["contents"] == [{"type": "text", "content": "i"}, {"type": "text", "content": "t"}]
        assert [success["kind"], warning["kind"], error["kind"]] == ["success", "warning", "error"]
        assert collapse["title"] == "title" and collapse["open"] is True and len(collapse["contents"]) == 2
        assert scrollable["min_height"] == 100 and scrollable["max_height"] == 300
        assert scrollable["keep_bottom"] is True and scrollable["border"] is False
        assert tabs["tabs"][1] == {"title": "T2", "contents": [{"type": "text", "content": "c2"}]}

    def test_layouts(self):
        def main():
            put_row([put_code("A"), None, put_column([put_code("B1"), None, put_code("B2")])], size="40% 10px 60%")
            put_grid([[put_text("a"), span(put_text("b"), col=2)], [put_text("c")]], cell_width="100px")
            with pytest.raises(ValueError):
                put_grid([[1]], direction="diag")
        row, grid = run_app(main).outputs()
        assert row["contents"][1] is None and row["size"] == "40% 10px 60%"
        assert row["contents"][2]["type"] == "column"
        assert grid["cells"][1] == [{"type": "text", "content": "c"}, None]  # short rows padded
        assert grid["spans"] == {"0,1": [1, 2]} and grid["cell_width"] == "100px"

    def test_widget_with_outputs(self):
        def main():
            put_widget('<div class="w">{{#contents}}{{& pywebio_output_parse}}{{/contents}}<b>{{name}}</b></div>',
                       {"contents": [put_text("a"), put_markdown("**b**")], "name": "<x>"})
        w = run_app(main).outputs()[0]
        assert w["html"].count("data-pwl-slot") == 2 and "&lt;x&gt;" in w["html"]
        assert [s["type"] for s in w["slots"]] == ["text", "markdown"]

    def test_markdown_and_code_and_html(self):
        def main():
            put_markdown("""
                # Title
                **bold**
                line two
            """)
            put_markdown("<script>alert(1)</script>ok", sanitize=True)
            put_code("print(1)", language="python", rows=3)
            put_html("<b>raw</b>")

            class Obj:
                def _repr_html_(self):
                    return "<i>repr</i>"
            put_html(Obj())
            put_html('<img src=x onerror="alert(1)">', sanitize=True)
        md, md2, code, html1, html2, html3 = run_app(main).outputs()
        assert "<h1>Title</h1>" in md["html"] and "<strong>bold</strong>" in md["html"]
        assert "<br" in md["html"]  # breaks like PyWebIO
        assert "<script" not in md2["html"] and "ok" in md2["html"]
        assert code == {"type": "code", "content": "print(1)", "language": "python", "rows": 3, "scope": "ROOT"}
        assert html1["content"] == "<b>raw</b>" and html2["content"] == "<i>repr</i>"
        assert "onerror" not in html3["content"]

    def test_loading_context_manager_removes_its_scope(self):
        def main():
            with put_loading(shape="grow", color="primary"):
                put_text("inside")
            put_text("outside")
            with pytest.raises(ValueError):
                put_loading(shape="square")
            with pytest.raises(RuntimeError):
                with put_text("no"):
                    pass
        c = run_app(main)
        loading = c.outputs()[0]
        name = loading["container"]
        assert loading["shape"] == "grow" and loading["color"] == "primary"
        inside = [s for s in c.outputs() if s.get("content") == "inside"][0]
        assert inside["scope"] == name
        assert {"remove": name} in [x["spec"] for x in c.commands if x["command"] == "output_ctl"]
        assert [s for s in c.outputs() if s.get("content") == "outside"][0]["scope"] == "ROOT"

    def test_container_outputs_as_context_managers(self):
        def main():
            with put_collapse("t"):
                put_text("in collapse")
            with put_row():
                put_text("in row")
            with put_info():
                put_text("in info")
        c = run_app(main)
        containers = [s for s in c.outputs() if "container" in s]
        assert [s["type"] for s in containers] == ["collapse", "row", "alert"]
        inner = [s for s in c.outputs() if s["type"] == "text"]
        assert [s["scope"] for s in inner] == [s["container"] for s in containers]

    def test_put_scope_and_output_handler(self):
        def main():
            put_scope("sc", [put_text("x")])
            hobby = output("Coding")
            put_table([["Name", "Hobbies"], ["Wang", hobby]])
            hobby.reset("Movie")
            hobby.append("Music", put_text("Drama"))
            hobby.insert(0, put_markdown("**Coding**"))
        c = run_app(main)
        sc, table = c.outputs()[:2]
        assert sc == {"type": "scope", "name": "sc", "contents": [{"type": "text", "content": "x"}], "scope": "ROOT"}
        handler = table["rows"][1][1]
        assert handler["type"] == "scope" and handler["contents"] == [{"type": "text", "content": "Coding"}]
        name = handler["name"]
        later = c.commands[c.commands.index(next(x for x in c.commands if x["command"] == "output_ctl")):]
        assert later[0]["spec"] == {"clear": name}
        updates = [(x["spec"]["type"], x["spec"].get("content"), x["spec"].get("position", -1)) for x in later[1:]
                   if x["command"] == "output"]
        assert updates == [("text", "Movie", -1), ("text", "Music", -1), ("text", "Drama", -1), ("markdown", None, 0)]


class TestPopupToastEnv:
    def test_popup_call_context_and_decorator(self):
        def main():
            popup("Call", "text", size="small")
            with popup("Ctx", closable=False):
                put_text("inside popup")

            @popup("Deco")
            def fill():
                put_text("deco content")
            fill()
            close_popup()
            with pytest.raises(ValueError):
                popup("x", size="huge")
        c = run_app(main)
        pops = [x["spec"] for x in c.commands if x["command"] == "popup"]
        assert pops[0]["title"] == "Call" and pops[0]["size"] == "small"
        assert pops[0]["contents"] == [{"type": "text", "content": "text"}]
        assert pops[1]["closable"] is False and pops[1]["implicit_close"] is False
        inside = [s for s in c.outputs() if s.get("content") == "inside popup"][0]
        assert inside["scope"] == pops[1]["name"]
        deco = [s for s in c.outputs() if s.get("content") == "deco content"][0]
        assert deco["scope"] == pops[2]["name"]
        assert any(x["command"] == "close_popup" for x in c.commands)

    def test_popup_with_outputs(self):
        def main():
            popup("P", [put_html("<h3>x</h3>"), "plain", put_table([["A"]])])
        pop = [x["spec"] for x in run_app(main).commands if x["command"] == "popup"][0]
        assert [i["type"] for i in pop["contents"]] == ["html", "text", "table"]

    def test_toast(self):
        clicked = []

        def main():
            toast("hi")
            toast("sticky", duration=0, position="right", color="error", onclick=lambda: clicked.append(1))
            toast("hex", color="#abcdef")
            for bad in (dict(color="purple"), dict(position="up"), dict(duration=-1)):
                with pytest.raises(ValueError):
                    toast("x", **bad)
        c = AppClient(main).start()
        c.wait_for("toast", lambda s: s["content"] == "hex")
        t = [x["spec"] for x in c.commands if x["command"] == "toast"]
        assert t[0] == {"content": "hi", "duration": 2000, "position": "center", "color": "#1565c0", "callback_id": None}
        assert t[1]["duration"] == 0 and t[1]["color"] == "#e53935" and t[1]["callback_id"]
        assert t[2]["color"] == "#abcdef"
        c.send("callback", t[1]["callback_id"])
        c.wait_until(lambda: clicked == [1])
        c.close()

    def test_set_env_checks_keys(self):
        def main():
            set_env(title="T", output_animation=False, auto_scroll_bottom=True, output_max_width="90%")
            with pytest.raises(ValueError):
                set_env(colour="red")
            with pytest.raises(TypeError):
                set_env(input_panel_min_height="big")
        env = [x["spec"] for x in run_app(main).commands if x["command"] == "set_env"]
        assert env == [{"title": "T", "output_animation": False, "auto_scroll_bottom": True, "output_max_width": "90%"}]


class TestSessionLifecycle:
    def test_app_with_callbacks_stays_open_until_browser_leaves(self):
        def main():
            put_buttons(["b"], onclick=lambda _: put_text("clicked"))
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        c.click(spec, 0)
        c.wait_for("output", lambda s: s.get("content") == "clicked")
        assert not c.ended
        c.close()
        assert c.ended and not any(x["command"] == "close_session" for x in c.commands)

    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_browser_leaving_raises_in_pending_call_and_runs_defer(self, kind):
        events = []

        def sync_main():
            defer_call(lambda: events.append("first"))
            defer_call(lambda: events.append("second"))
            try:
                eval_js("1")
            except SessionClosedException:
                events.append("closed")
                raise

        async def async_main():
            defer_call(lambda: events.append("first"))
            defer_call(lambda: events.append("second"))
            try:
                await eval_js("1")
            except SessionClosedException:
                events.append("closed")
                raise

        c = AppClient(sync_main if kind == "thread" else async_main).start()
        c.wait_for("run_script")
        c.close()
        c.wait_until(lambda: len(events) == 3)
        assert events.index("first") < events.index("second")
        assert "closed" in events

    def test_calls_after_close_raise(self):
        box = {}
        gate = threading.Event()

        def main():
            put_buttons(["b"], onclick=lambda _: None)
            gate.wait()
            try:
                put_text("after close")
            except SessionClosedException as e:
                box["exc"] = e

        c = AppClient(main).start()
        c.wait_for("output")
        c.close()
        gate.set()
        c.wait_until(lambda: "exc" in box)

    def test_app_exception_shows_toast(self, caplog):
        def main():
            put_text("before")
            raise RuntimeError("boom")
        with caplog.at_level(logging.ERROR, logger="pywebio_lite"):
            c = run_app(main)
        assert any(x["command"] == "toast" and "internal error" in x["spec"]["content"] for x in c.commands)
        assert "boom" in caplog.text
        assert c.commands[-1]["command"] == "close_session"

    def test_debug_exception_shows_traceback_popup(self, caplog):
        def main():
            raise ValueError("visible traceback")
        with caplog.at_level(logging.CRITICAL):
            c = run_app(main, debug=True)
        pop = [x["spec"] for x in c.commands if x["command"] == "popup"][0]
        assert "visible traceback" in pop["contents"][0]["content"]

    def test_callback_exception_shows_toast_and_session_survives(self, caplog):
        def boom(_):
            raise KeyError("cb")

        def main():
            put_buttons(["b"], onclick=boom)
            put_buttons(["ok"], onclick=lambda _: put_text("still alive"))
        c = AppClient(main).start()
        with caplog.at_level(logging.CRITICAL):
            bad = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            c.click(bad, 0)
            c.wait_for("toast")
        ok = [s for s in c.outputs() if s["type"] == "buttons"][1]
        c.click(ok, 0)
        c.wait_for("output", lambda s: s.get("content") == "still alive")
        c.close()

    def test_register_thread_and_unregistered_thread(self):
        box = {}

        def worker():
            put_text("from worker")

        def bad_worker():
            try:
                put_text("x")
            except SessionNotFoundException as e:
                box["exc"] = e

        def main():
            t = threading.Thread(target=worker)
            register_thread(t)
            t.start()
            t2 = threading.Thread(target=bad_worker)
            t2.start()
            t2.join()
            with pytest.raises(TypeError):
                register_thread("not a thread")
        c = run_app(main)
        assert "from worker" in texts(c) and "exc" in box

    def test_serial_mode_runs_callbacks_in_order_in_one_thread(self):
        seen = []

        def cb(v):
            seen.append((v, threading.current_thread().name))

        def main():
            put_buttons(["a", "b", "c"], onclick=cb, serial_mode=True)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        for i in range(3):
            c.click(spec, i)
        c.wait_until(lambda: len(seen) == 3)
        assert [v for v, _ in seen] == ["a", "b", "c"] and len({n for _, n in seen}) == 1
        c.close()

    def test_thread_session_helpers(self):
        box = {}

        def main():
            local.name = "x"
            box["local"] = (local.name, local.missing, "name" in local, len(local))
            with pytest.raises(AssertionError):
                local._private = 1
            box["task"] = get_current_task_id()
            run_js("console.log(a)", a=1)
            download("f.bin", b"\x00\x01")
            go_app("other", new_window=False)
            with pytest.raises(RuntimeError):
                run_async(None)
        c = run_app(main)
        assert box["local"] == ("x", None, True, 1)
        assert box["task"].startswith("main-")
        names = [x["command"] for x in c.commands]
        assert "run_script" in names and "download" in names and "open_app" in names


class TestCoroutineSession:
    def test_run_async_keeps_session_until_done(self):
        async def counter():
            for i in range(3):
                put_text(f"count {i}")
                await asyncio.sleep(0)

        async def main():
            handle = run_async(counter())
            put_text("main exited")
            assert not handle.closed()

        c = run_app(main)
        assert texts(c)[0] == "main exited" and "count 2" in texts(c)

    def test_task_handler_close(self):
        box = {}

        async def forever():
            await asyncio.sleep(3600)

        async def main():
            h = run_async(forever())
            await asyncio.sleep(0)
            h.close()
            await asyncio.sleep(0)
            box["closed"] = h.closed()
        run_app(main)
        assert box["closed"] is True

    def test_coroutine_callbacks_and_mutex_mode(self):
        order = []
        gate = asyncio.Event()

        async def slow(v):
            order.append(("start", v))
            if v == "a":
                await gate.wait()
            order.append(("end", v))

        async def main():
            put_buttons(["a", "b"], onclick=slow, mutex_mode=True)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        c.click(spec, 0)
        c.wait_until(lambda: ("start", "a") in order)
        c.click(spec, 1)
        c.loop.call_soon_threadsafe(gate.set)
        c.wait_until(lambda: len(order) == 4)
        assert order == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b")]
        c.close()

    def test_sync_callback_in_coroutine_session_can_output(self):
        async def main():
            put_buttons(["x"], onclick=lambda v: put_text("sync cb", v))
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        c.click(spec, 0)
        c.wait_for("output", lambda s: s.get("content") == "sync cb x")
        c.close()

    def test_asyncio_gather_with_pywebio_awaitables(self):
        async def main():
            a, b = await asyncio.gather(eval_js("1"), asyncio.sleep(0, result="slept"))
            put_text(a, b)
        c = AppClient(main).start()
        r = c.wait_for("run_script")
        c.send("js_yield", r["task_id"], 1)
        c.wait_for("output", lambda s: s.get("content") == "1 slept")
        c.close()

    def test_register_thread_is_thread_only(self):
        async def main():
            with pytest.raises(RuntimeError):
                register_thread(threading.Thread())
        run_app(main)

    def test_hold_waits_for_browser(self):
        box = {}

        async def main():
            put_text("holding")
            await hold()
            box["returned"] = True
        c = AppClient(main).start()
        c.wait_for("output")
        assert not c.ended
        c.close()
        c.wait_until(lambda: box.get("returned"))


class TestBadInputFromBrowser:
    def test_malformed_and_unknown_frames_are_dropped(self, caplog):
        def main():
            put_buttons(["b"], onclick=lambda _: put_text("clicked"))
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            for frame in ["not json", "[1,2]", '{"events": 3}', '{"events": [{"event": "evil", "task_id": "cb1"}]}',
                          '{"events": [{"event": "callback"}]}', '{"seq": -1, "events": []}',
                          '{"events": [{"event": "callback", "task_id": "cb999"}]}',
                          '{"events": [{"event": "from_submit", "task_id": "nope", "data": {}}]}']:
                c.send_frame(frame)
            c.click(spec, 0)
            c.wait_for("output", lambda s: s.get("content") == "clicked")
        assert caplog.text.count("dropped") >= 8
        c.close()

    def test_another_sessions_callback_id_is_never_run(self):
        ran = []

        def a():
            put_buttons(["a"], onclick=lambda _: ran.append("a"))

        def b():
            put_text("b has no callbacks")
            hold()

        ca, cb = AppClient(a).start(), AppClient(b).start()
        spec = ca.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        cb.wait_for("output")
        cb.click(spec, 0)  # a's callback id, sent to b's session
        ca.click(spec, 0)
        ca.wait_until(lambda: ran == ["a"])
        cb.close()
        ca.close()
        assert ran == ["a"]

    def test_replayed_frame_is_applied_once(self):
        got = []

        def main():
            put_buttons(["b"], onclick=got.append)
        c = AppClient(main).start()
        spec = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
        frame = '{"seq": 5, "events": [{"event": "callback", "task_id": "%s", "data": 0}]}' % spec["callback_id"]
        c.send_frame(frame)
        c.send_frame(frame)
        c.send_frame(frame.replace('"seq": 5', '"seq": 6'))
        c.wait_until(lambda: len(got) == 2)
        c.close()
        assert got == ["b", "b"]


def test_outside_a_session_raises_not_found():
    claim_server_mode()  # in a server process; with no server, script mode starts (test_script_mode.py)
    with pytest.raises(SessionNotFoundException):
        put_text("x")
    with pytest.raises(SessionNotFoundException):
        get_current_session()


class TestNothingLeaks:
    """When the browser leaves, the session's threads and tasks end and the session is freed."""

    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_session_is_freed_after_the_browser_leaves(self, kind):
        import gc
        import weakref
        from pywebio_lite.input import input as ask

        def sync_main():
            put_buttons(["b"], onclick=lambda _: None)
            ask("waiting forever")

        async def async_main():
            async def background():
                await asyncio.sleep(3600)
            run_async(background())
            put_buttons(["b"], onclick=lambda _: None)
            await ask("waiting forever")

        threads_before = set(threading.enumerate())
        client = AppClient(sync_main if kind == "thread" else async_main).start()
        client.wait_for("input_group")
        ref = weakref.ref(client.session)
        client.close()
        for t in set(threading.enumerate()) - threads_before:
            if t.name.startswith("pywebio"):
                t.join()
        del client
        gc.collect()
        assert ref() is None, gc.get_referrers(ref())
        assert not [t for t in threading.enumerate() if t.name.startswith("pywebio") and t not in threads_before]


def test_a_fast_thread_app_waits_for_a_slow_browser(monkeypatch):
    """The outbox is bounded: the app thread waits while the browser is not taking frames."""
    from pywebio_lite.session.base import Session
    monkeypatch.setattr(Session, "max_pending_commands", 100)
    progress = []

    def main():
        for i in range(1000):
            put_text(i)
            progress.append(i)

    client = AppClient(main)
    client._collect = lambda: None  # a browser that reads nothing
    client.start()
    client.wait_until(lambda: client.session._senders_waiting == 1)  # the app thread is parked
    assert len(progress) == 100 and client.session.pending_commands() == 101
    client.close()  # the browser leaves: the waiting app thread is released


def test_gathered_pywebio_calls_each_get_their_own_task():
    """Two eval_js in asyncio.gather wait on two different tasks, so both get their answer."""
    async def main():
        with use_scope("inside"):
            a, b = await asyncio.gather(eval_js("'a'"), eval_js("'b'"))
            put_text(a + b)

    c = AppClient(main).start()
    c.wait_until(lambda: len([x for x in c.commands if x["command"] == "run_script"]) == 2)
    scripts = [x for x in c.commands if x["command"] == "run_script"]
    assert scripts[0]["task_id"] != scripts[1]["task_id"]
    for s in reversed(scripts):
        c.send("js_yield", s["task_id"], s["spec"]["code"].strip("'"))
    out = c.wait_for("output", lambda s: s.get("content") == "ab")["spec"]
    assert out["scope"] == "inside"
    c.close()

"""Script mode without a browser: plain threads call PyWebIO functions with no session, and
pywebio_lite.testing.ScriptModeClient is the page that connects."""

import asyncio
import subprocess
import sys
import textwrap
import threading

import pytest

from pywebio_lite.exceptions import SessionClosedException
from pywebio_lite.input import input, input_group, NUMBER
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.session import defer_call, get_current_session, hold, register_thread, run_async
from pywebio_lite.testing import ScriptModeClient


def texts(client):
    return [s["content"] for s in client.outputs() if s["type"] == "text"]


def run_script(body):
    """Run `body` as the script's main code in a plain (unregistered) thread; returns (thread, box)."""
    box = {}

    def main():
        try:
            box["result"] = body()
        except BaseException as exc:  # the test looks at it
            box["error"] = exc

    thread = threading.Thread(target=main, name="script")
    thread.start()
    return thread, box


def test_the_first_call_starts_script_mode_and_output_streams():
    with ScriptModeClient() as page:
        def body():
            put_text("hello")
            return input("Name?")
        script, box = run_script(body)
        form = page.wait_for("input_group")
        assert texts(page) == ["hello"]
        assert form["spec"]["label"] == "Name?"
        page.submit(form, {form["spec"]["inputs"][0]["name"]: "Ada"})
        script.join()
        assert box == {"result": "Ada"}
        page.script_exits()
        page.wait_closed()
        assert page.commands[-1]["command"] == "close_session"
        assert page.session.ended_by_app


def test_input_group_and_number_values_come_back_typed():
    with ScriptModeClient() as page:
        script, box = run_script(lambda: input_group("Info", [input("Age", name="age", type=NUMBER)]))
        form = page.wait_for("input_group")
        page.submit(form, {"age": 42})
        script.join()
        assert box["result"] == {"age": 42}


def test_threads_started_by_the_script_need_no_register_thread():
    with ScriptModeClient() as page:
        def worker(n):
            put_text(f"from worker {n}")

        def body():
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            put_text("main done")
        script, box = run_script(body)
        script.join()
        assert "error" not in box
        page.wait_for("output", lambda spec: spec.get("content") == "main done")
        assert sorted(texts(page)) == ["from worker 0", "from worker 1", "from worker 2", "main done"]
        # each thread is its own task of the one session
        assert {c.get("task_id") for c in page.commands if c["command"] == "output"} <= {None}


def test_threads_have_their_own_task_ids_for_inputs():
    with ScriptModeClient() as page:
        answers = {}

        def worker():
            answers["worker"] = input("Worker asks")

        def body():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            answers["main"] = input("Main asks")
        script, box = run_script(body)
        first = page.wait_for("input_group")
        page.submit(first, {first["spec"]["inputs"][0]["name"]: "w"})
        second = page.wait_for("input_group", after=page.commands.index(first) + 1)
        assert first["task_id"] != second["task_id"]
        page.submit(second, {second["spec"]["inputs"][0]["name"]: "m"})
        script.join()
        assert answers == {"worker": "w", "main": "m"}


def test_register_thread_still_works_in_script_mode():
    with ScriptModeClient() as page:
        def body():
            t = threading.Thread(target=lambda: put_text("registered"))
            register_thread(t)
            t.start()
            t.join()
        script, box = run_script(body)
        script.join()
        assert "error" not in box
        page.wait_for("output", lambda spec: spec.get("content") == "registered")


def test_tab_closed_mid_input_raises_session_closed_and_runs_deferred():
    with ScriptModeClient() as page:
        ran = []

        def body():
            defer_call(lambda: ran.append("deferred"))
            try:
                input("Waiting")
            except SessionClosedException:
                ran.append("caught")
            try:
                put_text("after close")
            except SessionClosedException:
                ran.append("later call refused")
        script, box = run_script(body)
        page.wait_for("input_group")
        page.close()  # the person closes the tab
        script.join()
        page.session.deferred_done.wait()
        assert "caught" in ran and "later call refused" in ran and "deferred" in ran
        assert not page.session.ended_by_app


def test_hold_keeps_callbacks_working_until_the_tab_closes():
    with ScriptModeClient() as page:
        clicks = []

        def body():
            put_buttons(["Press"], onclick=lambda i: (clicks.append(i), put_text("pressed")))
            hold()
            return "held until closed"
        script, box = run_script(body)
        buttons = page.wait_for("output", lambda spec: spec["type"] == "buttons")
        page.click(buttons["spec"], 0)
        page.wait_for("output", lambda spec: spec.get("content") == "pressed")
        assert script.is_alive()
        page.close()
        script.join()
        assert box == {"result": "held until closed"} and clicks == ["Press"]


def test_callbacks_keep_the_session_after_the_script_ends_until_the_tab_closes():
    with ScriptModeClient() as page:
        def body():
            put_buttons(["Press"], onclick=lambda i: put_text("pressed"))
        script, box = run_script(body)
        script.join()
        ender = threading.Thread(target=page.script_exits)
        ender.start()
        buttons = page.wait_for("output", lambda spec: spec["type"] == "buttons")
        page.click(buttons["spec"], 0)
        page.wait_for("output", lambda spec: spec.get("content") == "pressed")
        assert ender.is_alive()  # the end of the script waits for the page
        page.close()
        ender.join()


def test_a_coroutine_calling_pywebio_outside_a_session_is_refused():
    with ScriptModeClient():
        async def app():
            put_text("x")

        with pytest.raises(RuntimeError, match="start_server"):
            asyncio.run(app())


def test_run_async_is_refused_in_script_mode():
    with ScriptModeClient():
        async def coro():
            pass

        def body():
            c = coro()
            try:
                run_async(c)
            finally:
                c.close()
        script, box = run_script(body)
        script.join()
        assert isinstance(box["error"], RuntimeError) and "coroutine-based" in str(box["error"])


def test_start_server_after_script_mode_raises_pywebios_error():
    from pywebio_lite import start_server
    with ScriptModeClient():
        script, box = run_script(lambda: put_text("started"))
        script.join()
        with pytest.raises(RuntimeError, match="Already in script mode, can't start server"):
            start_server(lambda: None, port=0, host="127.0.0.1")


def test_a_second_page_gets_no_session():
    with ScriptModeClient() as page:
        script, box = run_script(lambda: put_text("one"))
        script.join()
        assert page.state.attach({}, loop=page.loop, on_output=lambda: None, on_close=lambda: None) is None


def test_after_a_server_started_there_is_no_script_mode():
    from pywebio_lite.exceptions import SessionNotFoundException
    from pywebio_lite.session.base import claim_server_mode
    with ScriptModeClient():
        claim_server_mode()
        with pytest.raises(SessionNotFoundException):
            get_current_session()


def test_bad_port_variable_names_it():
    code = "from pywebio_lite.output import put_text\nput_text('x')\n"
    proc = subprocess.run([sys.executable, "-c", code], env={"PYWEBIO_SCRIPT_MODE_PORT": "eighty"},
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "PYWEBIO_SCRIPT_MODE_PORT" in proc.stderr


def test_no_usable_browser_is_detected(monkeypatch):
    from pywebio_lite.platform import script_mode
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(script_mode.sys, "platform", "linux")
    opened = []
    monkeypatch.setattr(script_mode.webbrowser, "open", lambda url: opened.append(url) or True)
    assert script_mode.open_browser("http://127.0.0.1:1/") is False and opened == []
    monkeypatch.setenv("DISPLAY", ":0")
    assert script_mode.open_browser("http://127.0.0.1:1/") is True and opened == ["http://127.0.0.1:1/"]

    def fail(url):
        raise script_mode.webbrowser.Error("no browser")
    monkeypatch.setattr(script_mode.webbrowser, "open", fail)
    assert script_mode.open_browser("http://127.0.0.1:1/") is False


def test_importing_pywebio_lite_does_not_load_script_mode():
    code = ("import sys, pywebio_lite, pywebio_lite.output, pywebio_lite.input, pywebio_lite.session\n"
            "print('pywebio_lite.platform.script_mode' in sys.modules, "
            "'pywebio_lite.session.scriptmode' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "False"]


def test_a_script_ended_by_ctrl_c_does_not_wait_for_the_page():
    with ScriptModeClient() as page:
        script, box = run_script(lambda: put_buttons(["Press"], onclick=lambda i: None))
        script.join()
        page.state.interrupted = True  # what sys.excepthook notes for a KeyboardInterrupt
        page.script_exits()
        page.wait_closed()
        assert page.session.ended_by_app and page.commands[-1]["command"] == "close_session"


def test_ctrl_c_is_noted_by_the_excepthook():
    code = textwrap.dedent("""
        import sys, threading
        from pywebio_lite.platform import script_mode
        from pywebio_lite.output import put_text
        script_mode.launcher = lambda state: None   # no server, no page
        script_mode.ScriptMode.finish = lambda self: print("interrupted:", self.interrupted)
        threading.Thread(target=lambda: put_text("x"), daemon=True).start()
        while script_mode._state is None:
            pass
        raise KeyboardInterrupt
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "interrupted: True" in proc.stdout


def test_the_page_after_the_first_says_why_there_is_none():
    from pywebio_lite.platform.script_mode import ScriptMode, _ScriptModeApp
    from pywebio_lite.protocol.http import Request
    state = ScriptMode()
    app = _ScriptModeApp(state)
    first = asyncio.run(app.handle_request(Request("GET", "/")))
    assert first.status == 200 and b"main.js" in first.body
    assert app.connection_for(Request("GET", "/")) is not None
    refused = app.connection_for(Request("GET", "/"))
    assert refused.status == 409  # only the first socket is accepted
    busy = asyncio.run(app.handle_request(Request("GET", "/")))
    assert busy.status == 409 and b"already shown in another tab" in busy.body
    loop = asyncio.new_event_loop()
    session = state.attach({}, loop=loop, on_output=lambda: None, on_close=lambda: None)
    session.close()
    ended = asyncio.run(app.handle_request(Request("GET", "/")))
    assert ended.status == 409 and b"session has ended" in ended.body
    loop.close()

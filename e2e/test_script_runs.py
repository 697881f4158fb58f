"""Script mode in Chromium: real scripts run as subprocesses, PyWebIO calls at their top level.

Each script runs with PYWEBIO_SCRIPT_MODE_PORT (a free port, no browser opened) and prints the
page's URL to stderr; the test opens it the way a person would.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
URL_LINE = re.compile(r"open (http://\S+) in a browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Script:
    """A script running in its own Python process."""

    def __init__(self, path: Path, env: dict, args=()):
        self.proc = subprocess.Popen([sys.executable, *args, str(path)], env=env, cwd=path.parent,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.stderr_lines: list[str] = []

    def url(self) -> str:
        """Read stderr until script mode prints its URL (the script blocks until the page connects)."""
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            match = URL_LINE.search(line)
            if match:
                return match.group(1)
        raise AssertionError("the script ended without printing its URL: " + "".join(self.stderr_lines))

    def finish(self) -> tuple[int, str, str]:
        """Wait for the script to exit: (returncode, stdout, stderr)."""
        if self.proc.stdin is not None and self.proc.stdin.closed:
            self.proc.stdin = None
        out, err = self.proc.communicate()
        return self.proc.returncode, out, "".join(self.stderr_lines) + err


@pytest.fixture
def script(tmp_path):
    started: list[Script] = []

    def run(code: str, *, port: bool = True, extra_env: dict | None = None, args=()) -> Script:
        path = tmp_path / "script.py"
        path.write_text(textwrap.dedent(code), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
        env["PYTHONPATH"] = str(ROOT)
        env.pop("PYWEBIO_SCRIPT_MODE_PORT", None)
        if port:
            env["PYWEBIO_SCRIPT_MODE_PORT"] = str(_free_port())
        env.update(extra_env or {})
        proc = Script(path, env, args)
        proc.port = env.get("PYWEBIO_SCRIPT_MODE_PORT")
        started.append(proc)
        return proc

    yield run
    for proc in started:
        if proc.proc.poll() is None:
            proc.proc.kill()
        proc.finish()


def test_input_and_output_in_a_plain_script(page, page_errors, script, shot):
    run = script("""
        from pywebio_lite.input import input, NUMBER
        from pywebio_lite.output import put_text, put_table

        put_text("Welcome to the script")
        name = input("Your name")
        age = input("Your age", type=NUMBER)
        put_table([["Name", "Age"], [name, age]])
        print("got", name, age + 1)
    """)
    url = run.url()
    assert url == f"http://127.0.0.1:{run.port}/"  # PYWEBIO_SCRIPT_MODE_PORT is the port
    page.goto(url)
    expect(page.get_by_text("Welcome to the script")).to_be_visible()
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    page.get_by_label("Your age").fill("36")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("cell", name="Ada")).to_be_visible()
    # The script ended: the page says so and keeps the output readable.
    expect(page.get_by_text("Session ended")).to_be_visible()
    expect(page.get_by_text("Welcome to the script")).to_be_visible()
    shot(page, "script-mode-ended")
    code, out, err = run.finish()
    assert code == 0, err
    assert "got Ada 37" in out


def test_threads_of_the_script_call_pywebio_without_register_thread(page, page_errors, script):
    run = script("""
        import threading
        from pywebio_lite.input import input
        from pywebio_lite.output import put_text

        def worker(n):
            put_text(f"worker {n} says hello")

        def asker():
            answer = input("Question from a thread")
            put_text(f"the thread heard {answer}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
        threads.append(threading.Thread(target=asker))
        for t in threads:
            t.start()
        put_text("main thread is done")   # the script ends only when every thread has
    """)
    page.goto(run.url())
    for n in range(3):
        expect(page.get_by_text(f"worker {n} says hello")).to_be_visible()
    expect(page.get_by_text("main thread is done")).to_be_visible()
    page.get_by_label("Question from a thread").fill("yes")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("the thread heard yes")).to_be_visible()
    expect(page.get_by_text("Session ended")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err


def test_closing_the_tab_mid_input_raises_session_closed_and_runs_defer_call(page, page_errors, script):
    run = script("""
        from pywebio_lite.exceptions import SessionClosedException
        from pywebio_lite.input import input
        from pywebio_lite.output import put_text
        from pywebio_lite.session import defer_call

        defer_call(lambda: print("deferred ran", flush=True))
        put_text("about to ask")
        try:
            input("Never answered")
        except SessionClosedException:
            print("caught SessionClosedException", flush=True)
    """)
    page.goto(run.url())
    expect(page.get_by_label("Never answered")).to_be_visible()
    page.close()
    code, out, err = run.finish()
    assert code == 0, err
    assert "caught SessionClosedException" in out and "deferred ran" in out


def test_hold_keeps_callbacks_alive_until_the_tab_closes(page, page_errors, script):
    run = script("""
        from pywebio_lite.output import put_buttons, put_text
        from pywebio_lite.session import hold

        count = []
        def on_click(label):
            count.append(label)
            put_text(f"clicked {len(count)} times")

        put_buttons(["Click me"], onclick=on_click)
        hold()
        print("hold returned after", len(count), "clicks", flush=True)
    """)
    page.goto(run.url())
    button = page.get_by_role("button", name="Click me")
    button.click()
    expect(page.get_by_text("clicked 1 times")).to_be_visible()
    button.click()
    expect(page.get_by_text("clicked 2 times")).to_be_visible()
    assert run.proc.poll() is None  # still held
    page.close()
    code, out, err = run.finish()
    assert code == 0, err
    assert "hold returned after 2 clicks" in out


def test_without_a_browser_the_url_is_printed_to_stderr(page, page_errors, script):
    # No PYWEBIO_SCRIPT_MODE_PORT, no DISPLAY, no BROWSER: a headless, air-gapped machine.
    run = script("""
        from pywebio_lite.output import put_markdown
        put_markdown("# Opened by hand")
    """, port=False)
    url = run.url()
    assert url.startswith("http://127.0.0.1:")
    page.goto(url)
    expect(page.get_by_role("heading", name="Opened by hand")).to_be_visible()
    expect(page.get_by_text("Session ended")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err


def test_the_browser_is_opened_with_webbrowser(page, page_errors, script, tmp_path):
    fake = tmp_path / "fake_browser.py"
    fake.write_text("import sys\nprint('BROWSER-OPENED', sys.argv[1], flush=True)\n", encoding="utf-8")
    run = script("""
        from pywebio_lite.output import put_text
        put_text("shown in the opened browser")
    """, port=False, extra_env={"BROWSER": f"{sys.executable} {fake} %s"})
    line = run.proc.stdout.readline()
    assert line.startswith("BROWSER-OPENED http://127.0.0.1:")
    page.goto(line.split()[1])
    expect(page.get_by_text("shown in the opened browser")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err
    assert "in a browser" not in err  # the browser opened: no URL to copy by hand


def test_show_in_an_interactive_python_shell(page, page_errors, script):
    run = script("", args=("-i", "-q"))
    run.proc.stdin.write('from pywebio_lite.output import put_text\nput_text("Hello world!").show()\n')
    run.proc.stdin.flush()
    page.goto(run.url())
    expect(page.get_by_text("Hello world!")).to_be_visible()
    run.proc.stdin.write('put_text("second line").show()\n')
    run.proc.stdin.close()  # end of the session at the shell's exit
    expect(page.get_by_text("second line")).to_be_visible()
    expect(page.get_by_text("Session ended")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err


def test_a_coroutine_app_is_refused_with_a_clear_error(script):
    run = script("""
        import asyncio
        from pywebio_lite.output import put_text

        async def main():
            put_text("never shown")

        asyncio.run(main())
    """)
    code, out, err = run.finish()
    assert code != 0
    assert "cannot run in script mode" in err and "start_server" in err


def test_start_server_after_script_mode_raises(page, page_errors, script):
    run = script("""
        from pywebio_lite import start_server
        from pywebio_lite.output import put_text

        put_text("script mode began")
        try:
            start_server(lambda: None, port=0)
        except RuntimeError as e:
            put_text(f"refused: {e}")
    """)
    page.goto(run.url())
    expect(page.get_by_text("refused: Already in script mode, can't start server")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err


def test_a_second_tab_gets_no_session_and_the_first_keeps_it(page, page_errors, script, context):
    run = script("""
        from pywebio_lite.input import input
        from pywebio_lite.output import put_text
        put_text("only one page")
        put_text("answer: " + input("Still mine?"))
    """)
    url = run.url()
    page.goto(url)
    expect(page.get_by_text("only one page")).to_be_visible()
    second = context.new_page()
    assert second.goto(url).status == 409
    expect(second.get_by_role("heading", name="This script is already shown in another tab")).to_be_visible()
    expect(second.get_by_text("only one page")).to_have_count(0)
    page.get_by_label("Still mine?").fill("yes")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("answer: yes")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err


def test_ctrl_c_ends_a_held_script_and_the_page_says_so(page, page_errors, script):
    import signal
    run = script("""
        from pywebio_lite.output import put_buttons, put_text
        from pywebio_lite.session import hold
        put_buttons(["Still here"], onclick=lambda _: put_text("clicked"))
        hold()
    """)
    page.goto(run.url())
    page.get_by_role("button", name="Still here").click()
    expect(page.get_by_text("clicked")).to_be_visible()
    run.proc.send_signal(signal.SIGINT)   # the person presses Ctrl-C in the terminal
    expect(page.get_by_text("Session ended")).to_be_visible()
    code, out, err = run.finish()
    assert "KeyboardInterrupt" in err


def test_reloading_the_page_ends_the_session_and_says_so(page, page_errors, script):
    run = script("""
        from pywebio_lite.exceptions import SessionClosedException
        from pywebio_lite.input import input
        try:
            input("Reload me")
        except SessionClosedException:
            print("closed by the reload", flush=True)
    """)
    page.goto(run.url())
    expect(page.get_by_label("Reload me")).to_be_visible()
    page.reload()  # the old page's socket closes while the new page is asked for
    expect(page.get_by_text("run the script again for a new one")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0 and "closed by the reload" in out


def test_show_in_ipython(page, page_errors, script, tmp_path):
    run = script("", args=("-m", "IPython", "--simple-prompt", "--no-banner", "--colors=nocolor", "-i"),
                 extra_env={"IPYTHONDIR": str(tmp_path / "ipython")})
    run.proc.stdin.write('from pywebio_lite.output import put_text\nput_text("Hello from IPython").show()\n')
    run.proc.stdin.flush()
    page.goto(run.url())
    expect(page.get_by_text("Hello from IPython")).to_be_visible()
    run.proc.stdin.write('put_text("one more").show()\n')
    run.proc.stdin.close()  # the shell exits: the session ends
    expect(page.get_by_text("one more")).to_be_visible()
    expect(page.get_by_text("Session ended")).to_be_visible()
    code, out, err = run.finish()
    assert code == 0, err

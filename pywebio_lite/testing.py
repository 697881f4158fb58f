"""An in-process test client: run an app in a real session without a browser or a socket.

    from pywebio_lite.testing import AppClient

    with AppClient(main) as client:
        form = client.wait_for("input_group")
        client.submit(form, {"data": "Ada"})
        client.wait_for("output", lambda spec: spec.get("content") == "Hello, Ada")

The client plays the page's part of the protocol (docs/protocol.md): it receives the session's
frames, keeps every command in `commands`, and sends events back. The session runs on an event
loop in a background thread, like under the real server.

`ScriptModeClient` plays the browser of script mode instead: code run in plain threads calls
PyWebIO functions with no session, and the client is the page that connects.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any, Callable

from .session import session_class_for

__all__ = ["AppClient", "ScriptModeClient", "self_signed_certificate"]


class AppClient:
    """Drive one session of `app` the way a browser would."""

    #: How long wait_for() waits before failing, so a broken test fails instead of hanging.
    timeout = 30.0

    def __init__(self, app: Callable, *, session_info: dict | None = None, debug: bool = False):
        self.app = app
        self.session_info = session_info if session_info is not None else {
            "user_agent": None, "user_language": "en", "server_host": "localhost", "origin": "",
            "user_ip": "127.0.0.1", "backend": "testing", "protocol": "test", "request": None}
        self.debug = debug
        self.commands: list[dict] = []
        self.frames: list[dict] = []
        self._cond = threading.Condition()
        self._seq = 0
        self._ended = False
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="pywebio-test-loop")
        self.session = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> "AppClient":
        self._thread.start()
        ready = threading.Event()

        def create():
            cls = session_class_for(self.app)
            self.session = cls(self.app, self.session_info, loop=self.loop,
                               on_output=self._collect, on_close=self._on_close)
            if self.debug:
                self.session.debug = True
            self.session.start()
            ready.set()

        self.loop.call_soon_threadsafe(create)
        ready.wait()
        return self

    def __enter__(self) -> "AppClient":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """The browser leaves: close the session, then stop the loop."""
        if self.session is not None and not self.session.closed():
            self.loop.call_soon_threadsafe(self.session.close)
            self.wait_until(lambda: self._ended)
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()

    def _on_close(self) -> None:
        self._collect()
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    @property
    def ended(self) -> bool:
        """True once the session has closed (the app ended, or close() was called)."""
        return self._ended

    # ---------------------------------------------------------------- receiving
    def _collect(self) -> None:
        while True:
            frame = self.session.take_frame()
            if frame is None:
                return
            msg = json.loads(frame)
            with self._cond:
                self.frames.append(msg)
                self.commands.extend(msg["commands"])
                self._cond.notify_all()

    def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate()` is true. It is checked on every frame and every few milliseconds,
        since it may watch state the app changes without sending anything."""
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting; last commands: {self.commands[-10:]}")
                self._cond.wait(min(remaining, 0.005))

    def wait_for(self, command: str, match: Callable[[Any], bool] | None = None, *, after: int = 0) -> dict:
        """The first command named `command` (from index `after`) whose spec satisfies `match`."""
        found: list[dict] = []

        def check():
            for cmd in self.commands[after:]:
                if cmd["command"] == command and (match is None or match(cmd.get("spec"))):
                    found.append(cmd)
                    return True
            return False

        self.wait_until(check)
        return found[0]

    def wait_closed(self) -> None:
        """Wait until the session has closed."""
        self.wait_until(lambda: self._ended)

    def outputs(self) -> list[dict]:
        """The specs of every `output` command so far."""
        with self._cond:
            return [c["spec"] for c in self.commands if c["command"] == "output"]

    # ---------------------------------------------------------------- sending
    def send_frame(self, text: str) -> None:
        """Send a raw frame, as a (possibly misbehaving) browser would."""
        self.loop.call_soon_threadsafe(self.session.dispatch_frame, text)

    def send(self, event: str, task_id: str, data: Any = None, *, form: str | None = None) -> None:
        """Send one event in its own numbered frame (`form`: the form id, for form events)."""
        self._seq += 1
        item = {"event": event, "task_id": task_id, "data": data}
        if form is not None:
            item["form"] = form
        self.send_frame(json.dumps({"seq": self._seq, "events": [item]}))

    def click(self, spec: dict, index: int = 0) -> None:
        """Click button `index` of a `buttons` spec (or the element of a spec with `onclick`)."""
        if "callback_id" in spec:
            self.send("callback", spec["callback_id"], index)
        else:
            for callback_id in spec["onclick"]:
                self.send("callback", callback_id, None)

    def submit(self, form_command: dict, values: dict) -> None:
        """Submit the form of an `input_group` command with `values` (options as indices)."""
        self.send("from_submit", form_command["task_id"], values, form=form_command["spec"]["form_id"])

    def input_event(self, form_command: dict, name: str, value: Any, event_name: str = "change") -> None:
        """A blur or change event of a form field."""
        self.send("input_event", form_command["task_id"], {"event_name": event_name, "name": name, "value": value},
                  form=form_command["spec"]["form_id"])

    def cancel(self, form_command: dict) -> None:
        self.send("from_cancel", form_command["task_id"], None, form=form_command["spec"]["form_id"])

    def send_binary(self, message: bytes) -> None:
        """Send a raw binary message (an upload chunk)."""
        self.loop.call_soon_threadsafe(self.session.dispatch_binary, message)

    def upload(self, target: str, name: str, file: int, content: bytes, *, chunk_size: int = 256 * 1024,
               declared_size: int | None = None) -> None:
        """Send `content` as upload chunks, as the page does before a submit (docs/input-protocol.md §3)."""
        size = len(content) if declared_size is None else declared_size
        offsets = range(0, len(content), chunk_size) if content else [0]
        for offset in offsets:
            head = json.dumps({"target": target, "name": name, "file": file, "size": size,
                               "offset": offset}).encode()
            self.send_binary(len(head).to_bytes(4, "big") + head + content[offset:offset + chunk_size])

    @staticmethod
    def file_descriptor(file: int, filename: str, size: int, mime_type: str = "application/octet-stream",
                        last_modified: float = 0.0) -> dict:
        """The value a file item carries in a submit for an uploaded file."""
        return {"file": file, "filename": filename, "size": size, "mime_type": mime_type,
                "last_modified": last_modified}


def self_signed_certificate(folder) -> tuple[str, str]:
    """Make a self-signed certificate for localhost / 127.0.0.1 in `folder`: (cert.pem, key.pem).

    For testing HTTPS (``start_server(certfile=..., keyfile=...)``). The `ssl` module cannot make
    certificates, so this runs the `openssl` command (Debian's package `openssl`).
    """
    import os
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        raise RuntimeError("self_signed_certificate needs the openssl command (apt-get install openssl)")
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key
class ScriptModeClient(AppClient):
    """The browser end of script mode, without a server or a browser.

        def script():                 # what the script does, in a plain thread
            put_text("hi")
            return input("Name")

        with ScriptModeClient() as page:
            thread = threading.Thread(target=script)
            thread.start()
            form = page.wait_for("input_group")
            page.submit(form, {"data": "Ada"})
            thread.join()
            page.script_exits()   # what the interpreter does once every thread has ended

    While the client is open, this process counts as never having started a server, so the first
    PyWebIO call outside a session starts script mode, whose page this client is. Closing the
    client (the tab closes) restores the process's previous mode.
    """

    def __init__(self, *, session_info: dict | None = None, debug: bool = False):
        super().__init__(None, session_info=session_info, debug=debug)
        self.state = None
        self._saved = None

    def start(self) -> "ScriptModeClient":
        from .platform import script_mode
        from .session import base
        self._saved = (base.process_mode, script_mode.launcher, script_mode._state)
        base.process_mode = None
        script_mode._state = None
        script_mode.launcher = self._launch
        self._thread.start()
        return self

    def _launch(self, state) -> None:
        self.state = state

        def attach():
            self.session = state.attach(self.session_info, loop=self.loop, on_output=self._collect,
                                        on_close=self._on_close, debug=self.debug)

        self.loop.call_soon_threadsafe(attach)

    def script_exits(self) -> None:
        """Run what happens when the script's last non-daemon thread has finished."""
        self.state.finish()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._saved is not None:
                from .platform import script_mode
                from .session import base
                base.process_mode, script_mode.launcher, script_mode._state = self._saved
                self._saved = None

"""remote_access: a temporary public address for a local app, through an ``ssh -R`` tunnel.

``start_server(main, remote_access=True)`` runs the system's OpenSSH client::

    ssh -R 80:127.0.0.1:PORT -p 1022 app.pywebio.online -- --output json

The tunnel service (PyWebIO's by default; any host that speaks the same way with
``remote_access="user@host:port"`` or ``PYWEBIO_LITE_REMOTE_ACCESS``) answers with JSON lines on
the session's output, ``{"status": "success", "address": "https://..."}`` or ``{"status":
"error", "message": "..."}``, and forwards the public address's traffic down the tunnel to the
app. The address is printed. Nothing here is needed to serve locally: when ssh is missing, the
host cannot be reached or the service refuses, a clear message says so and the app keeps
serving on its local address. Extra ssh arguments (a key: ``-i ~/.ssh/tunnel``) come from
``PYWEBIO_LITE_REMOTE_ACCESS_SSH``.

`parse_service` and `parse_answer` are pure; `RemoteAccess` runs the ssh process in a thread.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading

__all__ = ["RemoteAccess", "DEFAULT_SERVICE", "parse_service", "parse_answer", "start_remote_access",
           "remote_access_for"]

logger = logging.getLogger("pywebio_lite.server")

#: PyWebIO's tunnel service: host, ssh port and the remote port asked for.
DEFAULT_SERVICE = "app.pywebio.online:1022"
SERVICE_ENV = "PYWEBIO_LITE_REMOTE_ACCESS"
SSH_ARGS_ENV = "PYWEBIO_LITE_REMOTE_ACCESS_SSH"
_SERVICE = re.compile(r"(?:(?P<user>[A-Za-z0-9._-]{1,64})@)?(?P<host>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])"
                      r"(?::(?P<port>[0-9]{1,5}))?(?:/(?P<remote>[0-9]{1,5}))?")


def parse_service(value) -> tuple[str | None, str, int, int]:
    """(user, host, ssh port, remote port) of a service ``[user@]host[:ssh_port][/remote_port]``.

    True (or "") means the default service (or the one in ``PYWEBIO_LITE_REMOTE_ACCESS``)."""
    if value is True or value == "":
        value = os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE
    if not isinstance(value, str):
        raise TypeError("remote_access must be True or a service '[user@]host[:ssh_port][/remote_port]'")
    match = _SERVICE.fullmatch(value.strip())
    if match is None or match["host"].startswith("-"):
        raise ValueError(f"remote_access {value!r}: expected '[user@]host[:ssh_port][/remote_port]'")
    port = int(match["port"] or 22)
    remote = int(match["remote"] or 80)
    if not 0 < port < 65536 or not 0 <= remote < 65536:
        raise ValueError(f"remote_access {value!r}: ports must be below 65536")
    return match["user"], match["host"].strip("[]"), port, remote


def parse_answer(line: str) -> tuple[str, str] | None:
    """("address", URL) or ("error", message) from one line the service printed, else None."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if data.get("status") == "success" and isinstance(data.get("address"), str):
        address = data["address"]
        if re.fullmatch(r"https?://[^\s\"'<>]{1,300}", address):
            return "address", address
        return "error", "the service answered with an address that is not an http(s) URL"
    if data.get("status") in ("error", "fail", "failed"):
        return "error", str(data.get("message") or data.get("msg") or "the service refused the tunnel")[:500]
    return None


def ssh_command(local_port: int, service, *, ssh: str = "ssh", extra_args=()) -> list[str]:
    """The ssh command line that opens the tunnel to `service` for an app on `local_port`."""
    user, host, port, remote = parse_service(service)
    target = f"{user}@{host}" if user else host
    return [ssh, "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=30",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", *extra_args,
            "-R", f"{remote}:127.0.0.1:{local_port}", "-p", str(port), target, "--", "--output", "json"]


class RemoteAccess:
    """The ssh tunnel of one server; `start()` returns at once, `address` is set once known."""

    def __init__(self, local_port: int, service=True, *, out=None):
        self.local_port = local_port
        self.service = service
        parse_service(service)  # a bad value is the caller's error, now
        self.out = out or sys.stdout
        self.address: str | None = None
        self.error: str | None = None
        self.ready = threading.Event()  # set when the address is known or the tunnel failed
        self._proc: subprocess.Popen | None = None
        self._stopping = False

    def _say(self, text: str) -> None:
        try:
            print(text, file=self.out, flush=True)
        except (OSError, ValueError):
            pass

    def _fail(self, message: str) -> None:
        self.error = message
        self._say(f"Remote access is not available: {message}. The app is still served locally.")
        self.ready.set()

    def start(self) -> "RemoteAccess":
        ssh = shutil.which("ssh")
        if ssh is None:
            self._fail("the ssh command (OpenSSH client) was not found")
            return self
        extra = shlex.split(os.environ.get(SSH_ARGS_ENV, ""))
        command = ssh_command(self.local_port, self.service, ssh=ssh, extra_args=extra)
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, errors="replace")
        except OSError as exc:
            self._fail(f"ssh could not be started ({exc})")
            return self
        threading.Thread(target=self._watch, name="pywebio_lite-remote-access", daemon=True).start()
        return self

    def _watch(self) -> None:
        proc = self._proc
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
        drain.start()
        for line in proc.stdout:
            answer = parse_answer(line)
            if answer is None:
                continue
            kind, text = answer
            if kind == "address" and self.address is None:
                self.address = text
                bar = "=" * 72
                self._say(f"{bar}\nRemote access: your app is public for now at\n\n    {text}\n\n"
                          f"Anyone with this address can use it. Stop the server to end it.\n{bar}")
                self.ready.set()
            elif kind == "error":
                self._fail(f"the tunnel service said: {text}")
        code = proc.wait()
        drain.join(timeout=5)
        if self._stopping:
            return
        detail = next((e.strip() for e in reversed(errors) if e.strip()), "")
        if self.address is None and self.error is None:
            self._fail(f"ssh exited with code {code}" + (f" ({detail[:300]})" if detail else ""))
        elif self.address is not None:
            logger.warning("the remote access tunnel closed (ssh exited with code %s%s)", code,
                           f": {detail[:300]}" if detail else "")

    def stop(self) -> None:
        self._stopping = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def start_remote_access(local_port: int, service=True) -> RemoteAccess:
    """Open the tunnel for a server listening on `local_port` (see the module docstring)."""
    return RemoteAccess(local_port, service).start()


@contextlib.contextmanager
def remote_access_for(local_port: int, service):
    """While the block runs, the tunnel of `service` (a start_server's `remote_access` value;
    nothing when it is false) for a server listening on `local_port`."""
    tunnel = start_remote_access(local_port, service) if service else None
    try:
        yield tunnel
    finally:
        if tunnel is not None:
            tunnel.stop()

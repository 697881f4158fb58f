"""Helpers shared by the benchmarks: processes, free ports, waiting for a port, RESULTS.md sections."""
from __future__ import annotations

import contextlib
import os
import pathlib
import re
import socket
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
#: The benchmark venv: PyWebIO 1.8.4, websockets, Playwright (never a dependency of the package).
BENCH_PY = os.environ.get("BENCH_PYTHON", str(HERE / ".venv" / "bin" / "python"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@contextlib.contextmanager
def process(args: list[str], *, port: int | None = None, env: dict | None = None, quiet: bool = True):
    """Run a process for the duration of a with-block (waiting for `port` to listen first)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(args, env=full_env, stdout=out, stderr=out, cwd=ROOT)
    try:
        if port is not None:
            wait_port(port)
        yield proc
    finally:
        stop(proc)


def stop(proc) -> None:
    """End a benchmark's server process: terminate, and kill it if it has not gone in 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def update_results(section: str, markdown: str) -> None:
    """Replace (or add) the `section` block of bench/RESULTS.md."""
    start, end = f"<!-- {section} -->", f"<!-- /{section} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def proc_status(pid: int, field: str) -> int:
    """A number from /proc/PID/status (e.g. VmRSS in kB, Threads)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def rss_kb(pid: int) -> int:
    """Resident memory of the process in kB."""
    return proc_status(pid, "VmRSS")


#: Other jobs share this machine's 2 cores (load averages of 20+ while the team works). The load
#: and attack benchmarks measure our server, not the kernel's sharing: when they may (root), they
#: run at nice -10, and so does the server they start (children inherit it); an attacker runs at
#: nice 19 (`lowest_priority`), as if it had its own machine.
RAISED_NICE = -10


def raise_priority() -> bool:
    """Run this process (and the processes it starts) at nice RAISED_NICE; False if not allowed."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, RAISED_NICE)
    except (AttributeError, OSError):
        return False
    return True


def lowest_priority() -> None:
    """preexec_fn for a process that must not compete with the one being measured."""
    os.setpriority(os.PRIO_PROCESS, 0, 19)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"

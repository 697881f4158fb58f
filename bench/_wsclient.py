"""A small asyncio WebSocket client for the load, soak and hostile benchmarks, built on the
package's own sans-I/O `WebSocketProtocol` in client mode (no third-party client needed), plus
the few app-protocol moves a browser makes: wait for a command, answer a form, click a button.
"""
from __future__ import annotations

import os

from _common import proc_status
from pywebio_lite.testing_ws import Closed, SessionClient  # noqa: F401  (re-exported)


# The client moved into the package (pywebio_lite.testing_ws) so that tests can use it too.
Client = SessionClient


def threads_of(pid: int) -> int:
    """Threads of the process (from /proc)."""
    return proc_status(pid, "Threads")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fds_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentiles(samples: list[float]) -> dict:
    """p50 / p90 / p99 / max of `samples` (seconds) in milliseconds."""
    if not samples:
        return {"n": 0, "p50": float("nan"), "p90": float("nan"), "p99": float("nan"),
                "max": float("nan")}
    s = sorted(samples)

    def at(q):
        return s[min(len(s) - 1, int(q * len(s)))] * 1000
    return {"n": len(s), "p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": s[-1] * 1000}

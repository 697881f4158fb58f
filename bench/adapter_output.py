"""The output benchmark on the framework adapters: N put_text() lines served by our built-in
server, by `pywebio_lite.platform.tornado.start_server` and by `pywebio_lite.platform.aiohttp.
start_server`, measured in turn in one run (the method of bench/output_throughput.py).

    bench/.venv/bin/python bench/adapter_output.py [--repeat 5] [--sizes 2000,20000]

Browser: opening the page in headless Chromium until the last line is rendered. Bare client:
opening a WebSocket until the frame carrying the last line arrives. Server CPU: the CPU time the
server's process spends on one bare-client session (from /proc), which the load of other jobs on
the machine disturbs far less than the wall-clock figures. Medians of --repeat runs; the
servers are measured run by run in turn (each going first in turn), so they share the machine's
load. Each runs with its defaults (the built-in server keeps frames for a reconnect, 10 s; the
adapters, like PyWebIO's, do not: reconnect_timeout=0). Target (issue 10):
each adapter within 1.5x of the built-in server. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import statistics
import sys

from _common import ROOT, free_port, machine, process, update_results
from output_throughput import LAUNCH, bare_time, browser_time, in_thread

KINDS = ("ours", "tornado", "aiohttp")
TARGET = 1.5


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_with_cpu(port: int, pid: int, n: int) -> tuple[float, float]:
    """(wall time, server CPU time) of one bare-client session."""
    before = cpu_seconds(pid)
    elapsed = in_thread(bare_time(port, n))
    return elapsed, cpu_seconds(pid) - before


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--sizes", default="2000,20000")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        for n in sizes:
            with contextlib.ExitStack() as stack:
                ports, pids = {}, {}
                for kind in KINDS:
                    port = ports[kind] = free_port()
                    pids[kind] = stack.enter_context(process(
                        [sys.executable, str(ROOT / "bench" / "apps" / "output_app.py"), kind, str(port), str(n)],
                        port=port)).pid
                times = {kind: {"browser": [], "bare": [], "cpu": []} for kind in KINDS}
                for run in range(args.repeat):
                    for kind in KINDS[run % 3:] + KINDS[:run % 3]:  # each goes first in turn
                        times[kind]["browser"].append(browser_time(browser, ports[kind], n))
                        for _ in range(4):  # CPU time is counted in 10 ms ticks: more samples
                            wall, cpu = bare_with_cpu(ports[kind], pids[kind], n)
                            times[kind]["bare"].append(wall)
                            times[kind]["cpu"].append(cpu)
            for kind in KINDS:
                r = results[kind, n] = {m: statistics.median(v) for m, v in times[kind].items()}
                r["cpu"] = statistics.fmean(times[kind]["cpu"])  # 10 ms ticks: the mean, not a median
                print(f"{kind:8s} {n:>7,} lines: browser {r['browser']:8.3f} s   bare client {r['bare']:8.3f} s"
                      f"   server CPU {r['cpu']:.3f} s", flush=True)
        browser.close()

    rows, notes = [], []
    for n in sizes:
        o = results["ours", n]
        cells = [f"{o[m]:.3f} s" for m in ("browser", "bare", "cpu")]
        for kind in KINDS[1:]:
            r = results[kind, n]
            cells += [f"{r[m]:.3f} s (**{r[m] / o[m]:.2f}×**)" for m in ("browser", "bare", "cpu")]
            for m in ("browser", "bare", "cpu"):
                ratio = r[m] / o[m]
                notes.append(f"- {kind}, {n:,} lines, {m}: {ratio:.2f}× the built-in server's time "
                             f"(target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'MISSED'}).")
        rows.append(f"| {n:,} | " + " | ".join(cells) + " |")
    table = "\n".join([
        "## Output throughput on the framework adapters (issue 10)",
        "",
        f"`bench/.venv/bin/python bench/adapter_output.py --repeat {args.repeat} --sizes {args.sizes}` — "
        f"{datetime.date.today()}, {machine()}, headless Chromium. N put_text() lines from our built-in "
        "server, from `platform.tornado.start_server` and from `platform.aiohttp.start_server`, each in "
        "its own process, measured run by run in turn. Browser: opening the page until the last line "
        "is rendered; bare WS: opening a WebSocket until the last line's frame arrives; CPU: the "
        "server process's CPU time for one bare-WS session. Medians (bare WS: of 4 sessions a run; CPU: "
        "their mean, as /proc counts it in 10 ms ticks). "
        "The 2 cores are shared with other engineers' test runs while this runs: the wall-clock figures "
        "are noisy (a ratio can swing by ±0.4 between runs); the CPU ratio is the stable one. Each server "
        "runs with its defaults (built-in: frames kept for a reconnect; adapters: reconnect_timeout=0).",
        "",
        "| lines | built-in, browser | built-in, bare WS | built-in, CPU | Tornado, browser | Tornado, bare WS "
        "| Tornado, CPU | aiohttp, browser | aiohttp, bare WS | aiohttp, CPU |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        *notes,
    ])
    if not args.no_write:
        update_results("adapter_output", table)
    print(table)


if __name__ == "__main__":
    main()

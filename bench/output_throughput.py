"""Output throughput: N put_text() lines, ours vs PyWebIO 1.8.4, in the same run.

    bench/.venv/bin/python bench/output_throughput.py [--repeat 3] [--sizes 1000,2000,20000,100000]
                                                      [--pywebio-sizes 1000,2000]

Browser figure: time from opening the page in headless Chromium until the last line is rendered
(page load, WebSocket, all output). Bare-client figure: time from opening a WebSocket until the
frame carrying the last line arrives (no browser). Each server runs in its own process (PyWebIO
from the benchmark venv, cdn=False). Medians of --repeat runs. Writes bench/RESULTS.md.
Targets: at 2,000 lines ours <= 1/20 of PyWebIO's browser time; ours grows linearly (20,000 lines
<= 12x the 2,000-line time); 2,000 lines to a bare client: ours <= 1/5 of PyWebIO's time.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime
import statistics
import sys
import time

from _common import BENCH_PY, ROOT, free_port, machine, process, update_results

LAUNCH = dict(executable_path="/usr/bin/chromium", headless=True,
              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"])


def server(kind: str, n: int):
    port = free_port()
    python = sys.executable if kind == "ours" else BENCH_PY
    return port, process([python, str(ROOT / "bench" / "apps" / "output_app.py"), kind, str(port), str(n)], port=port)


def browser_time(browser, port: int, n: int) -> float:
    context = browser.new_context()
    page = context.new_page()
    last = f"line {n - 1}"
    t0 = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_function("t => document.body.textContent.includes(t)", arg=last, timeout=600_000, polling="raf")
    elapsed = time.perf_counter() - t0
    context.close()
    return elapsed


async def bare_time(port: int, n: int) -> float:
    from websockets.asyncio.client import connect
    last = f'"line {n - 1}"'
    t0 = time.perf_counter()
    async with connect(f"ws://127.0.0.1:{port}/?app=index&session=NEW", compression=None, max_size=None) as ws:
        async for message in ws:
            if last in message:
                return time.perf_counter() - t0
    raise RuntimeError("the last line never arrived")


def in_thread(coro):
    """Run a coroutine to completion on a fresh event loop in another thread (Playwright's sync
    API owns this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run(kind: str, n: int, repeat: int, browser) -> dict:
    result = {}
    port, ctx = server(kind, n)
    with ctx:
        times = [browser_time(browser, port, n) for _ in range(repeat)]
        result["browser"] = statistics.median(times)
        times = [in_thread(bare_time(port, n)) for _ in range(repeat)]
        result["bare"] = statistics.median(times)
    print(f"{kind:8s} {n:>7,} lines: browser {result['browser']:8.3f} s   bare client {result['bare']:8.3f} s",
          flush=True)
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--sizes", default="1000,2000,20000,100000")
    p.add_argument("--pywebio-sizes", default="1000,2000")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    ours, theirs = {}, {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        for n in [int(x) for x in args.sizes.split(",")]:
            ours[n] = run("ours", n, 1 if n >= 100_000 else args.repeat, browser)
        for n in [int(x) for x in args.pywebio_sizes.split(",") if x]:
            theirs[n] = run("pywebio", n, args.repeat, browser)
        browser.close()

    rows = []
    for n in sorted(set(ours) | set(theirs)):
        o, t = ours.get(n), theirs.get(n)
        cell = lambda r, k: f"{r[k]:.3f} s" if r else "—"
        ratio = lambda k: f"**1/{t[k] / o[k]:.0f}**" if o and t else "—"
        rows.append(f"| {n:,} | {cell(o, 'browser')} | {cell(t, 'browser')} | {ratio('browser')} | "
                    f"{cell(o, 'bare')} | {cell(t, 'bare')} | {ratio('bare')} |")
    notes = []
    if 2000 in ours and 2000 in theirs:
        r = theirs[2000]["browser"] / ours[2000]["browser"]
        notes.append(f"- Browser, 2,000 lines: ours is 1/{r:.0f} of PyWebIO's time (target ≤ 1/20: "
                     f"{'met' if r >= 20 else 'MISSED'}).")
        r = theirs[2000]["bare"] / ours[2000]["bare"]
        notes.append(f"- Bare client, 2,000 lines: ours is 1/{r:.0f} of PyWebIO's time (target ≤ 1/5: "
                     f"{'met' if r >= 5 else 'MISSED'}).")
    if 2000 in ours and 20000 in ours:
        g = ours[20000]["browser"] / ours[2000]["browser"]
        notes.append(f"- Growth: 20,000 lines take {g:.1f}× the 2,000-line time (target ≤ 12×: "
                     f"{'met' if g <= 12 else 'MISSED'}).")
    if 20000 in ours and 100000 in ours:
        g = ours[100000]["browser"] / ours[20000]["browser"]
        notes.append(f"- 100,000 lines take {g:.1f}× the 20,000-line time (5× would be linear).")
    table = "\n".join([
        "## Output throughput: N put_text() lines (issue 3)",
        "",
        f"`bench/.venv/bin/python bench/output_throughput.py --repeat {args.repeat} --sizes {args.sizes} "
        f"--pywebio-sizes {args.pywebio_sizes}` — {datetime.date.today()}, {machine()}, headless Chromium, "
        "PyWebIO 1.8.4 with cdn=False. Browser: opening the page until the last line is rendered. "
        "Bare client: opening a WebSocket until the last line's frame arrives. Medians "
        "(100,000 lines: one run).",
        "",
        "| lines | ours, browser | PyWebIO, browser | ours / PyWebIO | ours, bare WS | PyWebIO, bare WS | ours / PyWebIO |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        *notes,
    ])
    if not args.no_write:
        update_results("output_throughput", table)
    print(table)


if __name__ == "__main__":
    main()

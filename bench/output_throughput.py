"""Output throughput: N put_text() lines, ours vs PyWebIO 1.8.4 vs the physical floor, in one run.

    bench/.venv/bin/python bench/output_throughput.py [--repeat 3] [--sizes 1000,2000,20000,100000]
                                                      [--pywebio-sizes 1000,2000]

Browser figure: time from opening the page in headless Chromium until the last line is rendered
(page load, WebSocket, all output). Bare-client figure: time from opening a WebSocket until the
frame carrying the last line arrives (no browser). Each server runs in its own process (PyWebIO
from the benchmark venv, cdn=False). The floor: the same N lines, with the same markup and
stylesheet, as one static HTML page served in one response (`python -m http.server`), timed the
same way: what Chromium needs to show them at all. Medians of --repeat runs; the three kinds are
measured in turn at each size, so they share the machine's load. Writes bench/RESULTS.md.
Targets: at 2,000 lines ours <= 1/20 of PyWebIO's browser time; ours grows linearly (20,000 lines
<= 12x the 2,000-line time); 2,000 lines to a bare client: ours <= 1/5 of PyWebIO's time; at
2,000 and 20,000 lines ours <= 1.3x the floor (issue 8).

    bench/.venv/bin/python bench/output_throughput.py --adapters asgi,fastapi,hypercorn [--sizes 2000,20000]

compares our framework adapters (bench/apps/output_app.py names them) with our built-in server
instead, all servers up at once and measured in turn run by run; it writes its own section of
RESULTS.md. Target: each WebSocket adapter within 1.5x of the built-in server (issue 10).
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import datetime
import html
import pathlib
import statistics
import sys
import tempfile
import time

from _common import BENCH_PY, ROOT, free_port, machine, process, update_results

LAUNCH = dict(executable_path="/usr/bin/chromium", headless=True,
              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"])


def server(kind: str, n: int):
    port = free_port()
    python = BENCH_PY if kind == "pywebio" else sys.executable
    return port, process([python, str(ROOT / "bench" / "apps" / "output_app.py"), kind, str(port), str(n)], port=port)


@contextlib.contextmanager
def floor_server(n: int):
    """A static page holding the N lines as our renderer writes them, served in one response."""
    css = (ROOT / "pywebio_lite" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    lines = "".join(f'<p class="pwl-text">{html.escape(f"line {i}")}</p>' for i in range(n))
    page = ('<!doctype html><html lang="en" data-theme="auto"><head><meta charset="utf-8">'
            '<link rel="icon" href="data:,"><title>floor</title>'
            f'<style>{css}</style></head><body><main class="pwl-page" id="pwl-page">'
            f'<div id="pywebio-scope-ROOT" class="pwl-scope">{lines}</div></main></body></html>')
    with tempfile.TemporaryDirectory() as tmp:
        pathlib.Path(tmp, "index.html").write_text(page, encoding="utf-8")
        port = free_port()
        with process([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                      "--directory", tmp], port=port):
            yield port


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


def run(kind: str, n: int, repeat: int, browser, floor: dict | None = None) -> dict:
    """Browser and bare-client medians for one server. With `floor` (a dict to fill), the floor
    page is timed too, alternating with ours run by run, so both see the same machine load."""
    result = {}
    port, ctx = server(kind, n)
    with ctx, (floor_server(n) if floor is not None else contextlib.nullcontext()) as floor_port:
        times, floor_times = [], []
        for _ in range(repeat):
            if floor is not None:
                floor_times.append(browser_time(browser, floor_port, n))
            times.append(browser_time(browser, port, n))
        result["browser"] = statistics.median(times)
        times = [in_thread(bare_time(port, n)) for _ in range(repeat)]
        result["bare"] = statistics.median(times)
    if floor is not None:
        floor["browser"] = statistics.median(floor_times)
        print(f"{'floor':8s} {n:>7,} lines: browser {floor['browser']:8.3f} s", flush=True)
    print(f"{kind:8s} {n:>7,} lines: browser {result['browser']:8.3f} s   bare client {result['bare']:8.3f} s",
          flush=True)
    return result


#: The target of issue 10: each WebSocket adapter within this factor of the built-in server.
ADAPTER_TARGET = 1.5


def compare_adapters(browser, kinds: list[str], sizes: list[int], repeat: int) -> dict:
    """{(kind, n): {"browser": median, "bare": median}} for "ours" and each adapter kind: at each
    size all servers run at once and are timed in turn, run by run, so they share the load."""
    results = {}
    for n in sizes:
        with contextlib.ExitStack() as stack:
            ports = {}
            for kind in ["ours", *kinds]:
                port, ctx = server(kind, n)
                stack.enter_context(ctx)
                ports[kind] = port
            times = {kind: {"browser": [], "bare": []} for kind in ports}
            for _ in range(repeat):
                for kind, port in ports.items():
                    times[kind]["browser"].append(browser_time(browser, port, n))
                    times[kind]["bare"].append(in_thread(bare_time(port, n)))
        for kind, got in times.items():
            results[kind, n] = {key: statistics.median(values) for key, values in got.items()}
            print(f"{kind:10s} {n:>7,} lines: browser {results[kind, n]['browser']:8.3f} s   "
                  f"bare client {results[kind, n]['bare']:8.3f} s", flush=True)
    return results


def adapters_table(results: dict, kinds: list[str], sizes: list[int], repeat: int, command: str) -> str:
    rows, notes = [], []
    for n in sizes:
        ours = results["ours", n]
        rows.append(f"| {n:,} | built-in server | {ours['browser']:.3f} s | — | {ours['bare']:.3f} s | — |")
        for kind in kinds:
            r = results[kind, n]
            b, w = r["browser"] / ours["browser"], r["bare"] / ours["bare"]
            rows.append(f"| {n:,} | {kind} | {r['browser']:.3f} s | **{b:.2f}×** | {r['bare']:.3f} s | **{w:.2f}×** |")
            verdict = "met" if b <= ADAPTER_TARGET else "MISSED"
            notes.append(f"- {kind}, {n:,} lines: {b:.2f}× the built-in server's browser time "
                         f"(target ≤ {ADAPTER_TARGET}×: {verdict}), {w:.2f}× its bare-client time.")
    return "\n".join([
        "## Output throughput under the framework adapters (issue 10)",
        "",
        f"`{command}` — {datetime.date.today()}, {machine()}, headless Chromium, cdn=False, medians of "
        f"{repeat} runs. All servers run at once and are timed in turn, run by run. asgi: "
        "`platform.asgi.asgi_app` under uvicorn; fastapi: `platform.fastapi.start_server` (Starlette on "
        "uvicorn); hypercorn: `asgi_app` under hypercorn. Browser: opening the page until the last line "
        "is rendered; bare client: opening a WebSocket until the last line's frame arrives. The 2 cores "
        "are shared with other jobs while this runs: absolute times are noisy, the ratios less so.",
        "",
        "| lines | server | browser | / built-in | bare WS | / built-in |",
        "|---:|---|---:|---:|---:|---:|",
        *rows,
        "",
        *notes,
    ])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--sizes", default="1000,2000,20000,100000")
    p.add_argument("--pywebio-sizes", default="1000,2000")
    p.add_argument("--adapters", default="", help="compare these adapter kinds with the built-in server")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    if args.adapters:
        kinds = [k for k in args.adapters.split(",") if k]
        sizes = [int(x) for x in args.sizes.split(",")]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**LAUNCH)
            results = compare_adapters(browser, kinds, sizes, args.repeat)
            browser.close()
        command = (f"bench/.venv/bin/python bench/output_throughput.py --adapters {args.adapters} "
                   f"--sizes {args.sizes} --repeat {args.repeat}")
        table = adapters_table(results, kinds, sizes, args.repeat, command)
        if not args.no_write:
            update_results("output_adapters", table)
        print(table)
        return

    ours, theirs, floor = {}, {}, {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        for n in [int(x) for x in args.sizes.split(",")]:
            repeat = 1 if n >= 100_000 else args.repeat
            floor[n] = {}
            ours[n] = run("ours", n, repeat, browser, floor[n])
        for n in [int(x) for x in args.pywebio_sizes.split(",") if x]:
            theirs[n] = run("pywebio", n, args.repeat, browser)
        browser.close()

    rows = []
    for n in sorted(set(ours) | set(theirs)):
        o, t = ours.get(n), theirs.get(n)
        cell = lambda r, k: f"{r[k]:.3f} s" if r else "—"
        ratio = lambda k: f"**1/{t[k] / o[k]:.0f}**" if o and t else "—"
        f = floor.get(n)
        vs_floor = f"**{o['browser'] / f['browser']:.2f}×**" if o and f else "—"
        rows.append(f"| {n:,} | {cell(f, 'browser')} | {cell(o, 'browser')} | {vs_floor} | {cell(t, 'browser')} | "
                    f"{ratio('browser')} | {cell(o, 'bare')} | {cell(t, 'bare')} | {ratio('bare')} |")
    notes = []
    for n in (2000, 20000):
        if n in ours and n in floor:
            r = ours[n]["browser"] / floor[n]["browser"]
            notes.append(f"- Browser, {n:,} lines: ours takes {r:.2f}× the floor's time (target ≤ 1.3×: "
                         f"{'met' if r <= 1.3 else 'MISSED'}).")
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
        "## Output throughput: N put_text() lines (issues 3 and 8)",
        "",
        f"`bench/.venv/bin/python bench/output_throughput.py --repeat {args.repeat} --sizes {args.sizes} "
        f"--pywebio-sizes {args.pywebio_sizes}` — {datetime.date.today()}, {machine()}, headless Chromium, "
        "PyWebIO 1.8.4 with cdn=False. Browser: opening the page until the last line is rendered. "
        "Floor: the same lines, markup and stylesheet as one static page in one response, timed the "
        "same way. Bare client: opening a WebSocket until the last line's frame arrives. Medians "
        "(100,000 lines: one run). The 2 cores are shared with other jobs while this runs: figures "
        "are noisy, ratios from one run are more stable than the absolute times.",
        "",
        "| lines | floor, browser | ours, browser | ours / floor | PyWebIO, browser | ours / PyWebIO "
        "| ours, bare WS | PyWebIO, bare WS | ours / PyWebIO |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        *notes,
    ])
    if not args.no_write:
        update_results("output_throughput", table)
    print(table)


if __name__ == "__main__":
    main()

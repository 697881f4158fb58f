"""Input round trip: 200 consecutive input() calls answered in headless Chromium, ours vs PyWebIO.

    bench/.venv/bin/python bench/input_roundtrip.py [--n 200]

Playwright fills each form and presses Enter, the way a person does. One round trip = from
pressing Enter until the next question's form is ready to type in. Reports the median over the n
round trips, ours vs PyWebIO 1.8.4 (cdn=False), each server in its own process. Target: ours <=
1/2 of PyWebIO's median. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time

from _common import BENCH_PY, ROOT, free_port, machine, process, update_results
from output_throughput import LAUNCH


def run(kind: str, n: int, browser) -> list[float]:
    port = free_port()
    python = sys.executable if kind == "ours" else BENCH_PY
    with process([python, str(ROOT / "bench" / "apps" / "input_app.py"), kind, str(port), "roundtrip", str(n)],
                 port=port):
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(PAGE_CLOCK)
        page.goto(f"http://127.0.0.1:{port}/")
        times = []
        box = _question_box(page, 0)
        for i in range(n):
            box.fill(str(i))
            t0 = time.perf_counter()
            box.press("Enter")
            if i + 1 < n:
                box = _question_box(page, i + 1)
            else:
                page.get_by_text("All answered").wait_for()
            times.append(time.perf_counter() - t0)
        in_page = page.evaluate("window.__roundTrips")
        context.close()
    print(f"{kind:8s} Playwright median {statistics.median(times) * 1000:7.1f} ms   in-page median "
          f"{statistics.median(in_page):7.1f} ms", flush=True)
    return times, [t / 1000 for t in in_page]


# The page's own clock: from the Enter keydown to the first paint after a new question's text box
# is in the document. This leaves out Playwright's polling (it checks once per animation frame).
PAGE_CLOCK = """
window.__roundTrips = [];
let pressed = null;
document.addEventListener('keydown', (e) => { if (e.key === 'Enter') pressed = performance.now(); }, true);
new MutationObserver(() => {
  if (pressed === null) return;
  const boxes = document.querySelectorAll('input[type=text]');
  const box = boxes[boxes.length - 1];
  if (!box || box.__counted) return;
  box.__counted = true;
  const start = pressed;
  pressed = null;
  requestAnimationFrame(() => window.__roundTrips.push(performance.now() - start));
}).observe(document, {subtree: true, childList: true});
"""


def _question_box(page, i: int):
    """The text box of question i, once it is visible and editable."""
    page.get_by_text(f"Question {i}", exact=True).first.wait_for()
    box = page.locator("input[type=text]:visible").last
    box.wait_for()
    return box


async def _bare(kind: str, port: int, n: int) -> list[float]:
    """n-1 round trips by a bare WebSocket client: submit, then wait for the next form's command."""
    import json
    from websockets.asyncio.client import connect
    times = []

    def forms(text):
        msg = json.loads(text)
        for cmd in (msg["commands"] if kind == "ours" else [msg]):
            if cmd["command"] == "input_group":
                yield cmd

    async with connect(f"ws://127.0.0.1:{port}/?app=index&session=NEW", compression=None, max_size=None) as ws:
        form = None
        while form is None:
            form = next(forms(await ws.recv()), None)
        for i in range(n - 1):
            event = {"event": "from_submit", "task_id": form["task_id"], "data": {"data": str(i)}}
            if kind == "ours":
                event = {"seq": i + 1, "events": [dict(event, form=form["spec"]["form_id"])]}
            t0 = time.perf_counter()
            await ws.send(json.dumps(event))
            nxt = None
            while nxt is None:
                nxt = next(forms(await ws.recv()), None)
            times.append(time.perf_counter() - t0)
            form = nxt
    return times


def bare(kind: str, n: int) -> list[float]:
    """The server side alone: answers by a bare WebSocket client instead of a browser."""
    import asyncio
    port = free_port()
    python = sys.executable if kind == "ours" else BENCH_PY
    with process([python, str(ROOT / "bench" / "apps" / "input_app.py"), kind, str(port), "roundtrip", str(n)],
                 port=port):
        times = asyncio.run(_bare(kind, port, n))
    print(f"{kind:8s} bare WebSocket client median {statistics.median(times) * 1000:7.2f} ms", flush=True)
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        ours, ours_page = run("ours", args.n, browser)
        theirs, theirs_page = run("pywebio", args.n, browser)
        browser.close()
    bo, bt = statistics.median(bare("ours", args.n)), statistics.median(bare("pywebio", args.n))
    po, pt = statistics.median(ours_page), statistics.median(theirs_page)
    mo, mt = statistics.median(ours), statistics.median(theirs)
    table = "\n".join([
        "## Input round trip (issue 4)",
        "",
        f"`bench/.venv/bin/python bench/input_roundtrip.py --n {args.n}` — {datetime.date.today()}, {machine()}, "
        "headless Chromium driven by Playwright (fill, Enter); PyWebIO 1.8.4 with cdn=False. One round trip = "
        "Enter pressed until the next form is ready, on two clocks: the page's own (keydown to the first paint "
        "after the next question's text box is in the document) and Playwright's (press() called until its "
        "locator finds the next box, which adds its IPC and once-per-animation-frame polling to both sides).",
        "",
        "| | pywebio_lite | PyWebIO 1.8.4 | ours / PyWebIO | target |",
        "|---|---:|---:|---:|---|",
        f"| **median round trip, Playwright-driven (Enter → next form found)** | {mo * 1000:.1f} ms | "
        f"{mt * 1000:.1f} ms | **{mo / mt:.2f}** | ≤ 0.5 ({'met' if mo / mt <= 0.5 else 'MISSED'}) |",
        f"| median round trip, page clock (Enter → next form painted) | {po * 1000:.1f} ms | {pt * 1000:.1f} ms | "
        f"{po / pt:.2f} | (same target: {'met' if po / pt <= 0.5 else 'missed'}) |",
        f"| median round trip, bare WebSocket client instead of a browser (server side alone) | {bo * 1000:.2f} ms | "
        f"{bt * 1000:.2f} ms | {bo / bt:.2f} | |",
        f"| mean round trip, Playwright-driven | {statistics.mean(ours) * 1000:.1f} ms | {statistics.mean(theirs) * 1000:.1f} ms | "
        f"{statistics.mean(ours) / statistics.mean(theirs):.2f} | |",
        f"| 90th percentile, Playwright-driven | {statistics.quantiles(ours, n=10)[-1] * 1000:.1f} ms | "
        f"{statistics.quantiles(theirs, n=10)[-1] * 1000:.1f} ms | | |",
        "",
        "The issue's measure is the Playwright-driven round trip. The page clock leaves out Playwright's "
        "IPC and polling; what remains on it is mostly the browser's frame schedule (the next form is "
        "painted on the next animation frame, 0-16.7 ms after it is in the document), which both sides pay.",
        "",
        "Why forms do not animate between questions: with a CSS transition running (the focus ring of the "
        "new field, the form's fade-in), Chromium keeps painting frames and hands the page the server's "
        "answer only after the next one; this benchmark measured 0.67 (Playwright) and 0.82 (page clock) "
        "before a form that replaces the one just answered stopped fading in and focus stopped transitioning.",
    ])
    if not args.no_write:
        update_results("input_roundtrip", table)
    print(table)


if __name__ == "__main__":
    main()

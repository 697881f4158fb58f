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
        context.close()
    print(f"{kind:8s} median {statistics.median(times) * 1000:7.1f} ms  mean {statistics.mean(times) * 1000:7.1f} ms",
          flush=True)
    return times


def _question_box(page, i: int):
    """The text box of question i, once it is visible and editable."""
    page.get_by_text(f"Question {i}", exact=True).first.wait_for()
    box = page.locator("input[type=text]:visible").last
    box.wait_for()
    return box


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        ours = run("ours", args.n, browser)
        theirs = run("pywebio", args.n, browser)
        browser.close()
    mo, mt = statistics.median(ours), statistics.median(theirs)
    table = "\n".join([
        "## Input round trip (issue 4)",
        "",
        f"`bench/.venv/bin/python bench/input_roundtrip.py --n {args.n}` — {datetime.date.today()}, {machine()}, "
        "headless Chromium driven by Playwright (fill, Enter); PyWebIO 1.8.4 with cdn=False. One round trip = "
        "Enter pressed until the next form is ready.",
        "",
        "| | pywebio_lite | PyWebIO 1.8.4 | ours / PyWebIO | target |",
        "|---|---:|---:|---:|---|",
        f"| median round trip | {mo * 1000:.1f} ms | {mt * 1000:.1f} ms | **{mo / mt:.2f}** | ≤ 0.5 "
        f"({'met' if mo / mt <= 0.5 else 'MISSED'}) |",
        f"| mean round trip | {statistics.mean(ours) * 1000:.1f} ms | {statistics.mean(theirs) * 1000:.1f} ms | "
        f"{statistics.mean(ours) / statistics.mean(theirs):.2f} | |",
        f"| 90th percentile | {statistics.quantiles(ours, n=10)[-1] * 1000:.1f} ms | "
        f"{statistics.quantiles(theirs, n=10)[-1] * 1000:.1f} ms | | |",
    ])
    if not args.no_write:
        update_results("input_roundtrip", table)
    print(table)


if __name__ == "__main__":
    main()
